"""Binds a LiveKit Agents for Python (1.x) call to one prompt key: the behaviour of the
TypeScript `promptcast/livekit` binding.

Written against livekit-agents 1.7.0 (livekit/agents tag livekit-agents@1.7.0, commit
53c77a6b3cf0ef88512b2ab4917bfdd1dd6186b0), which cannot be installed here; it uses only these names:

- `AgentSession.current_agent` (property; raises RuntimeError before the session runs),
  `AgentSession.llm`, `AgentSession.on(event, callback)` / `.off(event, callback)` (the
  rtc.EventEmitter: callbacks must be plain functions, not coroutines);
- `Agent.update_instructions(instructions: str)` (a coroutine), `Agent.instructions`, `Agent.llm`;
- events `speech_created` (`SpeechCreatedEvent.source`: "say" | "generate_reply"),
  `conversation_item_added` (`.item`: a ChatMessage with `.role` and `.interrupted`, or an
  AgentHandoff with `.type == "agent_handoff"`), `error` (ErrorEvent), `close`
  (`CloseEvent.reason`, a `CloseReason` str enum);
- `RealtimeModel.capabilities.mutable_instructions` (False: the model cannot take new
  instructions mid-session, so the change is receipted `unsupported`).
"""

from __future__ import annotations

import asyncio
import re
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Mapping, Optional

from ..client import PromptClient
from ..errors import MissingVariableError
from ..rollouts import in_candidate
from ..template import render_template
from .reporter import SessionReporter

SESSION_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}\Z")
SESSION_ID_RULE = "1-128 characters: letters, digits and . _ : @ / - (starting with a letter or digit)"
METRIC_NAME_PATTERN = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]{0,63}\Z")
BUILT_IN = ("turns", "userInterruptions", "agentErrors", "durationMs", "endReason")
RECEIPTS_PER_SESSION = 200
TURNS_PER_SESSION = 200
CUSTOM_METRICS = 32
DETAIL_LENGTH = 200
NAME_LENGTH = 64


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def instruction_support(agent: Any, session: Any) -> Dict[str, Any]:
    """Whether the model takes new instructions mid-session: a text LLM always does (the
    instructions are a system message of each turn's chat context); a realtime model says
    so in `capabilities.mutable_instructions`."""
    model = getattr(agent, "llm", None)
    if model is None or type(model).__name__ == "NotGiven":
        model = getattr(session, "llm", None)
    capabilities = getattr(model, "capabilities", None)
    name = getattr(model, "model", None) or type(model).__name__
    if capabilities is not None and hasattr(capabilities, "mutable_instructions"):
        return {"live": bool(capabilities.mutable_instructions), "model": str(name)}
    return {"live": True, "model": str(name)}


class LivePrompts:
    """One call, one key. Create it on the session's event loop (in the job's entrypoint)."""

    def __init__(
        self,
        client: PromptClient,
        session: Any,
        key: str,
        session_id: str,
        variables: Optional[Mapping[str, Any]] = None,
        apply: str = "live",
        *,
        follows: Optional[Callable[[Any], bool]] = None,
        reporter: Optional[SessionReporter] = None,
        now: Callable[[], float] = None,  # type: ignore[assignment]
    ) -> None:
        import time

        if not isinstance(session_id, str) or not SESSION_ID_PATTERN.match(session_id):
            raise ValueError(f'session_id "{str(session_id)[:80]}" is not valid: {SESSION_ID_RULE}')
        if apply not in ("live", "next-session"):
            raise ValueError(f"apply must be 'live' or 'next-session', got {apply!r}")
        self.key = key
        self.session_id = session_id
        self.receipts: List[Dict[str, Any]] = []
        self.turns: List[Dict[str, Any]] = []
        self._client = client
        self._session = session
        self._variables = dict(variables or {})
        self._apply_default = apply
        self._follows = follows or (lambda agent: True)
        self._reporter = reporter
        self._now = now or time.time
        self._loop = asyncio.get_running_loop()
        self._reads: Dict[str, int] = {}
        self._receipt_listeners: List[Callable[[Dict[str, Any]], Any]] = []
        self._behind = False
        self._closed = False
        self._turns = self._interruptions = self._errors = 0
        self._ended_at: Optional[float] = None
        self._end_reason: Optional[str] = None
        self._custom: Dict[str, float] = {}
        self._changes: "asyncio.Queue[Optional[Dict[str, Any]]]" = asyncio.Queue()
        # ordering: resolve, render and subscribe with no await in between, so no change falls in the gap.
        self._running = client.resolve(key, session_id)
        # A version that needs a variable this call lacks raises MissingVariableError here: the call should not start on it.
        self._text = self._render(self._running) if self._running else None
        self._pinned = {"rolloutId": self._running["rolloutId"], "variant": self._running["variant"]} if self._running and self._running["rolloutId"] else None
        self.revision: Optional[int] = client.status()["revision"]
        self._started_at = self._now()
        self._unsubscribe = client.on_change(self._changes.put_nowait, loop=self._loop)
        self._handlers = {
            "speech_created": self._on_speech,
            "conversation_item_added": self._on_item,
            "error": self._on_error,
            "close": self._on_close,
        }
        for event, handler in self._handlers.items():
            session.on(event, handler)
        self._worker = self._loop.create_task(self._work())
        # Bound to a session that already runs: its agent takes the text now.
        if self._current_agent() is not None:
            self._follow_handoff()

    # --- what the agent's code reads ---------------------------------------------------

    @property
    def instructions(self) -> Optional[str]:
        """The instructions this call runs on now (build the first Agent with them)."""
        return self._text

    @property
    def version(self) -> Optional[int]:
        return self._running["version"] if self._running else None

    @property
    def variant(self) -> Optional[Dict[str, str]]:
        """`{rolloutId, variant}` of the key for this call; None when it is in no rollout."""
        return self._pinned

    def read(self, key: str, variables: Optional[Mapping[str, Any]] = None) -> Optional[str]:
        """Renders another key for this call once (a greeting), noting its version in the record."""
        found = self._client.resolve(key, self.session_id)
        if found is None:
            return None
        text = render_template(found["text"], found["variables"], self._variables if variables is None else variables)
        if text.missing:
            raise MissingVariableError(key, text.missing)
        if found["version"] is not None:
            self._reads[key] = found["version"]
        return text.text

    def record(self, name: str, value: float) -> None:
        """Sets a custom metric of this call (the last value wins)."""
        if not isinstance(name, str) or not METRIC_NAME_PATTERN.match(name):
            raise ValueError(f'metric name "{str(name)[:80]}" must match {METRIC_NAME_PATTERN.pattern}')
        if name in BUILT_IN:
            raise ValueError(f'metric name "{name}" is a built-in metric; the binding counts it from the session\'s events')
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f'metric "{name}" must be a finite number')
        if name not in self._custom and len(self._custom) >= CUSTOM_METRICS:
            raise ValueError(f"a session reports at most {CUSTOM_METRICS} custom metrics")
        self._custom[name] = value

    def on_receipt(self, callback: Callable[[Dict[str, Any]], Any]) -> None:
        self._receipt_listeners.append(callback)

    async def idle(self) -> None:
        """Returns when every change received so far has been handled."""
        await self._changes.join()

    def to_record(self) -> Dict[str, Any]:
        """The call as it stands: what POST /api/sessions/report carries for it."""
        prompts = dict(self._reads)
        if self.version is not None:
            prompts[self.key] = self.version
        ended = self._ended_at
        record: Dict[str, Any] = {
            "sessionId": self.session_id,
            "startedAt": _iso(self._started_at),
            "endedAt": _iso(ended) if ended is not None else None,
            "label": self._client.label,
            "prompts": prompts,
            "receipts": list(self.receipts),
            "turns": list(self.turns),
            "metrics": {
                "turns": self._turns,
                "userInterruptions": self._interruptions,
                "agentErrors": self._errors,
                "durationMs": max(0, round(((ended if ended is not None else self._now()) - self._started_at) * 1000)),
                "endReason": self._end_reason,
                "custom": dict(self._custom),
            },
        }
        if self._pinned:
            record["rollouts"] = {self.key: dict(self._pinned)}
        return record

    def report(self) -> None:
        """Hands the call's record to the reporter now (it is also sent when the call ends)."""
        if self._reporter is not None:
            self._reporter.submit(self.to_record())

    async def close(self, reason: str = "closed") -> None:
        """Stops following (the session's `close` calls this with its reason); waits for the change
        being handled, then hands the final record to the reporter."""
        if self._closed:
            return
        self._closed = True
        self._ended_at = self._now()
        self._end_reason = str(reason)[:NAME_LENGTH]
        self._unsubscribe()
        for event, handler in self._handlers.items():
            self._session.off(event, handler)
        self._changes.put_nowait(None)
        await self._worker
        self.report()

    # --- the session's events (plain functions: the rtc.EventEmitter refuses coroutines) --

    def _on_speech(self, event: Any) -> None:
        # `say` speaks fixed text: no instructions govern it, so it is not a turn.
        if getattr(event, "source", None) == "say":
            return
        self._turns += 1
        if len(self.turns) < TURNS_PER_SESSION:
            versions = dict(self._reads)
            if self.version is not None:
                versions[self.key] = self.version
            self.turns.append({"at": _iso(self._now()), "revision": self.revision, "versions": versions})

    def _on_item(self, event: Any) -> None:
        item = getattr(event, "item", None)
        kind = getattr(item, "type", None)
        if kind == "agent_handoff":
            self._follow_handoff()
        elif kind == "message" and getattr(item, "role", None) == "assistant" and getattr(item, "interrupted", False):
            self._interruptions += 1

    def _on_error(self, event: Any) -> None:
        self._errors += 1

    def _on_close(self, event: Any) -> None:
        reason = getattr(event, "reason", "closed")
        self._loop.create_task(self.close(getattr(reason, "value", reason)))

    # --- changes ---------------------------------------------------------------------

    async def _work(self) -> None:
        while True:
            change = await self._changes.get()
            try:
                if change is None:
                    return
                await self._handle(change)
            finally:
                self._changes.task_done()

    async def _handle(self, change: Dict[str, Any]) -> None:
        if self._closed:
            return
        if change["key"] != self.key:
            # Other keys are read when a call starts: the call is as current as it can be, unless it waits for its own key.
            if not self._behind and change["revision"] is not None:
                self.revision = change["revision"]
            return
        if change["revision"] is None:
            return  # among defaults, before any server: nothing a server sent, nothing to receipt
        revision = change["revision"]
        target = self._target(change)
        if target is None:
            return self._receipt(revision, self.version or 0, "failed", "the key was deleted and has no default; the call keeps its instructions")
        prompt, variant = target
        version = prompt["version"] or 0
        scope = change.get("apply") or self._apply_default
        if scope == "next-session":
            self._behind = True
            return self._receipt(revision, version, "deferred")
        try:
            text = self._render(prompt)
        except MissingVariableError as err:
            return self._receipt(revision, version, "failed", str(err))
        agent = self._current_agent()
        follows = agent is not None and self._follows(agent)
        if follows:
            support = instruction_support(agent, self._session)
            if not support["live"]:
                self._behind = True
                return self._receipt(revision, version, "unsupported", f"{support['model']} cannot take new instructions mid-session")
            try:
                await agent.update_instructions(text)
            except Exception as err:  # llm.RealtimeError and whatever the model raises
                return self._receipt(revision, version, "failed", f"{type(err).__name__}: {err}")
        self._running, self._text, self._pinned = prompt, text, variant
        self.revision = revision
        self._behind = False
        if agent is not None and not follows:
            return self._receipt(revision, version, "deferred", f"the active agent does not follow {self.key}")
        self._receipt(revision, version, "applied")

    def _target(self, change: Dict[str, Any]):
        """What the key is for this call after `change`. A call keeps the variant it was given for
        as long as that rollout lasts (a raised percent moves no one back); a rollout it has not
        met yet assigns it by the bucket; no rollout means the label's own version."""
        if change["text"] is None:
            return None
        base = {"text": change["text"], "version": change["version"], "variables": change["variables"], "rolloutId": None, "variant": None}
        offer = change.get("rollout")
        if not offer:
            return base, None
        kept = self._pinned["variant"] if self._pinned and self._pinned["rolloutId"] == offer["id"] else None
        variant = kept or ("candidate" if in_candidate(offer["id"], self.session_id, offer["percent"]) else "baseline")
        if variant == "candidate":
            c = offer["candidate"]
            prompt = {"text": c["text"], "version": c["version"], "variables": c["variables"], "rolloutId": offer["id"], "variant": variant}
        else:
            prompt = dict(base, rolloutId=offer["id"], variant=variant)
        return prompt, {"rolloutId": offer["id"], "variant": variant}

    def _render(self, prompt: Mapping[str, Any]) -> str:
        rendered = render_template(prompt["text"], prompt["variables"], self._variables)
        if rendered.missing:
            raise MissingVariableError(self.key, rendered.missing)
        return rendered.text

    def _receipt(self, revision: int, version: int, outcome: str, detail: Optional[str] = None) -> None:
        receipt: Dict[str, Any] = {"revision": revision, "key": self.key, "version": version, "at": _iso(self._now()), "outcome": outcome}
        if detail is not None:
            receipt["detail"] = detail[:DETAIL_LENGTH]
        if len(self.receipts) < RECEIPTS_PER_SESSION:
            self.receipts.append(receipt)
        for callback in list(self._receipt_listeners):
            callback(receipt)

    def _follow_handoff(self) -> None:
        agent = self._current_agent()
        if agent is None or not self._follows(agent):
            return
        if self._text is not None and getattr(agent, "instructions", None) != self._text:
            # Before its activity starts this only stores the text, which the activity then starts on.
            self._loop.create_task(agent.update_instructions(self._text))

    def _current_agent(self) -> Any:
        try:
            return self._session.current_agent
        except RuntimeError:
            return None  # not started yet: the first agent arrives with the session's start


def live_prompts(
    client: PromptClient,
    session: Any,
    key: str,
    session_id: str,
    variables: Optional[Mapping[str, Any]] = None,
    apply: str = "live",
    **options: Any,
) -> LivePrompts:
    """Binds a LiveKit call to a prompt key: the call starts on the version meant for it (its
    label's, or its rollout variant), takes each change as its apply scope says at the next turn
    (`await agent.update_instructions(text)` on the session's loop), follows hand-offs to the
    session's current agent, and keeps a receipt per change, a record per turn and the call's
    metrics, sent through `reporter=SessionReporter(...)` when the call ends."""
    return LivePrompts(client, session, key, session_id, variables, apply, **options)

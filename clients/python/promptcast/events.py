"""The stream's events and the poll body, parsed into plain dicts (src/protocol/events.ts).

A prompt entry is `{text, version, updatedAt, variables, rollout}`: `variables`
is `{}` when an older server sent none, `rollout` the active rollout's offer
(`{id, percent, apply, candidate: {version, text, variables}}`) or None.
Anything malformed raises a BAD_EVENT error naming the problem.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Optional

from .errors import PromptClientError
from .template import is_variable_name

Event = Dict[str, Any]
Entry = Dict[str, Any]

APPLY_SCOPES = ("live", "next-session")


def parse_stream_event(kind: str, data: str) -> Event:
    body = _object(data, kind)
    revision = _int(body, "revision", kind)
    if kind == "snapshot":
        prompts = body.get("prompts")
        if not isinstance(prompts, dict):
            raise _bad(kind, "has no prompts object")
        return {"type": kind, "revision": revision, "prompts": {k: _entry(v, kind) for k, v in prompts.items()}}
    if kind == "prompt.updated":
        event = {
            "type": kind,
            "revision": revision,
            "key": _str(body, "key", kind),
            "version": _int(body, "version", kind),
            "text": _str(body, "text", kind),
            "updatedAt": _str(body, "updatedAt", kind),
            "author": body.get("author") if isinstance(body.get("author"), str) else "",
            "variables": _variables(body.get("variables"), kind),
            "rollout": _rollout(body.get("rollout"), kind),
            "apply": body.get("apply") if body.get("apply") in APPLY_SCOPES else None,
        }
        return event
    if kind == "prompt.deleted":
        return {"type": kind, "revision": revision, "key": _str(body, "key", kind)}
    if kind == "heartbeat":
        interval = body.get("intervalMs")
        event = {"type": kind, "revision": revision}
        if isinstance(interval, (int, float)) and not isinstance(interval, bool) and interval > 0:
            event["intervalMs"] = interval
        return event
    raise _bad(kind, "is not an event this client knows")


def parse_prompt_list(body: Any) -> Event:
    """A `GET /api/prompts` body (`{revision, prompts: [{key, ...}]}`) as a snapshot event."""
    what = "GET /api/prompts"
    if not isinstance(body, dict) or not isinstance(body.get("prompts"), list):
        raise _bad(what, "is not {revision, prompts: [...]}")
    prompts: Dict[str, Entry] = {}
    for item in body["prompts"]:
        if not isinstance(item, dict):
            raise _bad(what, "has a prompt that is not an object")
        prompts[_str(item, "key", what)] = _entry(item, what)
    return {"type": "snapshot", "revision": _int(body, "revision", what), "prompts": prompts}


def _entry(item: Any, what: str) -> Entry:
    if not isinstance(item, dict):
        raise _bad(what, "has a prompt that is not an object")
    return {
        "text": _str(item, "text", what),
        "version": _int(item, "version", what),
        "updatedAt": _str(item, "updatedAt", what),
        "variables": _variables(item.get("variables"), what),
        "rollout": _rollout(item.get("rollout"), what),
    }


def _rollout(value: Any, what: str) -> Optional[Dict[str, Any]]:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _bad(what, "has a rollout that is not an object")
    rollout_id = _str(value, "id", what)
    percent = value.get("percent")
    if isinstance(percent, bool) or not isinstance(percent, (int, float)) or not 0 <= percent <= 100:
        raise _bad(what, "has a rollout percent that is not 0-100")
    apply = value.get("apply")
    if apply not in APPLY_SCOPES:
        raise _bad(what, "has a rollout apply that is not live or next-session")
    candidate = value.get("candidate")
    if not isinstance(candidate, dict):
        raise _bad(what, "has a rollout without a candidate")
    return {
        "id": rollout_id,
        "percent": percent,
        "apply": apply,
        "candidate": {
            "version": _int(candidate, "version", what),
            "text": _str(candidate, "text", what),
            "variables": _variables(candidate.get("variables"), what),
        },
    }


def _variables(value: Any, what: str) -> Dict[str, Dict[str, str]]:
    """Declared variables by the server's rule (protocol/variables.ts); absent means none."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _bad(what, "has malformed variables (not an object)")
    out: Dict[str, Dict[str, str]] = {}
    for name, spec in value.items():
        if not is_variable_name(name) or not isinstance(spec, dict):
            raise _bad(what, f'has malformed variables ("{name[:80]}")')
        clean: Dict[str, str] = {}
        for field in ("default", "description"):
            if spec.get(field) is not None:
                if not isinstance(spec[field], str):
                    raise _bad(what, f"has malformed variables ({name}.{field} is not a string)")
                clean[field] = spec[field]
        out[name] = clean
    return out


def _object(data: str, what: str) -> Dict[str, Any]:
    try:
        value = json.loads(data)
    except ValueError:
        raise _bad(what, "is not JSON") from None
    if not isinstance(value, dict):
        raise _bad(what, "is not a JSON object")
    return value


def _int(body: Dict[str, Any], name: str, what: str) -> int:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > 2**53 - 1:
        raise _bad(what, f'has no integer "{name}"')
    return value


def _str(body: Dict[str, Any], name: str, what: str) -> str:
    value = body.get(name)
    if not isinstance(value, str):
        raise _bad(what, f'has no string "{name}"')
    return value


def _bad(what: str, problem: str) -> PromptClientError:
    return PromptClientError("BAD_EVENT", f"{what} {problem}; the event was ignored")

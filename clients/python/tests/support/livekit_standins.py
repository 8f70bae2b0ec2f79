"""Stand-ins for livekit-agents 1.7.0 (which cannot be installed here), with exactly the
names and shapes the binding uses (see promptcast/livekit/live_prompts.py for the source
they were read from). Nothing else: an attribute the binding reached for that the real
classes lack would raise AttributeError here too."""

from __future__ import annotations

import asyncio
import threading
from enum import Enum
from typing import Any, Callable, Dict, List, Optional


class EventEmitter:
    """livekit.rtc.EventEmitter: `on(event, callback)`, `off`, `emit`; refuses coroutine callbacks."""

    def __init__(self) -> None:
        self._events: Dict[str, List[Callable[..., Any]]] = {}

    def on(self, event: str, callback: Optional[Callable[..., Any]] = None):
        if asyncio.iscoroutinefunction(callback):
            raise ValueError("Cannot register an async callback with `.on()`. Use `asyncio.create_task` within your synchronous callback instead.")
        self._events.setdefault(event, []).append(callback)
        return callback

    def off(self, event: str, callback: Callable[..., Any]) -> None:
        if callback in self._events.get(event, []):
            self._events[event].remove(callback)

    def emit(self, event: str, *args: Any) -> None:
        for callback in list(self._events.get(event, [])):
            callback(*args)

    def listener_count(self, event: str) -> int:
        return len(self._events.get(event, []))


class RealtimeCapabilities:
    def __init__(self, mutable_instructions: bool) -> None:
        self.mutable_instructions = mutable_instructions


class RealtimeModel:
    def __init__(self, mutable_instructions: bool, model: str = "gemini-live") -> None:
        self._capabilities = RealtimeCapabilities(mutable_instructions)
        self._model = model

    @property
    def capabilities(self) -> RealtimeCapabilities:
        return self._capabilities

    @property
    def model(self) -> str:
        return self._model


class Agent:
    """voice.Agent: `instructions`, `llm`, `async update_instructions(instructions)`."""

    def __init__(self, *, instructions: str, llm: Any = None) -> None:
        self._instructions = instructions
        self._llm = llm
        self.updates: List[Dict[str, Any]] = []
        self.fail_with: Optional[Exception] = None

    @property
    def instructions(self) -> str:
        return self._instructions

    @property
    def llm(self) -> Any:
        return self._llm

    async def update_instructions(self, instructions: str) -> None:
        self.updates.append({"text": instructions, "thread": threading.current_thread(), "loop": asyncio.get_running_loop()})
        if self.fail_with is not None:
            raise self.fail_with
        self._instructions = instructions


class AgentSession(EventEmitter):
    """voice.AgentSession: `current_agent` (RuntimeError before start), `llm`, the event emitter."""

    def __init__(self, llm: Any = None) -> None:
        super().__init__()
        self._agent: Optional[Agent] = None
        self._llm = llm

    @property
    def current_agent(self) -> Agent:
        if self._agent is None:
            raise RuntimeError("VoiceAgent isn't running")
        return self._agent

    @property
    def llm(self) -> Any:
        return self._llm

    def start(self, agent: Agent) -> None:
        self._agent = agent

    def update_agent(self, agent: Agent) -> None:
        """A hand-off: the new agent becomes current and an AgentHandoff item is added."""
        old = self._agent
        self._agent = agent
        self.emit("conversation_item_added", ConversationItemAddedEvent(item=AgentHandoff(old_agent_id=str(id(old)), new_agent_id=str(id(agent)))))


class CloseReason(str, Enum):
    ERROR = "error"
    JOB_SHUTDOWN = "job_shutdown"
    PARTICIPANT_DISCONNECTED = "participant_disconnected"
    USER_INITIATED = "user_initiated"
    TASK_COMPLETED = "task_completed"


class SpeechCreatedEvent:
    def __init__(self, source: str, user_initiated: bool = False) -> None:
        self.type = "speech_created"
        self.source = source
        self.user_initiated = user_initiated


class ChatMessage:
    def __init__(self, role: str, interrupted: bool = False) -> None:
        self.type = "message"
        self.role = role
        self.interrupted = interrupted


class AgentHandoff:
    def __init__(self, old_agent_id: Optional[str], new_agent_id: str) -> None:
        self.type = "agent_handoff"
        self.old_agent_id = old_agent_id
        self.new_agent_id = new_agent_id


class ConversationItemAddedEvent:
    def __init__(self, item: Any) -> None:
        self.type = "conversation_item_added"
        self.item = item


class ErrorEvent:
    def __init__(self, error: Any, source: Any = None) -> None:
        self.type = "error"
        self.error = error
        self.source = source


class CloseEvent:
    def __init__(self, reason: CloseReason, error: Any = None) -> None:
        self.type = "close"
        self.reason = reason
        self.error = error

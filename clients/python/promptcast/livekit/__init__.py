"""The LiveKit Agents (Python, 1.x) binding: `live_prompts(client, session, key, session_id)`.
Imports nothing from livekit: it is written against the names listed in live_prompts.py."""

from .live_prompts import LivePrompts, instruction_support, live_prompts
from .reporter import SessionReporter

__all__ = ["LivePrompts", "SessionReporter", "instruction_support", "live_prompts"]

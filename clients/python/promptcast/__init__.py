"""Promptcast for Python: live prompts from a Promptcast server, standard library only.

    from promptcast import PromptClient
    client = PromptClient("http://127.0.0.1:3000", keys=["AGENT_INSTRUCTION"], defaults={...})
    client.ready()
    client.get("AGENT_INSTRUCTION")

See clients/python/README.md.
"""

import logging

from .backoff import Backoff, BackoffSettings, backoff_ceiling, backoff_delay
from .client import PromptClient
from .env import options_from_env
from .errors import MissingVariableError, PromptClientAuthError, PromptClientError
from .rollouts import ROLLOUT_BUCKETS, in_candidate, rollout_bucket
from .sse import SseEvent, SseParser
from .template import parse_template, render_template

# A library logs; the application decides where logs go (and nothing is printed by default).
logging.getLogger("promptcast").addHandler(logging.NullHandler())

__version__ = "0.1.0"

__all__ = [
    "Backoff",
    "BackoffSettings",
    "MissingVariableError",
    "PromptClient",
    "PromptClientAuthError",
    "PromptClientError",
    "ROLLOUT_BUCKETS",
    "SseEvent",
    "SseParser",
    "backoff_ceiling",
    "backoff_delay",
    "in_candidate",
    "options_from_env",
    "parse_template",
    "render_template",
    "rollout_bucket",
]

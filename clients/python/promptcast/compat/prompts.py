"""A drop-in for the Friday seed's `prompts.py`: change one import line,

    from prompts import AGENT_INSTRUCTION, SESSION_INSTRUCTION        # before: a 30 s poll
    from promptcast.compat.prompts import AGENT_INSTRUCTION, SESSION_INSTRUCTION   # after: pushed

and keep the rest. The seed's names, return shapes and variables:

- `AGENT_INSTRUCTION`, `SESSION_INSTRUCTION`: module-level strings. Here a background
  PromptClient keeps them current the moment an edit is published (read them as
  `prompts.AGENT_INSTRUCTION`: a name imported with `from … import` is a copy, in the seed too).
- `load_prompts(force_refresh=False)` → `{KEY: text}`, every key the server serves
  (the seed's flat JSON); `update_global_prompts()` sets the module-level names again.
- `LOCAL_APP` (default "true", as in the seed): read `prompts.json` from the working
  directory, no server; `force_refresh=True` (and a cache older than
  `PROMPT_CHECK_INTERVAL`) re-reads it.
- `LOCAL_APP=false`: `PROMPT_API_URL` (default `http://localhost:8000/api/prompts`) names
  the server; the base URL is what precedes `/api/prompts` (so the seed's value, or
  Promptcast's `…/api/prompts?format=flat`, both work). `PROMPT_CHECK_INTERVAL` (seconds,
  default 30) becomes the poll interval used only while the stream is down.
  PROMPTCAST_TOKEN, PROMPTCAST_LABEL, PROMPTCAST_AGENT_ID and PROMPTCAST_CACHE_FILE are
  read as `promptcast.options_from_env` reads them; PROMPTCAST_URL, when set, wins over
  PROMPT_API_URL.
- Defaults (no server, no cache): the seed's own fallback texts, overlaid by a local
  `prompts.json` when there is one.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import threading
import time
from typing import Any, Dict, Optional
from urllib.parse import urlsplit, urlunsplit

from ..client import PromptClient
from ..env import options_from_env

SEED_DEFAULTS = {
    "AGENT_INSTRUCTION": "You are Friday, a helpful assistant.",
    "SESSION_INSTRUCTION": "Please assist the user.",
}
DEFAULT_API_URL = "http://localhost:8000/api/prompts"
LOCAL_FILE = "prompts.json"

_log = logging.getLogger("promptcast.compat")
_lock = threading.Lock()
_prompts_data: Dict[str, Any] = {}
_last_loaded = 0.0
client: Optional[PromptClient] = None

AGENT_INSTRUCTION = ""
SESSION_INSTRUCTION = ""


def _local() -> bool:
    return os.getenv("LOCAL_APP", "true").lower() == "true"


def _interval() -> float:
    try:
        value = float(os.getenv("PROMPT_CHECK_INTERVAL", "30"))
    except ValueError:
        value = 30.0
    return value if value > 0 else 30.0


def base_url(api_url: str) -> str:
    """The server's base URL from the seed's PROMPT_API_URL: what precedes /api/prompts."""
    parts = urlsplit(api_url)
    path = parts.path
    at = path.find("/api/prompts")
    if at >= 0:
        path = path[:at]
    return urlunsplit((parts.scheme, parts.netloc, path.rstrip("/"), "", ""))


def _read_local() -> Optional[Dict[str, Any]]:
    try:
        with open(LOCAL_FILE, "r", encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as err:
        _log.error(f"Failed to load prompts: {err}")
        return None
    return data if isinstance(data, dict) else None


def _start_client() -> PromptClient:
    options = options_from_env()
    if not os.getenv("PROMPTCAST_URL"):
        options["url"] = base_url(os.getenv("PROMPT_API_URL", DEFAULT_API_URL))
    # The seed polled every PROMPT_CHECK_INTERVAL (default 30 s); here that is the fallback poll while the stream is down.
    options["poll_interval"] = _interval()
    defaults = dict(SEED_DEFAULTS)
    local = _read_local() if os.path.exists(LOCAL_FILE) else None
    if local:
        defaults.update({k: v for k, v in local.items() if isinstance(v, str)})
    started = PromptClient(defaults=defaults, **options)
    started.on_change(lambda change: _changed())
    return started


def _changed() -> None:
    global _prompts_data, AGENT_INSTRUCTION, SESSION_INSTRUCTION, _last_loaded
    if client is None:
        return
    data = client.all()
    with _lock:
        _prompts_data = data
        _last_loaded = time.time()
        AGENT_INSTRUCTION = data.get("AGENT_INSTRUCTION", "")
        SESSION_INSTRUCTION = data.get("SESSION_INSTRUCTION", "")


def load_prompts(force_refresh: bool = False) -> Dict[str, Any]:
    """`{KEY: text}`: the server's current prompts (pushed, so always fresh), or, with LOCAL_APP,
    prompts.json (re-read when `force_refresh` or older than PROMPT_CHECK_INTERVAL)."""
    global _prompts_data, _last_loaded
    if not _local():
        if client is None:
            return dict(_prompts_data or SEED_DEFAULTS)
        client.ready()
        return client.all()
    with _lock:
        if not force_refresh and _prompts_data and time.time() - _last_loaded < _interval():
            return _prompts_data
    data = _read_local()
    with _lock:
        if data is not None:
            _prompts_data = data
            _last_loaded = time.time()
        elif not _prompts_data:
            # Keep existing prompts if available, otherwise use defaults (the seed's rule).
            _prompts_data = dict(SEED_DEFAULTS)
        return _prompts_data


def update_global_prompts() -> None:
    """Sets AGENT_INSTRUCTION and SESSION_INSTRUCTION from `load_prompts(force_refresh=True)`."""
    global AGENT_INSTRUCTION, SESSION_INSTRUCTION, _prompts_data
    data = load_prompts(force_refresh=True)
    with _lock:
        _prompts_data = data
        AGENT_INSTRUCTION = data.get("AGENT_INSTRUCTION", "")
        SESSION_INSTRUCTION = data.get("SESSION_INSTRUCTION", "")


def close() -> None:
    """Stops the background client (also run at interpreter exit)."""
    if client is not None:
        client.close()


if not _local():
    client = _start_client()
    atexit.register(close)
    client.ready()
    _changed()
else:
    update_global_prompts()

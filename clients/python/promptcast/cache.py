"""The last-known-good file (src/client/cache.ts, the same format): written
atomically (a temp file in the same folder, then a rename), read at a cold start."""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from datetime import datetime, timezone
from typing import Optional

from .errors import PromptClientError
from .events import parse_prompt_list
from .state import State

FORMAT = 1
DEFAULT_LABEL = "production"


def read_cache(path: str, label: str) -> Optional[State]:
    """None when there is no file; a corrupt one, or one kept for another label, raises CACHE_READ_FAILED.
    A file without a label predates labels and holds production."""
    try:
        with open(path, "r", encoding="utf-8") as f:
            raw = f.read()
    except FileNotFoundError:
        return None
    except OSError as err:
        raise PromptClientError("CACHE_READ_FAILED", f"cannot read the prompt cache {path}: {err}") from err
    try:
        body = json.loads(raw)
        if not isinstance(body, dict) or body.get("format") != FORMAT:
            raise ValueError(f"unknown format {body.get('format') if isinstance(body, dict) else None}")
        kept = body["label"] if isinstance(body.get("label"), str) else DEFAULT_LABEL
        if kept != label:
            raise ValueError(f'it holds label "{kept}", not "{label}"')
        snapshot = parse_prompt_list(body)
    except (ValueError, PromptClientError) as err:
        raise PromptClientError("CACHE_READ_FAILED", f"the prompt cache {path} is not usable ({err}); ignoring it") from err
    return {"source": "cache", "revision": snapshot["revision"], "prompts": snapshot["prompts"]}


def write_cache(path: str, label: str, state: State) -> None:
    body = {
        "format": FORMAT,
        "label": label,
        "revision": state["revision"],
        "savedAt": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "prompts": [dict({"key": key}, **{k: v for k, v in entry.items() if v is not None}) for key, entry in state["prompts"].items()],
    }
    folder = os.path.dirname(os.path.abspath(path))
    temp = None
    try:
        os.makedirs(folder, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=os.path.basename(path) + f".{os.getpid()}.{secrets.token_hex(4)}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(json.dumps(body, indent=2, ensure_ascii=False) + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, path)
        temp = None
    except OSError as err:
        raise PromptClientError("CACHE_WRITE_FAILED", f"cannot write the prompt cache {path}: {err}") from err
    finally:
        if temp is not None:
            try:
                os.unlink(temp)
            except OSError:
                pass

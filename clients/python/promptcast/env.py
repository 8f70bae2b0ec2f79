"""Options from the environment, as `promptClientOptionsFromEnv()` reads them in TypeScript.
The only place the package reads `os.environ` (besides the compat module, which reads the seed's own variables)."""

from __future__ import annotations

import os
import re
from typing import Any, Dict, Mapping, Optional

_LABEL = re.compile(r"[a-z][a-z0-9-]{0,31}\Z")


def options_from_env(env: Optional[Mapping[str, str]] = None) -> Dict[str, Any]:
    """Keyword arguments for PromptClient: PROMPTCAST_URL (default http://127.0.0.1:3000), PROMPTCAST_TOKEN,
    PROMPTCAST_LABEL, PROMPTCAST_AGENT_ID, PROMPTCAST_CACHE_FILE, PROMPT_CHECK_INTERVAL (seconds).
    Raises one TypeError naming every malformed variable."""
    env = os.environ if env is None else env
    options: Dict[str, Any] = {"url": env.get("PROMPTCAST_URL") or "http://127.0.0.1:3000"}
    problems = []
    if env.get("PROMPTCAST_TOKEN"):
        options["token"] = env["PROMPTCAST_TOKEN"]
    label = env.get("PROMPTCAST_LABEL")
    if label:
        if _LABEL.match(label):
            options["label"] = label
        else:
            problems.append(f'PROMPTCAST_LABEL="{label}" must be a lower-case letter followed by up to 31 lower-case letters, digits or "-"')
    if env.get("PROMPTCAST_AGENT_ID"):
        options["agent_id"] = env["PROMPTCAST_AGENT_ID"]
    if env.get("PROMPTCAST_CACHE_FILE"):
        options["cache_file"] = env["PROMPTCAST_CACHE_FILE"]
    interval = env.get("PROMPT_CHECK_INTERVAL")
    if interval is not None and interval.strip() != "":
        try:
            seconds = float(interval)
        except ValueError:
            seconds = -1.0
        if seconds > 0 and seconds != float("inf"):
            options["poll_interval"] = seconds
        else:
            problems.append(f'PROMPT_CHECK_INTERVAL must be a positive number of seconds, got "{interval}"')
    if problems:
        raise TypeError("; ".join(problems))
    return options

"""The prompts a client holds, and the pure rules that move them (src/client/state.ts).

A state is `{source, revision, prompts}`; states are never mutated, a new one
replaces the old. `resolve()` picks a session's rollout variant.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Set

from .rollouts import in_candidate

State = Dict[str, Any]


def apply_event(held: Optional[State], event: Mapping[str, Any], keys: Optional[Set[str]]) -> Optional[State]:
    """The state after `event`, or None when it must be ignored: its revision is not newer
    than the one held (invariant 2), or it is an increment on top of cache or defaults
    (only a whole state replaces those, whatever its revision)."""
    from_server = held is not None and held["source"] == "server"
    if from_server and event["revision"] <= (held["revision"] if held["revision"] is not None else -1):
        return None
    kind = event["type"]
    if kind == "heartbeat":
        return dict(held, revision=event["revision"]) if from_server else None
    if kind == "snapshot":
        prompts = {k: v for k, v in event["prompts"].items() if keys is None or k in keys}
        return {"source": "server", "revision": event["revision"], "prompts": prompts}
    if not from_server:
        return None
    prompts = dict(held["prompts"])
    if kind == "prompt.deleted":
        prompts.pop(event["key"], None)
    elif keys is None or event["key"] in keys:
        prompts[event["key"]] = {
            "text": event["text"],
            "version": event["version"],
            "updatedAt": event["updatedAt"],
            "variables": event.get("variables") or {},
            "rollout": event.get("rollout"),
        }
    return {"source": "server", "revision": event["revision"], "prompts": prompts}


def defaults_state() -> State:
    return {"source": "defaults", "revision": None, "prompts": {}}


def resolve(entry: Optional[Mapping[str, Any]], session_id: Optional[str]) -> Optional[Dict[str, Any]]:
    """What one session runs for this entry: `{text, version, variables, variant, rolloutId}`.
    Without a session id, or without an active rollout, the baseline."""
    if entry is None:
        return None
    rollout = entry.get("rollout")
    if rollout is not None and session_id is not None:
        candidate = in_candidate(rollout["id"], session_id, rollout["percent"])
        if candidate:
            c = rollout["candidate"]
            return {"text": c["text"], "version": c["version"], "variables": c["variables"], "variant": "candidate", "rolloutId": rollout["id"]}
        return {"text": entry["text"], "version": entry["version"], "variables": entry.get("variables") or {}, "variant": "baseline", "rolloutId": rollout["id"]}
    return {"text": entry["text"], "version": entry["version"], "variables": entry.get("variables") or {}, "variant": None, "rolloutId": None}


def visible_keys(state: Optional[State], keys: Optional[Set[str]], defaults: Mapping[str, str]) -> List[str]:
    found = set((state or {}).get("prompts", {}).keys()) | set(defaults.keys())
    return sorted(k for k in found if keys is None or k in keys)


def diff_states(before: Optional[State], after: State, keys: Optional[Set[str]], defaults: Mapping[str, str]) -> List[Dict[str, Any]]:
    """One change per key whose text, declared variables or rollout offer differ
    (a new default changes what `render` fills in; a rollout step changes what
    some sessions run). Same text under a new version or source is no change."""
    changes: List[Dict[str, Any]] = []
    for key in sorted(set(visible_keys(before, keys, defaults)) | set(visible_keys(after, keys, defaults))):
        old = (before or {}).get("prompts", {}).get(key)
        new = after["prompts"].get(key)
        old_text = old["text"] if old else defaults.get(key)
        new_text = new["text"] if new else defaults.get(key)
        same = (
            old_text == new_text
            and ((old or {}).get("variables") or {}) == ((new or {}).get("variables") or {})
            and (old or {}).get("rollout") == (new or {}).get("rollout")
        )
        if same:
            continue
        changes.append(
            {
                "key": key,
                "text": new_text,
                "variables": (new or {}).get("variables") or {},
                "revision": after["revision"],
                "version": new["version"] if new else None,
                "deleted": after["source"] == "server" and new is None,
                "source": after["source"],
                "rollout": (new or {}).get("rollout"),
            }
        )
    return changes

"""The rollout assignment (docs/rollouts.md, src/protocol/rollouts.ts): every
client in every language puts a session in the same variant. Checked against
clients/rollout-vectors.json, which the TypeScript implementation writes."""

from __future__ import annotations

import hashlib

ROLLOUT_BUCKETS = 10_000


def rollout_bucket(rollout_id: str, session_id: str) -> int:
    """First 4 bytes (big-endian, unsigned) of SHA-256 of UTF-8 `rollout_id + ":" + session_id`, modulo 10,000."""
    digest = hashlib.sha256(f"{rollout_id}:{session_id}".encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % ROLLOUT_BUCKETS


def in_candidate(rollout_id: str, session_id: str, percent: float) -> bool:
    """True when the session gets the candidate: bucket < percent × 100 (rounded as JavaScript's Math.round)."""
    return rollout_bucket(rollout_id, session_id) < _js_round(percent * 100)


def _js_round(value: float) -> int:
    # Math.round rounds halves up; Python's round() rounds them to even.
    import math

    return int(math.floor(value + 0.5))

"""Exponential backoff with full jitter: the same schedule as the server's
`src/protocol/backoff.ts` and the TypeScript client's reconnects."""

from __future__ import annotations

import random as _random
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class BackoffSettings:
    """Seconds. The first retry waits below `initial`; none waits more than `maximum`;
    a connection that stayed up `healthy_after` starts the schedule over."""

    initial: float = 0.5
    maximum: float = 30.0
    healthy_after: float = 60.0


def backoff_ceiling(attempt: int, settings: BackoffSettings) -> float:
    """The ceiling for retry number `attempt` (0-based): doubles from `initial`, stops at `maximum`."""
    # The exponent is clamped, as in TypeScript, so a long outage cannot overflow.
    return min(settings.maximum, settings.initial * 2 ** min(attempt, 52))


def backoff_delay(attempt: int, settings: BackoffSettings, random: Callable[[], float]) -> float:
    """Uniform in [0, ceiling): a fleet that failed together does not come back together."""
    return random() * backoff_ceiling(attempt, settings)


class Backoff:
    """The reconnection schedule: one step per retry, reset after a healthy connection."""

    def __init__(self, settings: BackoffSettings = BackoffSettings(), random: Callable[[], float] = _random.random) -> None:
        self._settings = settings
        self._random = random
        self.attempts = 0

    def next(self) -> float:
        delay = backoff_delay(self.attempts, self._settings, self._random)
        self.attempts += 1
        return delay

    def connection_ended(self, opened_at: float, now: float) -> None:
        if now - opened_at >= self._settings.healthy_after:
            self.attempts = 0

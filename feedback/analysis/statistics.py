"""Satisfaction statistics computed from counts that the database aggregated."""

from __future__ import annotations

import math
from dataclasses import dataclass

#: z for a two-sided 95 % interval.
Z95 = 1.959963984540054


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


def wilson_interval(successes: int, n: int, z: float = Z95) -> Interval | None:
    """Wilson score interval for a proportion; None when there is no observation.

    Unlike the normal approximation it stays inside [0, 1] and is honest for small n and for 0 % or 100 %.
    """
    if n < 0 or successes < 0 or successes > n:
        raise ValueError(f"invalid counts: {successes}/{n}")
    if n == 0:
        return None
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half_width = (z / (1 + z2 / n)) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return Interval(max(0.0, centre - half_width), min(1.0, centre + half_width))


@dataclass(frozen=True)
class SatisfactionRate:
    """Share of respondents answering "Très satisfait" or "Satisfait" to the overall question."""

    satisfied: int
    answered: int
    interval: Interval | None

    @property
    def rate(self) -> float | None:
        return self.satisfied / self.answered if self.answered else None

    def is_reportable(self, min_answers: int) -> bool:
        return self.answered >= min_answers


def satisfaction_rate(satisfied: int | None, answered: int | None) -> SatisfactionRate:
    satisfied, answered = int(satisfied or 0), int(answered or 0)
    return SatisfactionRate(satisfied, answered, wilson_interval(satisfied, answered))


def response_rate(responses: int, present: int | None) -> float | None:
    """Responses over people present; unknown when nobody counted the room (or nobody came)."""
    if not present:
        return None
    return responses / present

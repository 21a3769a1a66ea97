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


def satisfaction_rate(satisfied: int | None, answered: int | None) -> SatisfactionRate:
    satisfied, answered = int(satisfied or 0), int(answered or 0)
    return SatisfactionRate(satisfied, answered, wilson_interval(satisfied, answered))


def response_rate(responses: int, present: int | None) -> float | None:
    """Responses over people present; unknown when nobody counted the room (or nobody came)."""
    if not present:
        return None
    return responses / present


@dataclass(frozen=True)
class Difference:
    """Difference of two rates with its 95 % interval (Newcombe's hybrid score method)."""

    estimate: float
    low: float
    high: float

    @property
    def is_real(self) -> bool:
        """Flag a difference only when its interval excludes zero."""
        return self.low > 0 or self.high < 0


def rate_difference(a: SatisfactionRate, b: SatisfactionRate) -> Difference | None:
    """a − b, or None when either side has no answer.

    Newcombe (1998, method 10) combines the two Wilson intervals; unlike "the intervals do not overlap",
    it keeps the 95 % level for the difference itself.
    """
    p1, p2 = a.rate, b.rate
    if a.interval is None or b.interval is None or p1 is None or p2 is None:
        return None
    l1, u1, l2, u2 = a.interval.low, a.interval.high, b.interval.low, b.interval.high
    d = p1 - p2
    return Difference(
        estimate=d,
        low=d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
        high=d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2),
    )


@dataclass(frozen=True)
class NetScore:
    """The 0-10 recommendation: promoters (9-10) minus detractors (0-6), in points of percentage."""

    promoters: int
    passives: int
    detractors: int

    @property
    def n(self) -> int:
        return self.promoters + self.passives + self.detractors

    @property
    def score(self) -> float | None:
        return 100 * (self.promoters - self.detractors) / self.n if self.n else None


def net_score(counts: dict[int, int]) -> NetScore:
    """From answers per value (0..10); values outside the scale are ignored, never counted."""
    promoters = sum(c for v, c in counts.items() if v in (9, 10))
    passives = sum(c for v, c in counts.items() if v in (7, 8))
    detractors = sum(c for v, c in counts.items() if 0 <= v <= 6)
    return NetScore(promoters, passives, detractors)

"""Statistics against values computed by hand (the Wilson bounds solved as a quadratic, to 4 decimals)."""

import pytest

from feedback.analysis.statistics import (
    net_score,
    rate_difference,
    response_rate,
    satisfaction_rate,
    wilson_interval,
)


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        (1, 1, 0.2065, 1.0),
        (0, 1, 0.0, 0.7935),
        (0, 5, 0.0, 0.4345),
        (5, 5, 0.5655, 1.0),
        (4, 5, 0.3755, 0.9638),
        (85, 100, 0.7672, 0.9069),
        (0, 100, 0.0, 0.0370),
        (100, 100, 0.9630, 1.0),
        (50, 100, 0.4038, 0.5962),
    ],
)
def test_wilson_interval_matches_hand_computed_bounds(successes, n, low, high):
    interval = wilson_interval(successes, n)
    assert interval.low == pytest.approx(low, abs=5e-5)
    assert interval.high == pytest.approx(high, abs=5e-5)


def test_wilson_interval_is_undefined_without_answers():
    assert wilson_interval(0, 0) is None


@pytest.mark.parametrize(("successes", "n"), [(-1, 5), (6, 5), (0, -1)])
def test_wilson_interval_rejects_impossible_counts(successes, n):
    with pytest.raises(ValueError):
        wilson_interval(successes, n)


def test_satisfaction_rate_is_share_of_top_two_among_those_who_answered():
    rate = satisfaction_rate(17, 20)
    assert rate.rate == pytest.approx(0.85)
    assert rate.interval.low < 0.85 < rate.interval.high


def test_satisfaction_rate_without_answers_has_no_rate():
    rate = satisfaction_rate(None, None)
    assert rate.rate is None and rate.interval is None and rate.answered == 0


def test_response_rate_needs_a_known_headcount():
    assert response_rate(12, 20) == pytest.approx(0.6)
    assert response_rate(12, None) is None
    assert response_rate(0, 0) is None


def test_rate_difference_matches_newcombes_worked_example():
    # Newcombe (1998), example (a): 56/70 against 48/80 gives 0.0524 to 0.3339 with method 10.
    diff = rate_difference(satisfaction_rate(56, 70), satisfaction_rate(48, 80))
    assert diff.estimate == pytest.approx(0.2)
    assert diff.low == pytest.approx(0.0524, abs=5e-4) and diff.high == pytest.approx(0.3339, abs=5e-4)
    assert diff.is_real


def test_a_gap_between_small_groups_is_not_flagged():
    # 9/10 against 7/10 looks like 20 points, but ten answers a side cannot tell.
    diff = rate_difference(satisfaction_rate(9, 10), satisfaction_rate(7, 10))
    assert not diff.is_real
    assert rate_difference(satisfaction_rate(0, 0), satisfaction_rate(7, 10)) is None


def test_net_score_counts_promoters_minus_detractors():
    counts = {10: 3, 9: 2, 8: 2, 7: 1, 6: 1, 0: 1}
    score = net_score(counts)
    assert (score.promoters, score.passives, score.detractors, score.n) == (5, 3, 2, 10)
    assert score.score == pytest.approx(30.0)
    assert net_score({}).score is None
    assert net_score({11: 5, -1: 2}).n == 0

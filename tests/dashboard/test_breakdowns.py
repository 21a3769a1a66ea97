"""Breakdowns of the scores by every dimension and filter, checked against counts worked out by hand.

The same fixture runs on SQLite and on PostgreSQL (TEST_DATABASE_URL): identical figures on both.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from werkzeug.datastructures import MultiDict

from feedback.models import Axis, Modality
from feedback.scope import Scope
from feedback.scores import Dimension, breakdown, sort_rows
from tests.dashboard.conftest import add_responses


def table(rows):
    """label -> (sessions, responses, satisfied, answered, present, responses of sessions with a count)."""
    return {
        r.label: (
            r.scores.sessions,
            r.scores.responses,
            r.scores.satisfaction.satisfied,
            r.scores.satisfaction.answered,
            r.scores.present,
            r.scores.responses_with_present,
        )
        for r in rows
    }


YEAR_2025 = Scope.for_year(2025)


def test_by_training(centre):
    assert table(breakdown(YEAR_2025, Dimension.TRAINING)) == {
        # s1 (4,4,3 satisfied of 5), s2 (3 of 3), s5 (no response, 12 present): present 10 + 12, s2 not counted.
        "Droit des étrangers": (3, 8, 6, 8, 22, 5),
        # s3: one response skipped the overall question.
        "Webinaire QPV": (1, 6, 3, 5, 8, 6),
    }


def test_each_quarter_is_one_row_whatever_its_months(make_training, make_session):
    """Months 1, 2 and 3 are one T1 row (a true division made one row per month, all labelled T1)."""
    training = make_training("Accueil des publics", Axis.CITY_POLICY, Modality.TRAINING)
    for month, levels in ((1, [4]), (2, [4, 3]), (3, [1]), (5, [4]), (12, [2, 3])):
        add_responses(make_session(training, start_date=date(2025, month, 15)), levels)
    quarters = table(breakdown(YEAR_2025, Dimension.QUARTER))
    assert quarters == {
        "T1 2025": (3, 4, 3, 4, None, 0),
        "T2 2025": (1, 1, 1, 1, None, 0),
        "T4 2025": (1, 2, 1, 2, None, 0),
    }
    assert [row.key for row in breakdown(YEAR_2025, Dimension.QUARTER)] == ["20251", "20252", "20254"]


def test_by_speaker_counts_a_shared_session_for_each_speaker(centre):
    assert table(breakdown(YEAR_2025, Dimension.SPEAKER)) == {
        "Aïcha Benali": (2, 8, 6, 8, 10, 5),
        "Bruno Lefèvre": (2, 9, 6, 8, 8, 6),
    }


def test_by_department_month_quarter_and_axis(centre):
    assert table(breakdown(YEAR_2025, Dimension.DEPARTMENT)) == {
        "Essonne (91)": (2, 11, 6, 10, 18, 11),
        "Val-de-Marne (94)": (1, 3, 3, 3, None, 0),
        "Non renseigné": (1, 0, 0, 0, 12, 0),
    }
    assert table(breakdown(YEAR_2025, Dimension.MONTH)) == {
        "mars 2025": (2, 11, 6, 10, 18, 11),
        "juil. 2025": (1, 3, 3, 3, None, 0),
        "nov. 2025": (1, 0, 0, 0, 12, 0),
    }
    assert table(breakdown(YEAR_2025, Dimension.QUARTER)) == {
        "T1 2025": (2, 11, 6, 10, 18, 11),
        "T3 2025": (1, 3, 3, 3, None, 0),
        "T4 2025": (1, 0, 0, 0, 12, 0),
    }
    axes = {r.key: r.scores.responses for r in breakdown(YEAR_2025, Dimension.AXIS)}
    assert axes == {Axis.LANGUAGE_INTEGRATION.value: 8, Axis.CITY_POLICY.value: 6}


def test_by_profile_has_no_response_rate(centre):
    rows = table(breakdown(YEAR_2025, Dimension.PROFILE))
    assert rows["Association"][:4] == (1, 2, 2, 2)
    assert rows["Élu·e"][:4] == (1, 2, 1, 2)
    # Everyone who skipped the profile question: s1's level 1, s2's three, s3's six (one without overall).
    assert rows["Non renseigné"][:4] == (3, 10, 6, 9)
    assert all(present is None for *_, present, _ in rows.values())


def test_by_year_over_a_custom_period(centre):
    filters = Scope(date(2024, 1, 1), date(2025, 12, 31))
    assert table(breakdown(filters, Dimension.YEAR)) == {
        "2024": (1, 5, 5, 5, 5, 5),
        "2025": (4, 14, 9, 13, 30, 11),
    }


def test_filters_combine(centre):
    only_b_in_essonne = Scope.from_args(
        MultiDict({"annee": "2025", "intervenant": str(centre["b"].id), "dept": "91"}), default_year=2020
    )
    assert table(breakdown(only_b_in_essonne, Dimension.TRAINING)) == {"Webinaire QPV": (1, 6, 3, 5, 8, 6)}
    one_profile = Scope.from_args(MultiDict({"annee": "2025", "profil": "elu"}), default_year=2020)
    assert table(breakdown(one_profile, Dimension.TRAINING)) == {
        "Droit des étrangers": (3, 2, 1, 2, None, 2),
        "Webinaire QPV": (1, 0, 0, 0, None, 0),
    }
    webinars = Scope.from_args(MultiDict({"annee": "2025", "modalite": "webinaire"}), default_year=2020)
    assert [r.label for r in breakdown(webinars, Dimension.SESSION)] == ["Webinaire QPV"]


def test_unknown_filter_values_are_ignored_and_reported():
    filters = Scope.from_args(
        MultiDict({"annee": "20x5", "axe": "inconnu", "dept": "75", "formation": "-3", "du": "2025-02-30"}),
        default_year=2025,
    )
    assert (filters.start, filters.end) == (date(2025, 1, 1), date(2025, 12, 31))
    assert filters.axis is None and filters.department is None and filters.training_id is None
    assert set(filters.ignored) == {"annee", "axe", "dept", "formation", "du"}


def test_filters_round_trip_through_the_url_and_previous_period():
    filters = Scope.from_args(
        MultiDict({"du": "2025-04-02", "au": "2025-06-30", "axe": "politique-ville", "dept": "94"}), default_year=2020
    )
    assert Scope.from_args(MultiDict(filters.to_args()), default_year=2020) == filters
    previous = filters.previous_period()
    assert (previous.start, previous.end) == (date(2025, 1, 2), date(2025, 4, 1))
    assert previous.axis == Axis.CITY_POLICY
    # A quarter, given as dates or as `trimestre`, is compared with the quarter before.
    quarter = Scope.from_args({"du": "2025-04-01", "au": "2025-06-30"}, default_year=2020)
    assert quarter == Scope.from_args({"trimestre": "2025-T2"}) == Scope.from_args({"annee": "2025", "trimestre": "T2"})
    assert quarter.to_args() == {"trimestre": "2025-T2"} and quarter.label == "T2 2025"
    assert quarter.previous_period() == Scope.for_quarter(2025, 1)
    assert Scope.for_quarter(2025, 1).previous_period() == Scope.for_quarter(2024, 4)
    assert Scope.for_year(2025).previous_period() == Scope.for_year(2024)


def test_sorting_puts_thin_rates_last_in_both_directions(centre):
    rows = breakdown(YEAR_2025, Dimension.MONTH)
    by_rate = sort_rows(rows, Dimension.MONTH, "taux", descending=True, min_answers=5)
    # March (6/10) is the only month with 5 answers or more; July's 100 % from 3 answers does not top the table.
    assert [r.label for r in by_rate] == ["mars 2025", "juil. 2025", "nov. 2025"]
    ascending = sort_rows(rows, Dimension.MONTH, "taux", descending=False, min_answers=5)
    assert ascending[0].label == "mars 2025"
    assert [r.label for r in sort_rows(rows, Dimension.MONTH, "", False, 5)] == ["mars 2025", "juil. 2025", "nov. 2025"]
    assert [r.label for r in sort_rows(rows, Dimension.MONTH, "", True, 5)][0] == "nov. 2025"


def test_by_session_and_modality(centre):
    s1, s2, s3, _s4, s5 = centre["sessions"]
    sessions = breakdown(YEAR_2025, Dimension.SESSION)
    assert {row.key: table([row])[row.label] for row in sessions} == {
        str(s1.id): (1, 5, 3, 5, 10, 5),
        str(s2.id): (1, 3, 3, 3, None, 0),
        str(s3.id): (1, 6, 3, 5, 8, 6),
        str(s5.id): (1, 0, 0, 0, 12, 0),
    }
    assert {row.key: row.day for row in sessions}[str(s2.id)] == date(2025, 7, 1)
    assert table(breakdown(YEAR_2025, Dimension.MODALITY)) == {
        "Formation": (3, 8, 6, 8, 22, 5),
        "Webinaire": (1, 6, 3, 5, 8, 6),
    }


def test_a_quarter_and_no_department_as_scopes(centre):
    """`trimestre` and `dept=aucun` pick the same sessions in every breakdown (hand counts)."""
    first_quarter = Scope.from_args({"trimestre": "2025-T1"})
    assert table(breakdown(first_quarter, Dimension.TRAINING)) == {
        "Droit des étrangers": (1, 5, 3, 5, 10, 5),
        "Webinaire QPV": (1, 6, 3, 5, 8, 6),
    }
    assert table(breakdown(first_quarter, Dimension.QUARTER)) == {"T1 2025": (2, 11, 6, 10, 18, 11)}
    fourth = Scope.from_args({"annee": "2025", "trimestre": "T4"})
    assert table(breakdown(fourth, Dimension.MONTH)) == {"nov. 2025": (1, 0, 0, 0, 12, 0)}
    no_department = Scope.from_args({"annee": "2025", "dept": "aucun"})
    assert table(breakdown(no_department, Dimension.QUARTER)) == {"T4 2025": (1, 0, 0, 0, 12, 0)}
    assert table(breakdown(no_department, Dimension.DEPARTMENT)) == {"Non renseigné": (1, 0, 0, 0, 12, 0)}
    over_two_years = Scope.from_args({"du": "2024-01-01", "au": "2025-12-31"})
    assert table(breakdown(over_two_years, Dimension.QUARTER)) == {
        "T2 2024": (1, 5, 5, 5, 5, 5),
        "T1 2025": (2, 11, 6, 10, 18, 11),
        "T3 2025": (1, 3, 3, 3, None, 0),
        "T4 2025": (1, 0, 0, 0, 12, 0),
    }


def test_the_scope_reads_every_period_and_says_what_it_ignored_or_swapped():
    swapped = Scope.from_args({"du": "2025-06-30", "au": "2025-01-01", "axe": "nope"}, default_year=2020)
    assert (swapped.start, swapped.end) == (date(2025, 1, 1), date(2025, 6, 30))
    assert swapped.messages() == [
        "Filtres non reconnus, ignorés : axe.",
        "Dates inversées : la période affichée va du 01/01/2025 au 30/06/2025.",
    ]
    assert swapped.to_args() == {"du": "2025-01-01", "au": "2025-06-30"}
    assert Scope.from_args(swapped.to_args(), default_year=1999) == replace(swapped, axis=None)
    every = Scope.from_args({"annee": "toutes"}, default_year=2025)
    assert (every.start, every.end, every.label, every.previous_period()) == (None, None, "toutes années", None)
    assert Scope.from_args({"trimestre": "T9"}, default_year=2025).ignored == ("trimestre",)
    assert Scope.from_args({"du": "2024-03-01"}, default_year=2025).end == date(2025, 12, 31)


def test_the_default_year_is_looked_up_only_when_the_url_gives_no_period():
    def not_needed() -> int:
        raise AssertionError("the URL gives the period")

    assert Scope.from_args({"annee": "2024", "axe": "politique-ville"}, not_needed) == Scope.for_year(
        2024, axis=Axis.CITY_POLICY
    )
    assert Scope.from_args({"trimestre": "2024-T2"}, not_needed) == Scope.for_quarter(2024, 2)
    assert Scope.from_args({"du": "2024-02-01", "au": "2024-01-01"}, not_needed).start == date(2024, 1, 1)
    assert Scope.from_args({"annee": "toutes"}, not_needed) == Scope.every_year()
    assert Scope.from_args({}, lambda: 2023) == Scope.for_year(2023)
    assert Scope.from_args({"trimestre": "T2"}, lambda: 2023) == Scope.for_quarter(2023, 2)
    assert Scope.from_args({"annee": "20x5"}, lambda: 2023) == Scope.for_year(2023)

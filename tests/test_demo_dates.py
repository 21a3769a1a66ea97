"""The demo's reading of French dates and titles from the 2025 catalogue (pure functions, no app)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from feedback.demo import consecutive_runs, parse_french_dates, readable_title

pytestmark = pytest.mark.pure


def d(month: int, day: int, year: int = 2025) -> date:
    return date(year, month, day)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15 MAI | 13 NOVEMBRE", [[d(5, 15)], [d(11, 13)]]),
        ("20 ET 21 MARS | 7 AVRIL | 16 ET 15 JANVIER", [[d(3, 20), d(3, 21)], [d(4, 7)], [d(1, 15), d(1, 16)]]),
        (
            "15, 16 ET 22 SEPTEMBRE | 19, 20 ET 21 NOVEMBRE",
            [[d(9, 15), d(9, 16), d(9, 22)], [d(11, 19), d(11, 20), d(11, 21)]],
        ),
        ("13 JANVIER | 7, 13 ET 21 FÉVRIER", [[d(1, 13)], [d(2, 7), d(2, 13), d(2, 21)]]),
        ("14 JANVIER, 11 MARS, 13 MAI, 24 JUIN", [[d(1, 14)], [d(3, 11)], [d(5, 13)], [d(6, 24)]]),
        ("3 NOVEMBRE (CTAI de la CAMVS)", [[d(11, 3)]]),
        ("SÉMINAIRES : 12 FÉVRIER | 5 MARS | RÉSEAU : 17 OCTOBRE", [[d(2, 12)], [d(3, 5)], [d(10, 17)]]),
        (
            "2, 4 ET 11 DÉCEMBRE | 23 ET 30 SEPTEMBRE | 2 OCTOBRE",
            [[d(12, 2), d(12, 4), d(12, 11)], [d(9, 23), d(9, 30)], [d(10, 2)]],
        ),
        ("12 NOVEMBRE | 12 NOVEMBRE", [[d(11, 12)], [d(11, 12)]]),
        ("1 JUILLET | 31 JANVIER", [[d(7, 1)], [d(1, 31)]]),
    ],
)
def test_catalogue_dates(text, expected):
    assert parse_french_dates(text) == expected


def test_months_without_accents_in_any_case():
    assert parse_french_dates("7 fevrier | 9 Décembre | 1er aout | 3 AOÛT") == [
        [d(2, 7)],
        [d(12, 9)],
        [d(8, 1)],
        [d(8, 3)],
    ]


def test_year_argument_and_year_written_after_the_month():
    assert parse_french_dates("6 MARS", year=2026) == [[d(3, 6, 2026)]]
    assert parse_french_dates("6 MARS 2024 | 7 MARS") == [[d(3, 6, 2024)], [d(3, 7)]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("À DÉFINIR", []),
        ("12 | 13", []),
        ("31 FÉVRIER | 5 MARS", [[d(3, 5)]]),
        ("30 ET 31 AVRIL", [[d(4, 30)]]),
        ("3 NOVEMBRE (note sans fin", [[d(11, 3)]]),
        ("0 MAI | 123 JUIN", []),
    ],
)
def test_unreadable_parts_are_skipped(text, expected):
    assert parse_french_dates(text) == expected


def test_not_a_string():
    assert parse_french_dates(None) == []  # type: ignore[arg-type]


@given(st.text())
def test_never_raises(text):
    for group in parse_french_dates(text):
        assert group == sorted(set(group))


def test_consecutive_days_make_one_session():
    assert consecutive_runs([d(9, 15), d(9, 16), d(9, 22)]) == [[d(9, 15), d(9, 16)], [d(9, 22)]]
    assert consecutive_runs([d(11, 21), d(11, 19), d(11, 20)]) == [[d(11, 19), d(11, 20), d(11, 21)]]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "RÉSEAU DES CHEFS DE PROJET POLITIQUE DE LA VILLE - 77",
            "Réseau des chefs de projet Politique de la ville - 77",
        ),
        (
            "ABATTEMENT DE LA TAXE FONCIÈRE SUR LES PROPRIÉTÉS BÂTIES (ATFPB)",
            "Abattement de la taxe foncière sur les propriétés bâties (ATFPB)",
        ),
        ("HISTOIRE DE LA POLITIQUE DE LA VILLE - CAMVS 77", "Histoire de la Politique de la ville - CAMVS 77"),
        (
            "« LES QUARTIERS DITS PRIORITAIRES LE SONT-ILS TOUJOURS ? »",
            "« Les quartiers dits prioritaires le sont-ils toujours ? »",
        ),
        (
            "PRÉCARITÉ : PAUVRETÉ ET SANTÉ « QUELS ENJEUX DANS LES QPV ? » - 94",
            "Précarité : pauvreté et santé « Quels enjeux dans les QPV ? » - 94",
        ),
        (
            "FORUM DÉPARTEMENTAL DES ACTEURS DE LA FORMATION LINGUISTIQUE - 2^E ÉDITION",
            "Forum départemental des acteurs de la formation linguistique - 2e édition",
        ),
        ("FORUM SANTÉ ÉVRY-COURCOURONNES - 91", "Forum santé Évry-Courcouronnes - 91"),
    ],
)
def test_readable_title(title, expected):
    assert readable_title(title) == expected

"""Proof against the real report: importing feedback/data/activite-2025.csv gives back the 2025 report's figures.

The expected numbers below are copied from the report (../shared/seed/rapport-activite-2025.txt), not computed.
Where the report contradicts itself, the test says where, and pins what the data gives instead (see also the
README, « The 2025 report and its inconsistencies »).
"""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from feedback.db import db
from feedback.imports.queries import activity_breakdown, activity_totals, participations_by_training
from feedback.models import Axis, Department
from feedback.scope import Scope
from tests.imports.helpers import REAL_CATALOGUE, load_catalogue

YEAR = Scope.for_year(2025)
E, V, S = Department.ESSONNE, Department.VAL_DE_MARNE, Department.SEINE_ET_MARNE

#: « Participations » printed at the head of each axis's pages.
REPORT_AXIS_PARTICIPATIONS = {
    Axis.CITY_POLICY: 440,
    Axis.FAMILY_EDUCATION: 1821,
    Axis.LANGUAGE_INTEGRATION: 1386,
    Axis.PRECARITY_HEALTH: 753,
    Axis.SOCIAL_COHESION: 1322,
    Axis.TRANSITION_CULTURE: 333,
}
#: « Séminaire des Cités éducatives nouvellement labellisées - 91 » prints 119 participations, then its split
#: (78 Savigny-sur-Orge + 41 Massy); the axis total 1821 counts both: 1702 + 119.
COUNTED_TWICE = 119

#: Actions held in several départements, with the figures the report prints for each (source line: figures).
REPORT_DEPARTMENT_BLOCKS = {
    "524": {V: 67, S: 47},  # Abattement de la taxe foncière (ATFPB)
    "920": {E: 84, V: 58},  # Cycle « Parentalité, co-éducation et interculturalité »
    "1258": {V: 35, E: 49},  # Accompagnement socio-juridique des MNA étrangers
    "1431": {E: 12, S: 13},  # Kit laïcité (13 at the CTAI of the CAMVS, in Seine-et-Marne)
    "1536": {V: 23, E: 44},  # Comprendre et agir contre les discriminations
    "1808": {V: 34, E: 39},  # Enjeux du vieillissement dans les quartiers prioritaires
    "2107": {E: 18, S: 22, V: 20},  # Repli social et communautaire
    "2136": {E: 48, S: 35, V: 17},  # Rivalités de quartiers
    "2206": {E: 37, S: 15, V: 24},  # Prévenir l'entrée des jeunes dans le trafic de drogue
    "2250": {E: 20, S: 75},  # CISPD de Grand Paris Sud - Seine Essonne Sénart
}


@pytest.fixture
def imported():
    plan = load_catalogue(REAL_CATALOGUE.read_bytes(), REAL_CATALOGUE.name)
    assert plan.summary["trainings_created"] == 105
    return plan


def csv_rows() -> list[dict[str, str]]:
    with REAL_CATALOGUE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def by_block() -> dict[tuple[str, Department | None], int]:
    """Participations per action (its source line) and département, from the database."""
    rows = db.session.execute(participations_by_training(YEAR)).all()
    return {(key.rsplit(":", 1)[1], department): participations for _, key, department, _, participations in rows}


def test_participations_per_axis_are_the_reports(imported):
    by_axis = {g.key: g.participations for g in activity_breakdown(YEAR, "axis")}
    for axis, printed in REPORT_AXIS_PARTICIPATIONS.items():
        expected = printed - COUNTED_TWICE if axis == Axis.FAMILY_EDUCATION else printed
        assert by_axis[axis] == expected, axis
    # The regional and national pages print no total, only each event's figure: the data adds them up.
    assert (by_axis[Axis.REGIONAL], by_axis[Axis.NATIONAL]) == (117 + 33 + 111 + 203 + 194 + 76, 160 + 436 + 145)


def test_every_row_of_the_file_is_kept_exactly(imported):
    """The row sums: each action and département keeps the participations of its row, split over its sessions."""
    expected: Counter[tuple[str, Department | None]] = Counter()
    for row in csv_rows():
        department = Department(row["department"]) if row["department"] else None
        expected[(row["source_line"], department)] += int(row["participations"] or 0)
    got = by_block()
    assert {k: v for k, v in got.items() if v} == {k: v for k, v in expected.items() if v}
    assert activity_totals(YEAR).participations == sum(expected.values()) == 7411


def test_per_departement_figures_of_multi_departement_actions_are_the_reports(imported):
    got = by_block()
    for source_line, figures in REPORT_DEPARTMENT_BLOCKS.items():
        assert {d: got[(source_line, d)] for d in figures} == figures, source_line


def test_participations_per_departement(imported):
    """The report's « Répartition des participations par département » is a chart without printed values: the
    figures are the sums of its action blocks (regional, national and interdepartmental events have none)."""
    by_department = {g.key: g.participations for g in activity_breakdown(YEAR, "department")}
    assert by_department == {E: 2497, V: 1500, S: 1593, None: 1821}
    only_77 = activity_totals(Scope.for_year(2025, department=S))
    assert only_77.participations == 1593


def test_the_reports_headline_matches_neither_its_axes_nor_its_rows(imported):
    """« 5773 participations en 2025 »: less than the six axes' printed totals (6055) and than their data (5936);
    with the regional and national activity the data gives 7411. The headline's perimeter is not stated."""
    six_axes = sum(
        g.participations for g in activity_breakdown(YEAR, "axis") if g.key not in (Axis.REGIONAL, Axis.NATIONAL)
    )
    assert sum(REPORT_AXIS_PARTICIPATIONS.values()) == 6055
    assert six_axes == 6055 - COUNTED_TWICE == 5936
    assert 5773 not in (six_axes, activity_totals(YEAR).participations, 6055)


#: The « 17 réseaux en 2025 ! » summary against the networks' detailed blocks: (source lines, printed meetings,
#: printed participations). Where they differ, the detailed blocks (what the file holds) are what the data gives.
NETWORK_SUMMARY = [
    # The 94 block prints « 3 rencontres » but two dates: the import makes two sessions (and says so), as the summary.
    ("chefs de projet PDV", ("442", "457", "472"), 6, 40),
    ("coordonnateurs PRE", ("682",), 4, 50),  # block: 5 meetings
    ("référents PRE", ("648", "665"), 9, 130),
    ("médiateurs adultes-relais", ("1973", "1989", "2009"), 6, 121),
    ("Cités éducatives 91", ("728",), 6, 74),
    ("Troïkas 94", ("870",), 3, 51),  # block: séminaire 23 + réseaux 51 = 74 over 3 meetings
    ("accueil des publics migrants", ("1086",), 2, 52),  # block: 53
    ("coordonnateurs santé", ("1610", "1659"), 9, 75),
    ("coordinatrices linguistique", ("1128",), 4, 22),  # block: 16
    ("formateurs laïcité", ("2029",), 3, 25),
    ("responsables jeunesse", ("705",), 2, 9),
]
SUMMARY_DIFFERS = {"coordonnateurs PRE": (5, 50), "Troïkas 94": (3, 74)}
SUMMARY_DIFFERS |= {"accueil des publics migrants": (2, 53), "coordinatrices linguistique": (4, 16)}


def test_network_summaries_against_their_detailed_blocks(imported):
    rows = db.session.execute(participations_by_training(YEAR)).all()
    per_line: Counter[str] = Counter()
    sessions: Counter[str] = Counter()
    for _, key, _, count, participations in rows:
        per_line[key.rsplit(":", 1)[1]] += participations
        sessions[key.rsplit(":", 1)[1]] += count
    for name, lines, meetings, participations in NETWORK_SUMMARY:
        got = (sum(sessions[line] for line in lines), sum(per_line[line] for line in lines))
        assert got == SUMMARY_DIFFERS.get(name, (meetings, participations)), name


def test_importing_the_real_file_again_changes_nothing(imported):
    from feedback.imports.catalogue import parse_catalogue
    from feedback.imports.operations import plan_catalogue
    from feedback.imports.tables import read_table

    again = plan_catalogue(parse_catalogue(read_table(REAL_CATALOGUE.read_bytes(), REAL_CATALOGUE.name)))
    assert not again.changes and again.summary["sessions_unchanged"] == len(again.sessions) == 254

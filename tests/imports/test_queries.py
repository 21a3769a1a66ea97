"""The period's activity figures, in total and by département, axis and modality (SQL GROUP BY)."""

from __future__ import annotations

from datetime import date

from feedback.db import db
from feedback.imports.queries import activity_breakdown, activity_totals
from feedback.labels import NO_DEPARTMENT
from feedback.models import Axis, Department, Modality
from feedback.scope import Scope
from tests.imports.helpers import csv_bytes, load_attendance

ESSONNE, VAL_DE_MARNE = Department.ESSONNE, Department.VAL_DE_MARNE


def world(make_training, make_session):
    law = make_training("Droit", axis=Axis.LANGUAGE_INTEGRATION, modality=Modality.TRAINING)
    network = make_training("Réseau", axis=Axis.PRECARITY_HEALTH, modality=Modality.PEER_NETWORK)
    sessions = {
        "law-91": make_session(law, start_date=date(2025, 3, 4), department=ESSONNE, present=20, half_days=2),
        "law-94": make_session(law, start_date=date(2025, 6, 5), department=VAL_DE_MARNE, present=10, half_days=2),
        "net-91": make_session(network, start_date=date(2025, 12, 31), department=ESSONNE, present=None, half_days=1),
        "net-none": make_session(network, start_date=date(2025, 1, 1), present=7, half_days=1),
        "net-2024": make_session(network, start_date=date(2024, 12, 31), department=ESSONNE, present=99, half_days=1),
        "law-2026": make_session(law, start_date=date(2026, 1, 1), department=ESSONNE, present=99, half_days=2),
    }
    for key in sessions:
        sessions[key].opens_dt = None
    db.session.commit()
    # Anne comes to three sessions in two départements, Bruno to one, Chloé to one.
    lists = {"law-91": ["Anne A", "Bruno B"], "law-94": ["Anne A", "Chloé C"], "net-91": ["anne a"]}
    for key, names in lists.items():
        load_attendance(csv_bytes([[n] for n in names]), "l.csv", session_id=sessions[key].id)
    return sessions


def test_totals_of_a_year(make_training, make_session):
    world(make_training, make_session)
    totals = activity_totals(Scope.for_year(2025))
    # net-91's count was unknown: its attendance list gave it (1).
    assert (totals.sessions, totals.participations, totals.half_days, totals.sessions_with_count) == (4, 38, 6, 4)
    assert (totals.attendances, totals.distinct_participants, totals.sessions_with_attendance) == (5, 3, 3)
    assert round(totals.average_visits, 4) == round(5 / 3, 4)


def test_breakdowns_by_department_axis_and_modality(make_training, make_session):
    world(make_training, make_session)
    period = Scope.for_year(2025)
    by_department = {g.key: g for g in activity_breakdown(period, "department")}
    assert set(by_department) == {ESSONNE, VAL_DE_MARNE, None}
    essonne = by_department[ESSONNE]
    assert (essonne.sessions, essonne.participations, essonne.half_days) == (2, 21, 3)
    # Anne came twice in Essonne: one distinct participant there, with Bruno.
    assert (essonne.attendances, essonne.distinct_participants) == (3, 2)
    # ...and once in Val-de-Marne, where she counts as well.
    assert by_department[VAL_DE_MARNE].distinct_participants == 2
    assert by_department[None].participations == 7 and by_department[None].distinct_participants == 0

    by_axis = {g.key: (g.sessions, g.participations) for g in activity_breakdown(period, "axis")}
    assert by_axis == {Axis.LANGUAGE_INTEGRATION: (2, 30), Axis.PRECARITY_HEALTH: (2, 8)}
    by_modality = [g.key for g in activity_breakdown(period, "modality")]
    assert by_modality == [Modality.TRAINING, Modality.PEER_NETWORK]  # largest participations first


def test_filters(make_training, make_session):
    world(make_training, make_session)
    only_91 = activity_totals(Scope.for_year(2025, department=ESSONNE))
    assert (only_91.sessions, only_91.participations, only_91.distinct_participants) == (2, 21, 2)
    none = activity_totals(Scope.for_year(2025, department=NO_DEPARTMENT))
    assert (none.sessions, none.participations) == (1, 7)
    networks = activity_totals(Scope.for_year(2025, modality=Modality.PEER_NETWORK, axis=Axis.PRECARITY_HEALTH))
    assert (networks.sessions, networks.participations, networks.attendances) == (2, 8, 1)
    assert activity_totals(Scope.for_year(2025, axis=Axis.NATIONAL)).sessions == 0
    spring = activity_totals(Scope(date(2025, 3, 1), date(2025, 6, 30)))
    assert (spring.sessions, spring.participations) == (2, 30)

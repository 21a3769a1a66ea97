"""Attendance lists: keyed hashes only, the same person counted once, re-imports change nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, inspect, select, text

from feedback.db import db
from feedback.imports.operations import ImportRefused
from feedback.imports.queries import activity_totals
from feedback.models import Attendance
from feedback.scope import Scope
from tests.imports.helpers import as_file, csv_bytes, load_attendance, snapshot

KINDS = ["csv", "xlsx"]
NAMES = ("Hélène Vasseur", "Karim Belkacem", "Zoé Lefèvre-Nguyen", "camille.martin@example.org")


def everything_stored() -> str:
    """Every value of every table of the database, as one text."""
    values = []
    for table in inspect(db.engine).get_table_names():
        for row in db.session.execute(text(f'SELECT * FROM "{table}"')):  # noqa: S608 (names from the schema)
            values.extend(str(v) for v in row)
    return "\n".join(values)


@pytest.mark.parametrize("kind", KINDS)
def test_the_same_person_is_counted_once_and_no_name_is_stored(kind, make_session):
    first = make_session(start_date=date(2025, 3, 4), is_open=False)
    second = make_session(first.training, start_date=date(2025, 4, 8), is_open=False)
    rows = [
        ["Nom", "E-mail", "Session"],
        ["Hélène Vasseur", "", first.id],
        ["Karim Belkacem", "", first.id],
        ["", "camille.martin@example.org", first.id],
        ["VASSEUR Helene", "", second.id],  # the same person, written otherwise
        ["Zoé Lefèvre-Nguyen", "", second.id],
        ["", "Camille.Martin@Example.org", second.id],
        ["hélène  vasseur", "", second.id],  # twice on one list: counted once
    ]
    plan = load_attendance(*as_file(rows, kind))
    assert plan.summary == {"sessions": 2, "people": 6, "added": 6, "removed": 0, "duplicates": 1}

    totals = activity_totals(Scope.for_year(2025))
    assert (totals.attendances, totals.distinct_participants, totals.sessions_with_attendance) == (6, 4, 2)
    assert totals.average_visits == 1.5
    # The people present were unknown: the lists give them.
    assert (first.participants_present, second.participants_present) == (3, 3)

    stored = everything_stored()
    for name in (*NAMES, "Vasseur", "VASSEUR", "Helene", "helene", "camille.martin"):
        assert name not in stored
    hashes = db.session.scalars(select(Attendance.person_hash)).all()
    assert len(hashes) == 6 and all(len(h) == 64 and int(h, 16) >= 0 for h in hashes)


def test_importing_the_same_list_twice_changes_nothing(make_session):
    session = make_session(is_open=False)
    data = csv_bytes([["nom"], *[[n] for n in NAMES]])
    load_attendance(data, "liste.csv", session_id=session.id)
    before = snapshot()
    again = load_attendance(data, "liste.csv", session_id=session.id)
    assert not again.changes and again.summary["added"] == again.summary["removed"] == 0
    assert snapshot() == before


def test_a_new_list_replaces_the_session_list_and_its_count(make_session):
    session = make_session(is_open=False)
    load_attendance(csv_bytes([[n] for n in NAMES]), "liste.csv", session_id=session.id)
    assert session.participants_present == 4
    plan = load_attendance(csv_bytes([[n] for n in NAMES[:3]]), "liste.csv", session_id=session.id)
    assert (plan.summary["added"], plan.summary["removed"]) == (0, 1)
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 3
    assert session.participants_present == 3


def test_a_count_typed_by_hand_is_kept(make_session):
    session = make_session(is_open=False, present=40)  # the sheet was partly lost: 40 people, 4 names
    load_attendance(csv_bytes([[n] for n in NAMES]), "liste.csv", session_id=session.id)
    assert session.participants_present == 40


def test_unknown_sessions_and_missing_session_are_refused_and_nothing_is_written(make_session):
    session = make_session(is_open=False)
    rows = [["nom", "session"], ["A B", session.id], ["C D", "999999"], ["E F", "cle-inconnue"]]
    with pytest.raises(ImportRefused) as refused:
        load_attendance(csv_bytes(rows), "l.csv")
    assert [str(p) for p in refused.value.problems] == [
        "ligne 3, colonne « session » : session inconnue « 999999 » (numéro ou clé d'import).",
        "ligne 4, colonne « session » : session inconnue « cle-inconnue » (numéro ou clé d'import).",
    ]
    with pytest.raises(ImportRefused, match="Indiquez la session"):
        load_attendance(csv_bytes([["A B"]]), "l.csv")
    with pytest.raises(ImportRefused, match="ne choisissez pas de session"):
        load_attendance(csv_bytes(rows[:2]), "l.csv", session_id=session.id)
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0


def test_a_session_is_found_by_its_import_key(make_session):
    session = make_session(is_open=False, import_key="activite-2025:442:77:1")
    load_attendance(csv_bytes([["email", "session"], ["a@example.org", "activite-2025:442:77:1"]]), "l.csv")
    assert db.session.scalar(select(Attendance.session_id)) == session.id


def test_a_changed_hashing_key_counts_people_anew(app, make_session):
    """Why ATTENDANCE_HASH_KEY must be kept: the same name under another key is another hash."""
    first = make_session(is_open=False)
    second = make_session(first.training, is_open=False)
    load_attendance(csv_bytes([["Hélène Vasseur"]]), "l.csv", session_id=first.id)
    app.config["ATTENDANCE_HASH_KEY"] = "a-dedicated-key-kept-apart-from-the-secret"
    try:
        load_attendance(csv_bytes([["Hélène Vasseur"]]), "l.csv", session_id=second.id)
    finally:
        app.config["ATTENDANCE_HASH_KEY"] = None
    assert db.session.scalar(select(func.count(Attendance.person_hash.distinct()))) == 2

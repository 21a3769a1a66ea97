"""The catalogue import against a real database: creates, updates, never duplicates, all or nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from feedback.db import db
from feedback.imports.catalogue import parse_catalogue
from feedback.imports.operations import ImportRefused, import_catalogue, plan_catalogue
from feedback.imports.tables import FileRejected, read_table
from feedback.models import Axis, Department, Modality, Response, Speaker, Training, TrainingSession
from tests.imports.helpers import SESSION_HEADER, as_file, csv_bytes, load_catalogue, snapshot

KINDS = ["csv", "xlsx"]

ROWS = [
    SESSION_HEADER,
    [
        "Droit des étrangers",
        "linguistique-integration",
        "formation",
        "91",
        "2025-03-04",
        "",
        "",
        "18",
        "Évry",
        "Hélène Vasseur; Karim B.",
    ],
    [
        "Droit des étrangers",
        "linguistique-integration",
        "formation",
        "77",
        "15/09/2025",
        "16/09/2025",
        "",
        "22",
        "",
        "",
    ],
    [
        "Réseau santé",
        "Précarité, santé & vieillissement",
        "Réseau de pairs",
        "Essonne",
        "2025-01-23",
        "",
        "1",
        "",
        "",
        "",
    ],
]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.parametrize("kind", KINDS)
def test_a_session_file_creates_its_trainings_and_sessions(kind, make_speaker):
    make_speaker("HÉLÈNE VASSEUR")  # matched whatever the case and accents
    plan = load_catalogue(*as_file(ROWS, kind))
    assert plan.summary["trainings_created"] == 2 and plan.summary["sessions_created"] == 3

    law = db.session.scalar(select(Training).where(Training.title == "Droit des étrangers"))
    assert (law.axis, law.modality) == (Axis.LANGUAGE_INTEGRATION, Modality.TRAINING)
    first, second = law.sessions
    assert (first.start_date, first.department, first.participants_present, first.half_days, first.place) == (
        date(2025, 3, 4),
        Department.ESSONNE,
        18,
        2,
        "Évry",
    )
    assert [s.name for s in first.speakers] == ["HÉLÈNE VASSEUR", "Karim B."]
    assert count(Speaker) == 2
    assert (second.end_date, second.half_days, second.department) == (date(2025, 9, 16), 4, Department.SEINE_ET_MARNE)
    network = db.session.scalar(select(Training).where(Training.title == "Réseau santé"))
    assert network.modality == Modality.PEER_NETWORK and network.sessions[0].participants_present is None
    assert all(s.questionnaire is not None and s.public_code for s in [first, second, *network.sessions])


@pytest.mark.parametrize("kind", KINDS)
def test_importing_the_same_file_twice_changes_nothing(kind):
    data, name = as_file(ROWS, kind)
    load_catalogue(data, name)
    before = snapshot()
    again = plan_catalogue(parse_catalogue(read_table(data, name)))
    assert not again.changes
    assert again.summary["sessions_unchanged"] == 3 and again.summary["trainings_unchanged"] == 2
    load_catalogue(data, name)
    assert snapshot() == before


def test_a_corrected_file_updates_in_place_and_a_blank_cell_keeps_what_was_typed(make_session):
    load_catalogue(*as_file(ROWS, "csv"))
    session = db.session.scalar(select(TrainingSession).where(TrainingSession.start_date == date(2025, 1, 23)))
    session.participants_present = 31  # typed by hand after the session
    db.session.commit()
    corrected = [list(r) for r in ROWS]
    corrected[1][7] = "19"  # participants
    corrected[2][6] = "3"  # half-days
    plan = load_catalogue(*as_file(corrected, "csv"))
    assert plan.summary == {
        "trainings_created": 0,
        "trainings_updated": 0,
        "trainings_unchanged": 2,
        "sessions_created": 0,
        "sessions_updated": 2,
        "sessions_unchanged": 1,
        "sessions_absent": 0,
        "participations": 41,
    }
    assert [c.fields for c in plan.sessions if c.action == "update"] == [["participants"], ["demi-journées"]]
    assert count(TrainingSession) == 3
    assert session.participants_present == 31


def test_moving_a_session_date_moves_its_responses_dates(answer_form):
    load_catalogue(*as_file(ROWS[:2], "csv"))
    session = db.session.scalar(select(TrainingSession))
    session.opens_dt = session.created_dt
    db.session.commit()
    assert answer_form(session, {"q-overall": "4"}).status_code == 303
    moved = [list(r) for r in ROWS[:2]]
    moved[1][3], moved[1][4] = "91", "2025-03-04"
    moved[1][8] = "Corbeil"
    load_catalogue(*as_file(moved, "csv"))
    assert db.session.scalar(select(Response.session_date)) == date(2025, 3, 4)
    assert session.place == "Corbeil"


@pytest.mark.parametrize("kind", KINDS)
def test_a_file_with_one_bad_row_writes_nothing(kind):
    rows = [*ROWS, ["Atelier", "regional", "formation", "", "2025-02-29", "", "", "", "", ""]]
    data, name = as_file(rows, kind)
    with pytest.raises(FileRejected) as refused:
        load_catalogue(data, name)
    assert [str(p) for p in refused.value.problems] == [
        "ligne 5, colonne « date_debut » : la date « 2025-02-29 » n'existe pas."
    ]
    assert count(Training) == count(TrainingSession) == count(Speaker) == 0


def test_a_refusal_found_while_writing_leaves_nothing_behind():
    """A reference already used by another training's session: refused, and the new training is not kept."""
    header = [*SESSION_HEADER, "reference"]
    load_catalogue(
        csv_bytes([header, ["Première", "regional", "formation", "", "2025-01-10", "", "", "", "", "", "R1"]]), "a.csv"
    )
    before = snapshot()
    clash = csv_bytes(
        [
            header,
            ["Nouvelle formation", "regional", "formation", "", "2025-02-10", "", "", "", "", "", "R2"],
            ["Seconde", "regional", "formation", "", "2025-01-10", "", "", "", "", "", "R1"],
        ]
    )
    with pytest.raises(ImportRefused) as refused:
        import_catalogue(parse_catalogue(read_table(clash, "b.csv")))
    db.session.rollback()
    assert [str(p) for p in refused.value.problems] == [
        "ligne 3 : cette session existe déjà sous une autre formation (même clé d'import)."
    ]
    assert snapshot() == before


def test_sessions_missing_from_a_new_version_of_the_file_are_kept_and_counted():
    load_catalogue(*as_file(ROWS, "csv"))
    plan = load_catalogue(*as_file(ROWS[:2] + ROWS[3:], "csv"))
    assert plan.summary["sessions_absent"] == 1
    assert count(TrainingSession) == 3

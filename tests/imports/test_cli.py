"""`flask import-catalogue` and `flask import-attendance`: dry run, progress, refusal, idempotence."""

from __future__ import annotations

from sqlalchemy import func, select

from feedback.db import db
from feedback.models import Attendance, Training, TrainingSession
from tests.imports.helpers import REAL_CATALOGUE, SESSION_HEADER, csv_bytes, snapshot, xlsx_bytes


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_dry_run_writes_nothing_then_the_import_shows_its_progress(runner):
    result = runner.invoke(args=["import-catalogue", str(REAL_CATALOGUE), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "format rapport d'activité (une ligne par action et département), lu en UTF-8, 122 lignes" in result.output
    assert "formations : 105 à créer, 0 à modifier, 0 inchangée ; sessions : 254 à créer" in result.output
    assert "7411 participations dans le fichier" in result.output
    assert "note — ligne 116 : l'action 2517 n'a pas de date : créée sans session." in result.output
    assert "Simulation : rien n'a été écrit." in result.output
    assert count(Training) == count(TrainingSession) == 0

    result = runner.invoke(args=["import-catalogue", str(REAL_CATALOGUE)])
    assert result.exit_code == 0, result.output
    assert "Import des sessions" in result.output and "Import terminé." in result.output
    db.session.expire_all()
    assert (count(Training), count(TrainingSession)) == (105, 254)
    before = snapshot()

    again = runner.invoke(args=["import-catalogue", str(REAL_CATALOGUE)])
    assert again.exit_code == 0
    assert "sessions : 0 à créer, 0 à modifier, 254 inchangées" in again.output
    assert "Rien à changer : ce fichier est déjà importé." in again.output
    db.session.expire_all()
    assert snapshot() == before


def test_a_refused_file_lists_every_problem_and_exits_1(runner, tmp_path):
    path = tmp_path / "catalogue.xlsx"
    path.write_bytes(
        xlsx_bytes(
            [
                SESSION_HEADER,
                ["A", "regional", "formation", "", "2025-13-01", "", "", "", "", ""],
                ["B", "nulle part", "formation", "", "2025-01-01", "", "", "", "", ""],
            ]
        )
    )
    result = runner.invoke(args=["import-catalogue", str(path)])
    assert result.exit_code == 1
    assert "ligne 2, colonne « date_debut » : la date « 2025-13-01 » n'existe pas." in result.output
    assert "ligne 3, colonne « axe » : axe inconnu(e) « nulle part »" in result.output
    assert "Fichier refusé (2 problèmes) : rien n'a été importé." in result.output
    assert count(Training) == 0


def test_a_file_over_the_size_cap_is_refused(app, runner, tmp_path):
    path = tmp_path / "gros.csv"
    path.write_bytes(csv_bytes([SESSION_HEADER] + [["A", "regional", "formation", "", "2025-01-01"]] * 200))
    app.config["IMPORT_MAX_BYTES"] = 1000
    try:
        result = runner.invoke(args=["import-catalogue", str(path)])
    finally:
        app.config["IMPORT_MAX_BYTES"] = 2 * 1024 * 1024
    assert result.exit_code == 1 and "dépasse la taille permise" in result.output


def test_import_attendance_for_one_session(runner, tmp_path, make_session):
    session = make_session(is_open=False)
    path = tmp_path / "emargement.csv"
    path.write_bytes(csv_bytes([["Nom"], ["Hélène Vasseur"], ["VASSEUR Hélène"], ["Karim Belkacem"]], delimiter=";"))
    dry = runner.invoke(args=["import-attendance", str(path), "--session", str(session.id), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"session {session.id} du {session.start_date.isoformat()} : 2 personnes, 2 ajoutées" in dry.output
    assert "1 ligne en double comptée une fois" in dry.output and count(Attendance) == 0

    done = runner.invoke(args=["import-attendance", str(path), "--session", str(session.id)])
    assert done.exit_code == 0 and "Import terminé." in done.output
    assert count(Attendance) == 2
    again = runner.invoke(args=["import-attendance", str(path), "--session", str(session.id)])
    assert "Rien à changer" in again.output and count(Attendance) == 2

    missing = runner.invoke(args=["import-attendance", str(path)])
    assert missing.exit_code == 1 and "Indiquez la session de cette liste" in missing.output
    unknown = runner.invoke(args=["import-attendance", str(path), "--session", "999999"])
    assert unknown.exit_code == 1 and "La session n° 999999 n'existe pas." in unknown.output

"""Bulk loader for the scores benchmark: a national network's decade of answers in a scratch database.

20 centres over 10 years (2016-2025): 2,000 trainings, 500 speakers (each linked to a trainer account),
about 60,000 sessions and, by default, 1,000,000 responses with about 10 answers each. Rows are written with
COPY on PostgreSQL and with executemany inside one transaction on SQLite, ids chosen here so that answers
need no round trip; the schema comes from the migrations (`flask db upgrade`), like a real installation.

    .venv/bin/python benchmarks/scores_data.py --engine sqlite --responses 100000   # load and print the counts
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from benchmarks.scratch import database_url  # noqa: E402

CENTRES, YEARS, FIRST_YEAR = 20, 10, 2016
TRAININGS_PER_CENTRE, SPEAKERS_PER_CENTRE = 100, 25
SESSIONS_PER_CENTRE_YEAR = 300
TRAINER_PASSWORD = "benchmark-trainer"  # noqa: S105 (a scratch database's account)
COMMENTS = (
    "Très bonne journée, des échanges riches et des outils concrets.",
    "Intéressant mais un peu théorique, il faudrait plus de cas pratiques.",
    "RAS",
    "Merci à l'intervenante pour sa clarté ; la salle était trop petite.",
    "Trop dense pour une seule journée.",
)


def environment(url: str, instance: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "benchmark-secret-key-" + "x" * 20,
        "RETOURS_INSTANCE_DIR": str(instance),
        "PYTHONPATH": str(ROOT),
    }


def migrate(env: dict[str, str]) -> None:
    subprocess.run([BIN / "flask", "--app", "feedback", "db", "upgrade"], env=env, cwd=ROOT, check=True)


class Writer:
    """Appends rows to a table: COPY on PostgreSQL, executemany on SQLite (one transaction for the whole load)."""

    def __init__(self, connection, dialect: str) -> None:
        self.connection, self.dialect = connection, dialect

    def write(self, table: str, columns: tuple[str, ...], rows: Iterator[tuple]) -> int:
        count = 0
        if self.dialect == "postgresql":
            with (
                self.connection.cursor() as cursor,
                cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        batch: list[tuple] = []
        for row in rows:
            batch.append(row)
            if len(batch) == 50_000:
                self.connection.executemany(sql, batch)
                count += len(batch)
                batch.clear()
        self.connection.executemany(sql, batch)
        return count + len(batch)


# Over the complexity limit: a bulk loader, one pass per table, timed as a whole.
def load(url: str, responses: int, seed: int = 2025) -> dict[str, float]:  # noqa: C901
    """Fill a migrated, empty database; return the counts and the time taken."""
    from sqlalchemy import select

    from config import config_from_env
    from feedback import create_app
    from feedback.auth.operations import create_user
    from feedback.catalogue.operations import ensure_default_questionnaire
    from feedback.db import db
    from feedback.models import Axis, Department, Modality, Question, QuestionOption, Role
    from feedback.models.domain import PROFILES

    rng = random.Random(seed)
    started = time.perf_counter()
    app = create_app(config_from_env(), SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        questionnaire = ensure_default_questionnaire()
        db.session.commit()
        questions = db.session.scalars(
            select(Question).where(Question.questionnaire_id == questionnaire.id).order_by(Question.position)
        ).all()
        options = {
            (question_id, value): option_id
            for question_id, value, option_id in db.session.execute(
                select(QuestionOption.question_id, QuestionOption.value, QuestionOption.id)
            )
        }
        questions = [(q.id, q.code, q.kind.value) for q in questions]
        questionnaire_id = questionnaire.id
        # One trainer account per speaker: the trainer dashboard is timed for one of them.
        trainer = create_user("formatrice@benchmark.example", Role.TRAINER, TRAINER_PASSWORD)
        create_user("direction@benchmark.example", Role.MANAGER, TRAINER_PASSWORD)
        db.session.commit()
        trainer_id = trainer.id
        raw = db.engine.raw_connection()
        dialect = db.engine.dialect.name
    connection = raw.driver_connection
    if dialect == "sqlite":
        connection.execute("PRAGMA synchronous=OFF")
    writer = Writer(connection, dialect)
    now = datetime(2026, 1, 15, tzinfo=UTC)

    def stamp(moment: datetime):
        """SQLAlchemy keeps UTC datetimes as naive text on SQLite; PostgreSQL takes them as they are."""
        return moment.strftime("%Y-%m-%d %H:%M:%S.%f") if dialect == "sqlite" else moment

    axes, modalities, departments = list(Axis), list(Modality), [*Department, None]
    profiles = [value for value, _label, _en in PROFILES]

    trainings = CENTRES * TRAININGS_PER_CENTRE
    writer.write(
        "trainings",
        ("id", "title", "axis", "modality", "description", "created_dt"),
        (
            (
                i,
                f"Formation {i:04d} — centre {i % CENTRES + 1}",
                rng.choice(axes).value,
                rng.choice(modalities).value,
                "",
                stamp(now),
            )
            for i in range(1, trainings + 1)
        ),
    )
    speakers = CENTRES * SPEAKERS_PER_CENTRE
    writer.write(
        "speakers",
        ("id", "name", "organisation", "email", "user_id", "created_dt"),
        (
            (
                i,
                f"Intervenant·e {i:03d}",
                f"Centre {i % CENTRES + 1}",
                f"speaker{i}@benchmark.example",
                trainer_id if i == 1 else None,
                stamp(now),
            )
            for i in range(1, speakers + 1)
        ),
    )
    sessions: list[tuple[int, date]] = []
    session_rows, speaker_rows = [], []
    session_id = 0
    for year in range(FIRST_YEAR, FIRST_YEAR + YEARS):
        for _ in range(CENTRES * SESSIONS_PER_CENTRE_YEAR):
            session_id += 1
            day = date(year, 1, 1) + timedelta(days=rng.randrange(365))
            training = rng.randrange(1, trainings + 1)
            session_rows.append(
                (
                    session_id,
                    training,
                    day,
                    1,
                    department.value if (department := rng.choice(departments)) else None,
                    "",
                    rng.randrange(8, 30),
                    f"B{session_id:011d}",
                    questionnaire_id,
                    stamp(now),
                )
            )
            speaker = rng.randrange(1, speakers + 1)
            speaker_rows.append((session_id, speaker))
            if rng.random() < 0.3:
                speaker_rows.append((session_id, speaker % speakers + 1))
            sessions.append((session_id, day))
    writer.write(
        "training_sessions",
        (
            "id",
            "training_id",
            "start_date",
            "half_days",
            "department",
            "place",
            "participants_present",
            "public_code",
            "questionnaire_id",
            "created_dt",
        ),
        iter(session_rows),
    )
    writer.write("session_speakers", ("session_id", "speaker_id"), iter(speaker_rows))

    answer_total = 0

    def response_rows() -> Iterator[tuple]:
        for response_id in range(1, responses + 1):
            sid, day = sessions[rng.randrange(len(sessions))]
            overall = _level(rng)
            yield (
                response_id,
                sid,
                day,
                questionnaire_id,
                stamp(datetime(day.year, day.month, day.day, 17, tzinfo=UTC)),
                f"bench{response_id:012d}",
                rng.random() < 0.4,
                None,
                None,
                overall,
                rng.randrange(4, 11),
                rng.choice(profiles),
            )

    rows = list(response_rows())
    writer.write(
        "responses",
        (
            "id",
            "session_id",
            "session_date",
            "questionnaire_id",
            "submitted_dt",
            "submission_token",
            "consents_to_quote",
            "consent_dt",
            "consent_version",
            "overall_level",
            "recommendation",
            "profile",
        ),
        iter(rows),
    )

    def answer_rows() -> Iterator[tuple]:
        nonlocal answer_total
        answer_id = 0
        for response in rows:
            response_id, overall, recommendation, profile = response[0], response[9], response[10], response[11]
            for question_id, code, kind in questions:
                value: tuple
                if code == "overall":
                    value = (None, overall, None)
                elif kind == "satisfaction":
                    value = (None, max(1, min(4, overall + rng.choice((-1, 0, 0, 1)))), None)
                elif kind == "recommendation":
                    value = (None, recommendation, None)
                elif code == "profile":
                    value = (options[(question_id, profile)], None, None)
                elif rng.random() < 0.6:
                    value = (None, None, rng.choice(COMMENTS))
                else:
                    continue
                answer_id += 1
                yield (answer_id, response_id, question_id, *value)
        answer_total = answer_id

    writer.write("answers", ("id", "response_id", "question_id", "option_id", "number", "text"), answer_rows())
    if dialect == "postgresql":
        with connection.cursor() as cursor:
            for table in ("trainings", "speakers", "training_sessions", "responses", "answers"):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    connection.commit()
    if dialect == "sqlite":
        connection.execute("ANALYZE")
    else:
        connection.autocommit = True
        connection.execute("VACUUM ANALYZE")
    raw.close()
    return {
        "trainings": trainings,
        "sessions": len(sessions),
        "responses": responses,
        "answers": answer_total,
        "seconds": time.perf_counter() - started,
    }


def _level(rng: random.Random) -> int:
    """Mostly satisfied, as real training feedback is."""
    draw = rng.random()
    return 4 if draw < 0.55 else 3 if draw < 0.88 else 2 if draw < 0.97 else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--directory", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args()
    url = database_url(args.engine, args.directory, "retours_bench_scores")
    env = environment(url, args.directory / "retours-bench-instance")
    migrate(env)
    os.environ.update(env)
    print(load(url, args.responses))
    return 0


if __name__ == "__main__":
    sys.exit(main())

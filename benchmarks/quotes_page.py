"""The quotes workspace and themes on a large scratch database, against the targets of issue « Verbatims ».

A migrated scratch database gets five years (2021-2025) of responses with one free-text answer each, 50,000
comments by default (10,000 a year), written with Core executemany; `flask analyse`'s own batch code then
analyses and stores them (its speed is printed too). Then, in the app with a communication account:

- the quotes page (/quotes/) with no filter, with each filter and with several at once: target < 300 ms;
- the themes of a year (10,000 stored comments, counted by the database): target < 1 s;
- a word cloud of a year's themes, cold (drawn) and cached (read from disk): targets < 1.5 s and "instant";
- the cost of storing the analysis at submit time, per response of 3 comments (names query, analysis, two
  executemany statements), against the same response without it.

Each figure is the median of --runs runs (the first request of each URL warms the caches and is not counted).

    .venv/bin/python benchmarks/quotes_page.py                      # SQLite and PostgreSQL, 50,000 comments
    .venv/bin/python benchmarks/quotes_page.py --engine sqlite --comments 10000 --runs 3

Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from benchmarks.scratch import database_url, drop_database  # noqa: E402

TARGET_PAGE_MS = 300
TARGET_THEMES_MS = 1000
TARGET_CLOUD_COLD_MS = 1500
TARGET_CLOUD_CACHED_MS = 100
PASSWORD = "benchmark-communication"  # noqa: S105 (a scratch database's account)
YEARS = (2021, 2022, 2023, 2024, 2025)


def load(app, comments: int, seed: int = 2025) -> dict[str, float]:
    """Catalogue, sessions over five years, one response with one comment each; then `flask analyse`'s batch."""
    from sqlalchemy import insert, select

    from feedback.auth.operations import create_user
    from feedback.catalogue import operations
    from feedback.db import db
    from feedback.demo_comments import FIRST_NAMES, LAST_NAMES, compose_comment
    from feedback.models import Answer, Axis, Department, Modality, Question, Response, Role
    from feedback.models.domain import PROFILES
    from feedback.quotes.analyses import analyse_pending

    rng = random.Random(seed)
    started = time.perf_counter()
    questionnaire = operations.ensure_default_questionnaire()
    questions = {
        code: question_id
        for code, question_id in db.session.execute(
            select(Question.code, Question.id).where(Question.questionnaire_id == questionnaire.id)
        )
    }
    create_user("communication@benchmark.example", Role.COMMUNICATION, PASSWORD, name="Camille Com")
    speakers = [
        operations.create_speaker(name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", organisation="Centre")
        for _ in range(40)
    ]
    trainings = [
        operations.create_training(
            title=f"Formation {i:03d}", axis=rng.choice(list(Axis)), modality=rng.choice(list(Modality))
        )
        for i in range(120)
    ]
    sessions = []
    per_year = max(1, comments // len(YEARS) // 20)  # about 20 comments per session
    for year in YEARS:
        for _ in range(per_year):
            training = rng.choice(trainings)
            day = date(year, 1, 1) + timedelta(days=rng.randrange(365))
            sessions.append(
                operations.create_session(
                    training,
                    start_date=day,
                    department=rng.choice([*Department, None]),
                    speakers=rng.sample(speakers, 2),
                    questionnaire=questionnaire,
                )
            )
    db.session.flush()
    session_rows = [(s.id, s.start_date, s.training.axis.value) for s in sessions]
    names = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    profiles = [value for value, _label, _en in PROFILES] + [None, None]
    codes = ("liked", "improve", "wishes")
    connection = db.session.connection()
    batch = 2000
    for start in range(0, comments, batch):
        rows, texts = [], []
        for _ in range(min(batch, comments - start)):
            session_id, day, axis = rng.choice(session_rows)
            level = rng.choice((4, 4, 4, 3, 3, 2, 1))
            consents = rng.random() < 0.6
            moment = datetime(day.year, day.month, day.day, 17, tzinfo=UTC)
            rows.append(
                {
                    "session_id": session_id,
                    "session_date": day,
                    "questionnaire_id": questionnaire.id,
                    "submitted_dt": moment,
                    "submission_token": secrets.token_hex(16),
                    "consents_to_quote": consents,
                    "consent_dt": moment if consents else None,
                    "consent_version": 1 if consents else None,
                    "overall_level": level,
                    "recommendation": None,
                    "profile": rng.choice(profiles),
                    "followup_key": secrets.token_hex(16),
                    "is_followup": False,
                }
            )
            code = rng.choice(codes)
            texts.append((questions[code], compose_comment(rng, code, level, axis, names=names)))
        ids = connection.execute(
            insert(Response.__table__).returning(Response.id, sort_by_parameter_order=True), rows
        ).scalars()
        connection.execute(
            insert(Answer.__table__),
            [
                {
                    "response_id": response_id,
                    "question_id": question_id,
                    "option_id": None,
                    "number": None,
                    "text": text,
                }
                for response_id, (question_id, text) in zip(ids, texts, strict=True)
            ],
        )
    db.session.commit()
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    summary = analyse_pending(chunk=1000)
    analysed = time.perf_counter() - started
    # The planner's statistics, as autovacuum (PostgreSQL) or a periodic ANALYZE (SQLite) would have them.
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE" if connection.dialect.name == "postgresql" else "ANALYZE")
    return {"load_s": loaded, "analyse_s": analysed, "analysed": summary.analysed}


def median_ms(action, runs: int) -> float:
    action()  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(engine: str, args, workdir: Path) -> bool:
    from config import TestingConfig
    from feedback import create_app
    from feedback.db import db

    name = "retours_bench_quotes"
    url = database_url(engine, workdir, name)
    instance = workdir / f"instance-{engine}"
    env = {**os.environ, "DATABASE_URL": url, "RETOURS_INSTANCE_DIR": str(instance), "PYTHONPATH": str(ROOT)}
    env["SECRET_KEY"] = "benchmark-secret-key-" + "x" * 20
    subprocess.run(
        [BIN / "flask", "--app", "feedback", "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True
    )
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url)
    app.instance_path = str(instance)
    ok = True
    try:
        with app.app_context():
            counts = load(app, args.comments)
            print(
                f"\n== {engine}: {args.comments:,} comments over {len(YEARS)} years, median of {args.runs} runs ==\n"
                f"setup: responses written in {counts['load_s']:.1f} s; `flask analyse` batch: "
                f"{counts['analysed']:,} comments in {counts['analyse_s']:.1f} s "
                f"({counts['analysed'] / counts['analyse_s']:,.0f}/s, analysis and storage)"
            )
            client = app.test_client()
            response = client.post("/login", data={"email": "communication@benchmark.example", "password": PASSWORD})
            assert response.status_code == 302, "login failed"
            year = str(YEARS[-1])
            from sqlalchemy import select

            from feedback.models import CommentPhrase

            theme_key = db.session.scalar(
                select(CommentPhrase.phrase_key).group_by(CommentPhrase.phrase_key).order_by(db.func.count().desc())
            )
            pages = {
                "no filter": "/quotes/",
                "a year": f"/quotes/?annee={year}",
                "year + axis + tone": f"/quotes/?annee={year}&axe=linguistique-integration&ton=positive",
                "year + département + length": f"/quotes/?annee={year}&dept=91&longueur=citation",
                "a theme": f"/quotes/?theme={theme_key}",
                "search « reseau »": "/quotes/?q=reseau",
                "status + search + year": f"/quotes/?annee={year}&statut=new&q=echange",
                "page 40": "/quotes/?page=40",
            }
            print(f"quotes page (target < {TARGET_PAGE_MS} ms):")
            for label, page_url in pages.items():

                def get(page_url=page_url):
                    page = client.get(page_url)
                    assert page.status_code == 200, (page_url, page.status_code)

                ms = median_ms(get, args.runs)
                passed = ms < TARGET_PAGE_MS
                ok &= passed
                print(f"  [{'ok' if passed else 'MISSED'}] {label:<30} {ms:7.1f} ms")

            from feedback.comments.filters import CommentFilters
            from feedback.comments.themes import count_comments, emerging_for, themes_for

            filters = CommentFilters(start=date(int(year), 1, 1), end=date(int(year), 12, 31))
            yearly = count_comments(filters.response_conditions())
            themes_ms = median_ms(lambda: themes_for(filters, limit=30), args.runs)
            emerging_ms = median_ms(lambda: emerging_for(filters), args.runs)
            page_ms = median_ms(lambda: client.get(f"/quotes/themes?annee={year}"), args.runs)
            suggestions_ms = median_ms(lambda: client.get(f"/quotes/suggestions?annee={year}"), args.runs)
            passed = max(themes_ms, emerging_ms, page_ms) < TARGET_THEMES_MS
            ok &= passed
            print(
                f"themes of {year} ({yearly:,} stored comments; target < {TARGET_THEMES_MS} ms): "
                f"[{'ok' if passed else 'MISSED'}] top 30 with tones and examples {themes_ms:.0f} ms, "
                f"emerging vs {int(year) - 1} {emerging_ms:.0f} ms, whole themes page {page_ms:.0f} ms"
            )
            print(f"suggestions page of {year} (6 top themes, 3 quotable comments each): {suggestions_ms:.0f} ms")

            cloud_dir = instance / "wordclouds"
            colds, cacheds = [], []
            for _ in range(args.runs):
                shutil.rmtree(cloud_dir, ignore_errors=True)
                started = time.perf_counter()
                assert client.get(f"/quotes/nuage.png?annee={year}").status_code == 200
                colds.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                assert client.get(f"/quotes/nuage.png?annee={year}").status_code == 200
                cacheds.append((time.perf_counter() - started) * 1000)
            cold, cached = statistics.median(colds), statistics.median(cacheds)
            passed = cold < TARGET_CLOUD_COLD_MS and cached < TARGET_CLOUD_CACHED_MS + themes_ms
            ok &= passed
            print(
                f"word cloud of {year} (PNG): [{'ok' if passed else 'MISSED'}] cold {cold:.0f} ms "
                f"(target < {TARGET_CLOUD_COLD_MS}), cached {cached:.0f} ms (the scope's state, then a file read)"
            )
            ok &= submit_cost(args.runs)
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        drop_database(engine, name)
    return ok


def submit_cost(runs: int) -> bool:
    """The work done after a submit, once the participant's page has been sent: one response with three
    comments analysed as one batch (names read, one parse each) and stored with two statements. The submit itself
    no longer includes it (survey.operations.submit_response sends `comments_submitted`)."""
    from sqlalchemy import insert, select

    from feedback.analysis.language import preload
    from feedback.db import db
    from feedback.models import Answer, Question, Response
    from feedback.quotes.analyses import PendingComment, analysis_rows, insert_analyses, known_names

    preload()  # as gunicorn's master does before forking its workers
    response_id = db.session.scalar(select(Response.id).limit(1))
    question_id = db.session.scalar(select(Question.id).where(Question.code == "liked").limit(1))
    texts = [
        "Très bonne journée, des échanges riches et des outils concrets.",
        "Intéressant mais un peu théorique, il faudrait plus de cas pratiques.",
        "Merci à l'intervenante pour sa clarté ; la salle était trop petite.",
    ]
    rows = [
        {"response_id": response_id, "question_id": question_id, "option_id": None, "number": None, "text": text}
        for text in texts
    ]
    timings: dict[str, list[float]] = {"analysis": [], "inserts": []}

    def deferred_work() -> None:
        connection = db.session.connection()
        ids = connection.execute(
            insert(Answer.__table__).returning(Answer.id, sort_by_parameter_order=True), rows
        ).scalars()
        pending = [PendingComment(answer_id, response_id, text, 3) for answer_id, text in zip(ids, texts, strict=True)]
        started = time.perf_counter()
        analysed_rows, phrase_rows = analysis_rows(pending, known_names())
        analysed = time.perf_counter()
        insert_analyses(connection, analysed_rows, phrase_rows)
        timings["analysis"].append((analysed - started) * 1000)
        timings["inserts"].append((time.perf_counter() - analysed) * 1000)
        db.session.rollback()

    median_ms(deferred_work, max(runs, 20))
    print(
        "after a submit (participant not waiting), one response with 3 comments: "
        f"{statistics.median(timings['analysis']):.2f} ms of analysis, "
        f"{statistics.median(timings['inserts']):.2f} ms of inserts (analyses, phrases)"
    )
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--comments", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    engines = ["sqlite", "postgres"] if args.engine == "both" else [args.engine]
    ok = True
    with tempfile.TemporaryDirectory() as tmpdir:
        for engine in engines:
            ok &= measure(engine, args, Path(tmpdir))
    print(f"\nTargets {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

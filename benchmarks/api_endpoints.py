"""The JSON API on a decade of a national network's answers: the scores endpoint, and paging through responses.

Loads 1,000,000 responses (benchmarks/scores_data.py, the data set of benchmarks/scores_pages.py) into a scratch
database of its own (`--reuse` keeps it between runs), makes a manager's personal access token, then calls the API
through the app (the test client: SQL, Python and JSON, without the network) and prints medians against targets.

    .venv/bin/python benchmarks/api_endpoints.py                          # PostgreSQL (the target's engine)
    .venv/bin/python benchmarks/api_endpoints.py --engine sqlite --responses 200000
    .venv/bin/python benchmarks/api_endpoints.py --reuse                  # the database of an earlier run

Targets (issue 17): GET /api/v1/scores under 300 ms on PostgreSQL; paging through 100,000 responses (answers by
question code included) at 5,000 rows/s or more.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.scores_data import environment, load, migrate  # noqa: E402
from benchmarks.scores_pages import _pg_exists  # noqa: E402
from benchmarks.scratch import database_url  # noqa: E402

SCORES_TARGET = 0.3  # seconds, PostgreSQL
ROWS_PER_SECOND_TARGET = 5000
SCORES_URLS = {
    "scores, one year": "/api/v1/scores?year=2025",
    "scores, one year by training": "/api/v1/scores?year=2025&by=training",
}


def measure(url: str, runs: int, rows: int, page_size: int) -> dict[str, float]:
    from config import config_from_env
    from feedback import create_app
    from feedback.auth.api_tokens import create_api_token
    from feedback.auth.operations import get_user_by_email
    from feedback.db import db

    app = create_app(config_from_env(), SQLALCHEMY_DATABASE_URI=url, API_RATE_LIMIT="1000000 per minute")
    with app.app_context():
        secret = create_api_token(get_user_by_email("direction@benchmark.example"), name="benchmark").secret
        db.session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    figures: dict[str, float] = {}
    for name, path in SCORES_URLS.items():
        assert client.get(path, headers=headers).status_code == 200  # warm-up
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            response = client.get(path, headers=headers)
            samples.append(time.perf_counter() - start)
            assert response.status_code == 200, response.get_data(as_text=True)[:200]
        figures[name] = statistics.median(samples)
    rates = []
    for _ in range(max(1, runs // 2)):
        seen, cursor = 0, None
        start = time.perf_counter()
        while seen < rows:
            page = client.get(
                f"/api/v1/responses?limit={page_size}" + (f"&cursor={cursor}" if cursor else ""), headers=headers
            ).get_json()
            seen += len(page["items"])
            cursor = page["next_cursor"]
            if cursor is None:
                break
        rates.append(seen / (time.perf_counter() - start))
    figures["responses paged, rows/s"] = statistics.median(rates)
    return figures


def run(engine: str, args) -> bool:
    directory = Path(tempfile.gettempdir()) / "retours-bench-api"
    directory.mkdir(exist_ok=True)
    # A database of its own: benchmarks/scores_pages.py may be using its (same) data set meanwhile.
    name = f"retours_bench_api_{args.responses}"
    database_file = directory / f"{name}.sqlite"
    reuse = args.reuse and (engine == "postgres" and _pg_exists(name) or engine == "sqlite" and database_file.exists())
    url = (
        (f"sqlite:///{database_file}" if engine == "sqlite" else f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}")
        if reuse
        else database_url(engine, directory, name)
    )
    env = environment(url, directory / "instance")
    os.environ.update(env)
    if not reuse:
        migrate(env)
        counts = load(url, args.responses)
        print(f"\n== {engine}: loaded {counts['responses']:,} responses in {counts['seconds']:.0f} s ==")
    else:
        print(f"\n== {engine}: reusing {name} ==")
    figures = measure(url, args.runs, args.rows, args.page_size)
    ok = True
    for label, value in figures.items():
        if label.endswith("rows/s"):
            passed = value >= ROWS_PER_SECOND_TARGET
            verdict = "ok" if passed else "MISSED"
            print(f"  [{verdict}] {label:32s} {value:8.0f}     (target >= {ROWS_PER_SECOND_TARGET})")
        else:
            passed = engine != "postgres" or value < SCORES_TARGET
            target = f"target < {SCORES_TARGET * 1000:.0f} ms" if engine == "postgres" else "target on PostgreSQL only"
            print(f"  [{'ok' if passed else 'MISSED'}] {label:32s} {value * 1000:8.0f} ms  ({target})")
        ok &= passed
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="postgres")
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--rows", type=int, default=100_000, help="responses to page through")
    parser.add_argument("--page-size", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="reuse a database loaded by an earlier run")
    args = parser.parse_args()
    engines = ["sqlite", "postgres"] if args.engine == "both" else [args.engine]
    ok = all([run(engine, args) for engine in engines])
    print("\nall targets met" if ok else "\nsome targets MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Load test of the participant's form: many phones answering at once, against gunicorn.

Each simulated participant GETs the form, parses its hidden fields, POSTs a full set of answers and follows
the redirect to the thank-you page. Two scenarios, 400 participants and 50 at a time in both:

- "rush": nobody reads the form (0 s between GET and POST), so 50 requests are always queued on the 2
  workers. It measures throughput, in the same run as `ceiling_app.py` (Flask + Flask-WTF + SQLAlchemy
  inserting one row: the framework's ceiling on this machine), and the server's CPU time per participant.
  Its latencies are mostly time spent waiting in gunicorn's queue (Little's law), printed with the ceiling's.
- "room": each participant takes 1 to 4 s to answer before posting, as 50 phones in a hall would (still
  far faster than a person), and the first 50 scan the QR code within the first 2 seconds rather than all in
  the same millisecond (`--ramp 0` for that burst). Its latencies are what a participant waits for.

    .venv/bin/python benchmarks/survey_load.py                # SQLite and PostgreSQL, median of 3 runs
    .venv/bin/python benchmarks/survey_load.py --engine sqlite --runs 1

Targets (issue "The participant's questionnaire"): 0 errors and every response stored (both scenarios);
p95 POST < 150 ms and p95 GET < 50 ms (room); throughput >= 60 % of the ceiling's (rush, same run).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from benchmarks.scratch import database_url  # noqa: E402

COMMENTS = [
    "Très bonne journée, des échanges riches et des outils concrets.",
    "Intéressant mais un peu théorique, il faudrait plus de cas pratiques.",
    "RAS",
    "Merci à l'intervenante pour sa clarté ; la salle était trop petite.",
]


#: The form's fields, found the way a browser's form submission finds them, without building a DOM: the load
#: generator shares the 2 cores with the server, so it must cost as little as possible (html.parser took 1.3 ms
#: per page here, as much as the server's GET).
_FIELD_TAG = re.compile(r"<(input|textarea)\b([^>]*)>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r'([^\s=/>]+)(?:\s*=\s*"([^"]*)")?')


@dataclass
class FormFields:
    """What a browser would send: hidden fields, one value per radio group, every textarea."""

    hidden: dict[str, str] = field(default_factory=dict)
    radios: dict[str, list[str]] = field(default_factory=dict)
    checkboxes: dict[str, list[str]] = field(default_factory=dict)
    textareas: list[str] = field(default_factory=list)
    text_inputs: list[str] = field(default_factory=list)


def form_fields(html: str) -> FormFields:
    fields = FormFields()
    for tag, attributes in _FIELD_TAG.findall(html):
        a = {key.lower(): unescape(value) for key, value in _ATTRIBUTE.findall(attributes)}
        name = a.get("name")
        # A field out of the Tab order is the form's trap for scripts (survey/limits.py): a person never fills it.
        if not name or a.get("tabindex") == "-1":
            continue
        if tag.lower() == "textarea":
            fields.textareas.append(name)
            continue
        kind = a.get("type", "text")
        if kind == "hidden":
            fields.hidden[name] = a.get("value", "")
        elif kind == "radio":
            fields.radios.setdefault(name, []).append(a.get("value", ""))
        elif kind == "checkbox":
            fields.checkboxes.setdefault(name, []).append(a.get("value", ""))
        elif kind == "text":
            fields.text_inputs.append(name)
    return fields


def answers_for(html: str, rng: random.Random) -> dict[str, str]:
    parser = form_fields(html)
    data = dict(parser.hidden)
    for name, values in parser.radios.items():
        data[name] = values[min(len(values) - 1, int(rng.random() ** 2 * len(values)))]
    for name, values in parser.checkboxes.items():
        if name == "consent" and rng.random() < 0.4:
            data[name] = values[0]
    for name in parser.textareas:
        data[name] = rng.choice(COMMENTS)
    for name in parser.text_inputs:
        data[name] = "Plus de temps d'échange"
    return data


@dataclass
class Result:
    get_ms: list[float] = field(default_factory=list)
    post_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall_s: float = 0.0
    stored: int = 0
    #: CPU time (user + system) of gunicorn's processes during the run, per participant.
    server_cpu_ms: float = 0.0

    def p(self, values: list[float], q: float) -> float:
        if not values:
            return float("nan")
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def participant(
    port: int, path: str, seed: int, result: Result, think: tuple[float, float] = (0, 0), arrival: float = 0
) -> None:
    rng = random.Random(seed)
    cookie = ""
    time.sleep(arrival)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        start = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        html = response.read().decode()
        result.get_ms.append((time.perf_counter() - start) * 1000)
        if response.status != 200:
            raise RuntimeError(f"GET {response.status}")
        set_cookie = response.getheader("Set-Cookie")
        if set_cookie:
            cookie = set_cookie.split(";", 1)[0]
        conn.close()
        body = urllib.parse.urlencode(answers_for(html, rng))
        if think[1]:
            time.sleep(rng.uniform(*think))
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Origin": f"http://127.0.0.1:{port}"}
        if cookie:
            headers["Cookie"] = cookie
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        start = time.perf_counter()
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        result.post_ms.append((time.perf_counter() - start) * 1000)
        if response.status not in (302, 303):
            raise RuntimeError(f"POST {response.status}")
        location = urllib.parse.urlsplit(response.getheader("Location")).path
        conn.close()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", location, headers={"Cookie": cookie} if cookie else {})
        thanks = conn.getresponse()
        thanks.read()
        conn.close()
        if thanks.status != 200:
            raise RuntimeError(f"thanks {thanks.status}")
    except Exception as exc:  # every failure is counted, none stops the run
        result.errors.append(repr(exc))


def wait_healthy(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("server exited (see its log above)")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def count_rows(url: str, table: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        count = conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
    engine.dispose()
    return count


PREPARE = """
from datetime import date, timedelta
from feedback import create_app
from feedback.db import db, utcnow
from feedback.catalogue import operations
from feedback.models import Axis, Modality
app = create_app()
with app.app_context():
    t = operations.create_training(title="Benchmark", axis=Axis.CITY_POLICY, modality=Modality.CONFERENCE)
    s = operations.create_session(t, start_date=date.today(), participants_present=400)
    operations.open_session(s, now=utcnow() - timedelta(minutes=1))
    db.session.commit()
    print(s.public_code)
"""


def server_cpu_ms(master_pid: int) -> float:
    """User + system CPU time so far of gunicorn's master and workers (Linux /proc)."""
    pids = [master_pid, *map(int, Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split())]
    ticks = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return 1000 * ticks / os.sysconf("SC_CLK_TCK")


def run_one(
    app: str, engine: str, args, tmp: Path, run: int, think: tuple[float, float] = (0, 0), ramp: float = 0
) -> Result:
    name = f"retours_bench_{app}_{run}"
    url = database_url(engine, tmp, name)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "benchmark-secret-key-" + "x" * 20,
        "RETOURS_INSTANCE_DIR": str(tmp / f"instance-{name}"),
        # All simulated phones share one address here and the rush posts at once: lift the per-address limits and
        # the minimum answering time for the measurement (benchmarks/crowd.py measures with the default settings).
        "SURVEY_SUBMIT_RATE_LIMIT": "1000000 per minute",
        "SURVEY_FORM_RATE_LIMIT": "1000000 per minute",
        "SURVEY_MIN_ANSWER_SECONDS": "0",
        "PYTHONPATH": str(ROOT),
    }
    if app == "retours":
        subprocess.run(
            [BIN / "flask", "--app", "feedback", "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True
        )
        code = (
            subprocess.run(
                [BIN / "python", "-c", PREPARE], env=env, cwd=ROOT, check=True, capture_output=True, text=True
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        target, table = "feedback:create_app()", "responses"
    else:
        code, target, table = "ceiling", "benchmarks.ceiling_app:create_app()", "ceiling_rows"
        # Its table is made before the workers start: two workers creating it at once would race.
        subprocess.run(
            [BIN / "python", "-c", "from benchmarks.ceiling_app import create_app; create_app()"],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    log = (tmp / f"{name}.log").open("w")
    server = subprocess.Popen(
        [BIN / "gunicorn", "--workers", str(args.workers), "--bind", f"127.0.0.1:{args.port}", target],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        # A file, not a pipe: a server that logs more than a pipe holds would block on its next line.
        stderr=log,
    )
    try:
        wait_healthy(args.port, server)
        result = Result()
        path = f"/s/{code}"
        for warm_up in range(2 * args.workers):  # each worker's first request loads templates: not counted
            participant(args.port, path, -1 - warm_up, Result())
        cpu_before = server_cpu_ms(server.pid)
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            for i in range(args.participants):
                # The first phones arrive spread over the ramp; each next one as soon as a phone is free.
                arrival = random.Random(i).uniform(0, ramp) if i < args.concurrency else 0
                pool.submit(participant, args.port, path, i, result, think, arrival)
        result.wall_s = time.perf_counter() - start
        result.server_cpu_ms = (server_cpu_ms(server.pid) - cpu_before) / args.participants
        result.stored = count_rows(url, table) - 2 * args.workers
        return result
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
        errors = [
            line for line in (tmp / f"{name}.log").read_text().splitlines() if "Error" in line or "Traceback" in line
        ]
        if errors:
            print(f"  server log of {name} ({len(errors)} error lines), first: {errors[0][:300]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--participants", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--think", type=float, nargs=2, default=(1.0, 4.0), metavar=("MIN_S", "MAX_S"))
    parser.add_argument("--ramp", type=float, default=2.0, help="seconds over which the room's first phones arrive")
    parser.add_argument("--port", type=int, default=5091)
    args = parser.parse_args()
    engines = ["sqlite", "postgres"] if args.engine == "both" else [args.engine]
    ok = True
    with tempfile.TemporaryDirectory() as tmpdir:
        for engine in engines:
            ours, ceiling, room = [], [], []
            for run in range(args.runs):
                ours.append(run_one("retours", engine, args, Path(tmpdir), run))
                ceiling.append(run_one("ceiling", engine, args, Path(tmpdir), run))
            for run in range(args.runs):
                room.append(
                    run_one("retours", engine, args, Path(tmpdir), 100 + run, think=tuple(args.think), ramp=args.ramp)
                )
            ok &= report(engine, args, ours, ceiling, room)
    print("\nall targets met" if ok else "\nsome targets MISSED")
    return 0 if ok else 1


def report(engine: str, args, ours: list[Result], ceiling: list[Result], room: list[Result]) -> bool:
    med = statistics.median

    def p95(results: list[Result], attr: str) -> float:
        return med(r.p(getattr(r, attr), 0.95) for r in results)

    def p50(results: list[Result], attr: str) -> float:
        return med(r.p(getattr(r, attr), 0.5) for r in results)

    errors = sum(len(r.errors) for r in ours + room)
    stored_ok = all(r.stored == args.participants for r in ours + room)
    throughput = med(args.participants / r.wall_s for r in ours)
    ceiling_throughput = med(args.participants / r.wall_s for r in ceiling)
    ratio = med(c.wall_s / o.wall_s for o, c in zip(ours, ceiling, strict=True))
    cpu, ceiling_cpu = med(r.server_cpu_ms for r in ours), med(r.server_cpu_ms for r in ceiling)
    print(
        f"\n== {engine}: {args.participants} participants, {args.concurrency} at a time, gunicorn "
        f"{args.workers} workers, median of {len(ours)} runs =="
    )
    print(
        f"errors: {errors} (ceiling: {sum(len(r.errors) for r in ceiling)})   stored: {[r.stored for r in ours + room]}"
    )
    if errors:
        print("  first errors:", sorted({e for r in ours + room for e in r.errors})[:5])
    print(
        f"rush (no time to read):  throughput {throughput:6.1f} participants/s; ceiling {ceiling_throughput:6.1f}/s; "
        f"ratio {ratio:.0%} (target >= 60 %)"
    )
    print(f"  server CPU per participant: {cpu:.2f} ms; ceiling {ceiling_cpu:.2f} ms (ratio {ceiling_cpu / cpu:.0%})")
    print(
        f"  GET  p50 {p50(ours, 'get_ms'):6.1f} ms  p95 {p95(ours, 'get_ms'):6.1f} ms   "
        f"ceiling p50 {p50(ceiling, 'get_ms'):6.1f}  p95 {p95(ceiling, 'get_ms'):6.1f} ms"
    )
    print(
        f"  POST p50 {p50(ours, 'post_ms'):6.1f} ms  p95 {p95(ours, 'post_ms'):6.1f} ms   "
        f"ceiling p50 {p50(ceiling, 'post_ms'):6.1f}  p95 {p95(ceiling, 'post_ms'):6.1f} ms"
    )
    # With N requests always in flight on W sync workers, latency is mostly waiting in the queue (Little's law).
    requests_per_s = 3 * throughput
    print(
        f"  queueing: {args.concurrency} in flight / {requests_per_s:.0f} requests/s = "
        f"{1000 * args.concurrency / requests_per_s:.0f} ms mean time in the server per request"
    )
    get95, post95 = p95(room, "get_ms"), p95(room, "post_ms")
    print(
        f"room ({args.think[0]:g}-{args.think[1]:g} s to answer, arrivals over {args.ramp:g} s):\n"
        f"  GET p50 {p50(room, 'get_ms'):5.1f} ms  p95 {get95:5.1f} ms (target < 50 ms);  "
        f"POST p50 {p50(room, 'post_ms'):5.1f} ms  p95 {post95:5.1f} ms (target < 150 ms)"
    )
    checks = {
        "0 errors": errors == 0,
        "every response stored": stored_ok,
        "room: GET p95 < 50 ms": get95 < 50,
        "room: POST p95 < 150 ms": post95 < 150,
        "rush: throughput >= 60 % of ceiling": ratio >= 0.6,
    }
    for name, passed in checks.items():
        print(f"  [{'ok' if passed else 'MISSED'}] {name}")
    return all(checks.values())


if __name__ == "__main__":
    sys.exit(main())

"""A crowd behind one address is served, a script from one address is stopped: the public form's limits at the
default settings (config.py), against gunicorn with the repo's gunicorn.conf.py and 2 workers, as `make run`.

- plenary: 500 participants on the venue's Wi-Fi, all from one address (127.0.0.1), answer within 2 minutes.
  Each phone loads the form, takes 5 to 60 s to answer, sends, and follows the redirect to the thank-you page;
  the loads are spread so that every submit lands inside the 2 minutes.
- flood: a script from the same single address, for 60 s, on another session, four ways at once: posting each
  form the moment it gets it; replaying one captured body as it is (a spent token); replaying that body with a
  new token each time, taken from a form and kept past the minimum answering time (the patient script); and
  filling every field it finds, the hidden trap included.
- throughput: the submit alone, at the default settings, Retours against benchmarks/ceiling_app.py in the same
  run: 400 forms loaded from 50 addresses (50 rooms, so that no per-address limit is what is measured), then all
  sent, 50 at a time, once older than the minimum answering time.

For each scenario: refused (any submit not stored), stored (rows in the database), lost (a submit neither stored
nor shown back with its answers on the page that refused it).

    .venv/bin/python benchmarks/crowd.py                                  # SQLite, the real 2 minutes (~6 min)
    .venv/bin/python benchmarks/crowd.py --minutes 0.5 --think 5 20 --flood-seconds 20 --throughput-runs 1  # ~2 min
    .venv/bin/python benchmarks/crowd.py --engine postgres

`--minutes` and `--think` only compress the crowd's time (the server's settings stay the defaults; thinking
stays above the 3-second minimum). Targets (issue 13): plenary 0 refused, 0 lost, 500 stored; flood: thousands
of submits a minute, every one of the instant, replayed and trap-filling ones refused, 0 lost, and the patient
script's stored responses within the blank forms the address may take (SURVEY_FORM_RATE_LIMIT); submit
throughput >= 60 % of the ceiling's. Exit status 1 when any is missed.
"""

from __future__ import annotations

import argparse
import os
import queue
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.close_time_stress import call  # noqa: E402
from benchmarks.scratch import database_url, drop_database  # noqa: E402
from benchmarks.survey_load import BIN, answers_for, form_fields, wait_healthy  # noqa: E402

SECRET_KEY = "crowd-benchmark-secret-key-" + "x" * 20
#: The settings under test are config.py's defaults: whatever the caller's shell says about them is dropped.
SETTINGS = (
    "SURVEY_SUBMIT_RATE_LIMIT",
    "SURVEY_FORM_RATE_LIMIT",
    "SURVEY_MIN_ANSWER_SECONDS",
    "SURVEY_TOKEN_MAX_AGE",
    "MAX_CONTENT_LENGTH",
    "RETOURS_ENV",
    "WEB_CONCURRENCY",
    "GUNICORN_BIND",
    "GUNICORN_CMD_ARGS",
)
WORKERS = 2
PLENARY = 500
FLOOD_SECONDS = 60
THROUGHPUT_FORMS, THROUGHPUT_ROOMS, THROUGHPUT_CONCURRENCY = 400, 50, 50
THROUGHPUT_TARGET = 0.6

PREPARE = """
from datetime import date, timedelta
from feedback import create_app
from feedback.db import db, utcnow
from feedback.catalogue import operations
from feedback.models import Axis, Modality
app = create_app()
with app.app_context():
    codes = []
    for title in ("Plénière", "Inondation", "Débit", "Échauffement"):
        training = operations.create_training(title=title, axis=Axis.CITY_POLICY, modality=Modality.CONFERENCE)
        session = operations.create_session(training, start_date=date.today(), participants_present=500)
        operations.open_session(session, now=utcnow() - timedelta(hours=1))
        codes.append(session.public_code)
    db.session.commit()
    print(" ".join(codes))
"""

#: What the form's text answers are filled with: found again on a page that refuses them, or the answers are lost.
_MARK = re.compile(r"Réponse témoin n° \d+")


@dataclass
class Tally:
    """The submits of one scenario (or one kind of attack)."""

    submits: int = 0
    stored: int = 0  # 303 to the thank-you page
    refused: Counter = field(default_factory=Counter)  # by status
    shown_back: int = 0  # refused, with the typed answers on the page
    lost: int = 0  # refused, and the typed answers are not on the page
    forms_refused: int = 0  # blank forms refused (429), before anything is typed
    errors: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    rows: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status: int, page: str, mark: str | None, *, spent: bool = False) -> None:
        """One submit's answer; `spent`: its token was used before, a 303 is then the thank-you of that response."""
        with self.lock:
            self.submits += 1
            if status == 303 and not spent:
                self.stored += 1
            else:
                self.refused["303 already received" if status == 303 else status] += 1
                if mark is None or mark in page or status == 303 or ALREADY_RECEIVED in page:
                    self.shown_back += 1
                else:
                    self.lost += 1

    @property
    def refused_total(self) -> int:
        return sum(self.refused.values())


def filled_form(html: str, rng: random.Random, mark: str) -> dict[str, str]:
    """A person's answers to this page: every choice, and `mark` in each text answer."""
    data = answers_for(html, rng)
    for name in form_fields(html).textareas:
        data[name] = f"{mark} : {data[name]}"
    return data


#: The page for a submit whose token was spent already: nothing to send again, so nothing lost.
ALREADY_RECEIVED = "avaient déjà été reçues"
HEADERS_POST = {"Content-Type": "application/x-www-form-urlencoded"}


def post(port: int, source: str, path: str, data: dict[str, str]) -> tuple[int, str]:
    headers = {**HEADERS_POST, "Origin": f"http://127.0.0.1:{port}"}
    status, _, _, page, _ = call(port, source, "POST", path, body=urllib.parse.urlencode(data), headers=headers)
    return status, page


# -- the server ------------------------------------------------------------------------------------------------------


class Server:
    """Retours (or the ceiling app) under gunicorn, its database made afresh; counters of its own."""

    def __init__(self, app: str, engine: str, tmp: Path, port: int, label: str) -> None:
        self.engine, self.port = engine, port
        self.name = f"retours_crowd_{label}_{os.getpid()}"
        self.url = database_url(engine, tmp, self.name)
        env = {k: v for k, v in os.environ.items() if k not in SETTINGS}
        env.update(
            DATABASE_URL=self.url,
            SECRET_KEY=SECRET_KEY,
            RETOURS_INSTANCE_DIR=str(tmp / f"instance-{self.name}"),
            # Its own counters, wherever RATELIMIT_STORAGE_URI keeps them: no run inherits another's.
            RATELIMIT_KEY_PREFIX=f"retours-crowd-{uuid.uuid4().hex}",
            PYTHONPATH=str(ROOT),
            WEB_CONCURRENCY=str(WORKERS),
            GUNICORN_BIND=f"127.0.0.1:{port}",
            GUNICORN_ACCESS_LOG=str(tmp / f"{self.name}.access.log"),
        )
        if app == "retours":
            subprocess.run([BIN / "flask", "--app", "feedback", "db", "upgrade"], env=env, cwd=ROOT, check=True)
            out = subprocess.run(
                [BIN / "python", "-c", PREPARE], env=env, cwd=ROOT, check=True, capture_output=True, text=True
            )
            self.codes = out.stdout.strip().splitlines()[-1].split()
            command = [BIN / "gunicorn", "-c", "gunicorn.conf.py"]
        else:
            self.codes = ["ceiling"] * 4
            code = "from benchmarks.ceiling_app import create_app; create_app()"
            subprocess.run([BIN / "python", "-c", code], env=env, cwd=ROOT, check=True, capture_output=True)
            command = [
                *(BIN / "gunicorn", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}"),
                "benchmarks.ceiling_app:create_app()",
            ]
        self.log_path = tmp / f"{self.name}.log"
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=self.log, start_new_session=True
        )
        # Retours runs as `make run` does: the job queue's consumer beside gunicorn, on the same cores; it analyses
        # the submitted comments (the web workers only store them).
        self.worker = (
            subprocess.Popen(
                [BIN / "flask", "--app", "feedback", "queue-worker"],
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=self.log,
                start_new_session=True,
            )
            if app == "retours"
            else None
        )
        wait_healthy(port, self.process, timeout=180)  # a loaded machine: the 2 cores are shared

    def analysed_after(self, patience: float = 600) -> tuple[int, int, float]:
        """Wait for the queue to analyse every comment stored: (comments, analysed, seconds waited)."""
        from sqlalchemy import create_engine, text

        engine = create_engine(self.url)
        start = time.perf_counter()
        with engine.connect() as conn:
            while True:
                comments = conn.execute(
                    text("SELECT count(*) FROM answers WHERE text IS NOT NULL AND text <> ''")
                ).scalar_one()
                analysed = conn.execute(text("SELECT count(*) FROM comment_analyses")).scalar_one()
                conn.rollback()
                waited = time.perf_counter() - start
                if analysed >= comments or waited > patience:
                    break
                time.sleep(0.2)
        engine.dispose()
        return comments, analysed, waited

    def rows(self, code: str | None = None) -> int:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.url)
        with engine.connect() as conn:
            if code == "ceiling":
                count = conn.execute(text("SELECT count(*) FROM ceiling_rows")).scalar_one()
            else:
                count = conn.execute(
                    text(
                        "SELECT count(*) FROM responses r JOIN training_sessions s ON s.id = r.session_id "
                        "WHERE s.public_code = :code"
                    ),
                    {"code": code},
                ).scalar_one()
        engine.dispose()
        return count

    def stop(self) -> list[str]:
        """Stop it; the error lines of its log."""
        for process, stop in ((self.process, signal.SIGTERM), (self.worker, signal.SIGINT)):
            if process is None:
                continue
            process.send_signal(stop)
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
        self.log.close()
        drop_database(self.engine, self.name)
        lines = self.log_path.read_text().splitlines()
        errors = []
        for index, line in enumerate(lines):
            if "Traceback" in line:  # the exception's own line: the first one past the indented frames
                following = (later for later in lines[index + 1 :] if later and not later.startswith(" "))
                errors.append(next(following, line))
            elif "Error" in line and not line.startswith(" "):
                errors.append(line)
        return list(dict.fromkeys(errors))


# -- the plenary -----------------------------------------------------------------------------------------------------


def plenary(server: Server, minutes: float, think: tuple[float, float], people: int) -> Tally:
    """`people` phones from one address, every submit inside `minutes`."""
    tally = Tally()
    code = server.codes[0]
    window = minutes * 60
    start = time.perf_counter() + 0.5

    def phone(i: int) -> None:
        rng = random.Random(i)
        answering = rng.uniform(*think)
        arrival = rng.uniform(0, max(0.0, window - answering - 1))
        path = f"/s/{code}"
        try:
            time.sleep(max(0.0, start + arrival - time.perf_counter()))
            status, cookies, _, html, _ = call(server.port, "127.0.0.1", "GET", path)
            if status != 200:
                with tally.lock:
                    tally.forms_refused += 1  # nothing typed yet, but the phone is refused
                return
            mark = f"Réponse témoin n° {i}"
            data = filled_form(html, rng, mark)
            time.sleep(answering)
            status, page = post(server.port, "127.0.0.1", path, data)
            tally.add(status, page, mark)
            if status == 303:
                thanks, *_ = call(server.port, "127.0.0.1", "GET", f"{path}/merci")
                if thanks != 200:
                    tally.errors.append(f"thank-you page {thanks}")
        except Exception as exc:  # counted, never stops the run
            with tally.lock:
                tally.errors.append(repr(exc))

    threads = [threading.Thread(target=phone, args=(i,)) for i in range(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    tally.elapsed = time.perf_counter() - start
    tally.rows = server.rows(code)
    return tally


# -- the flood -------------------------------------------------------------------------------------------------------


# Over the complexity limit: four attack patterns in one timed loop, sharing its tallies.
def flood(server: Server, seconds: float) -> dict[str, Tally]:  # noqa: C901
    """A script from one address, four ways at once, for `seconds`."""
    code = server.codes[1]
    path = f"/s/{code}"
    port = server.port
    deadline = time.perf_counter() + seconds
    kinds = {name: Tally() for name in ("instant", "replayed body", "new tokens, patient", "trap filled")}
    rng = random.Random(13)

    def get_form() -> str | None:
        status, _, _, html, _ = call(port, "127.0.0.1", "GET", path)
        return html if status == 200 else None

    # The captured body: one genuine response, sent once after waiting like a person.
    captured_html = get_form()
    captured = filled_form(captured_html, rng, "Corps rejoué")
    time.sleep(3.5)
    post(port, "127.0.0.1", path, captured)

    def instant() -> None:
        tally = kinds["instant"]
        while time.perf_counter() < deadline:
            html = get_form()
            if html is None:
                tally.forms_refused += 1
                time.sleep(0.01)
                continue
            status, page = post(port, "127.0.0.1", path, filled_form(html, rng, "Script immédiat"))
            tally.add(status, page, "Script immédiat")

    def replayed() -> None:
        tally = kinds["replayed body"]
        while time.perf_counter() < deadline:
            status, page = post(port, "127.0.0.1", path, captured)
            tally.add(status, page, "Corps rejoué", spent=True)

    tokens: queue.Queue = queue.Queue()

    def harvest() -> None:
        """The patient script: takes every form it can, to send each once it is old enough to pass for a person."""
        while time.perf_counter() < deadline:
            html = get_form()
            if html is None:
                kinds["new tokens, patient"].forms_refused += 1
                time.sleep(0.01)
                continue
            tokens.put((time.perf_counter(), form_fields(html).hidden["token"]))

    def patient() -> None:
        tally = kinds["new tokens, patient"]
        while time.perf_counter() < deadline:
            try:
                taken, token = tokens.get(timeout=0.5)
            except queue.Empty:
                continue
            time.sleep(max(0.0, taken + 3.2 - time.perf_counter()))
            status, page = post(port, "127.0.0.1", path, {**captured, "token": token})
            tally.add(status, page, "Corps rejoué")

    def trap() -> None:
        """Fills every input it finds, the one people never see included, and waits like a person."""
        tally = kinds["trap filled"]
        while time.perf_counter() < deadline:
            html = get_form()
            if html is None:
                tally.forms_refused += 1
                time.sleep(0.01)
                continue
            data = filled_form(html, rng, "Script remplisseur")
            for name in re.findall(r'<input type="text" id="[^"]*" name="([^"]+)"', html):
                data[name] = "https://spam.example"
            time.sleep(3.5)
            status, page = post(port, "127.0.0.1", path, data)
            tally.add(status, page, "Script remplisseur")

    jobs = [instant] * 4 + [replayed] * 6 + [harvest] * 2 + [patient] * 6 + [trap] * 8
    threads = [threading.Thread(target=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rows = server.rows(code) - 1  # the captured body's own response
    kinds["rows"] = rows
    return kinds


# -- throughput ------------------------------------------------------------------------------------------------------


def throughput(server: Server, forms: int, rooms: int, concurrency: int, min_age: float) -> tuple[float, Tally]:
    """Submits per second: `forms` forms loaded from `rooms` addresses, then all sent, `concurrency` at a time."""
    code = server.codes[2]
    path = f"/s/{code}"
    rng = random.Random(7)
    tally = Tally()

    def load(i: int):
        source = f"127.0.2.{i % rooms + 1}"
        status, cookies, _, html, _ = call(server.port, source, "GET", path)
        if status != 200:
            raise RuntimeError(f"GET {status}")
        return source, cookies, filled_form(html, rng, f"Débit n° {i}"), f"Débit n° {i}"

    for warm_up in range(2 * WORKERS):  # each worker's first pages load its templates: not counted
        source, cookies, data, _ = load(10_000 + warm_up)
        time.sleep(min_age + 0.2)
        post(server.port, source, path, data)
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        loaded = list(pool.map(load, range(forms)))
    time.sleep(min_age + 0.2)  # every form is now older than the minimum answering time

    def send(item) -> None:
        source, cookies, data, mark = item
        headers = {**HEADERS_POST, "Origin": f"http://127.0.0.1:{server.port}"}
        if cookies:
            headers["Cookie"] = "; ".join(cookies)
        status, _, _, page, _ = call(
            server.port, source, "POST", path, body=urllib.parse.urlencode(data), headers=headers
        )
        tally.add(status, page, mark)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(send, loaded))
    elapsed = time.perf_counter() - start
    return forms / elapsed, tally


# -- the run ---------------------------------------------------------------------------------------------------------


def form_budget() -> int:
    """The blank forms one address may take for one session in the flood's minute: SURVEY_FORM_RATE_LIMIT's first
    window, per worker while the limiter's storage is per process (memory://)."""
    from limits import parse_many

    from config import Config

    first = parse_many(Config.SURVEY_FORM_RATE_LIMIT)[0].amount
    per_process = Config.RATELIMIT_STORAGE_URI.startswith("memory://")
    return first * (WORKERS if per_process else 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--minutes", type=float, default=2.0, help="the plenary's window (default: the real 2)")
    parser.add_argument("--think", type=float, nargs=2, default=(5.0, 60.0), metavar=("MIN_S", "MAX_S"))
    parser.add_argument("--flood-seconds", type=float, default=FLOOD_SECONDS)
    parser.add_argument("--throughput-runs", type=int, default=3, help="the submit throughput's runs (median)")
    parser.add_argument("--throughput-only", action="store_true", help="skip the plenary and the flood")
    parser.add_argument("--port", type=int, default=5131)
    args = parser.parse_args()
    from config import Config

    min_age = Config.SURVEY_MIN_ANSWER_SECONDS
    if args.think[0] < min_age + 0.5:
        parser.error(f"--think: people take more than the {min_age} s minimum; start at {min_age + 0.5:g} or more")
    threading.stack_size(512 * 1024)  # 500 phones, mostly asleep
    ok = True
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        print(
            f"== {args.engine}, gunicorn {WORKERS} workers (gunicorn.conf.py), default settings: "
            f"SURVEY_FORM_RATE_LIMIT={Config.SURVEY_FORM_RATE_LIMIT!r}, "
            f"SURVEY_SUBMIT_RATE_LIMIT={Config.SURVEY_SUBMIT_RATE_LIMIT!r}, SURVEY_MIN_ANSWER_SECONDS={min_age}, "
            f"limiter storage {Config.RATELIMIT_STORAGE_URI} =="
        )
        crowd, attack, log_errors = None, None, []
        if not args.throughput_only:
            server = Server("retours", args.engine, tmp, args.port, "limits")
            try:
                crowd = plenary(server, args.minutes, tuple(args.think), PLENARY)
                attack = flood(server, args.flood_seconds)
            finally:
                log_errors = server.stop()
        rates: dict[str, list] = {"retours": [], "ceiling": [], "analysis": []}
        for run in range(args.throughput_runs):
            for app in ("retours", "ceiling"):
                other = Server(app, args.engine, tmp, args.port + 1, f"rate_{app}_{run}")
                try:
                    rates[app].append(
                        throughput(other, THROUGHPUT_FORMS, THROUGHPUT_ROOMS, THROUGHPUT_CONCURRENCY, min_age)
                    )
                    if app == "retours":
                        rates["analysis"].append(other.analysed_after())
                finally:
                    log_errors += other.stop()
        ok = report(args, crowd, attack, rates, log_errors)
    print("\nall targets met" if ok else "\nsome targets MISSED")
    return 0 if ok else 1


def report(args, crowd: Tally | None, attack: dict | None, rates: dict, log_errors: list[str]) -> bool:
    checks = {} if crowd is None or attack is None else crowd_checks(args, crowd, attack)
    checks.update(throughput_checks(rates, log_errors))
    for name, passed in checks.items():
        print(f"  [{'ok' if passed else 'MISSED'}] {name}")
    return all(checks.values())


def crowd_checks(args, crowd: Tally, attack: dict) -> dict[str, bool]:
    print(
        f"\nplenary: {PLENARY} phones from one address within {args.minutes:g} min, "
        f"{args.think[0]:g}-{args.think[1]:g} s to answer (took {crowd.elapsed:.0f} s)"
    )
    print(
        f"  refused {crowd.refused_total + crowd.forms_refused} {dict(crowd.refused) or ''}  stored {crowd.rows}  "
        f"lost {crowd.lost}  errors {len(crowd.errors)}"
    )
    if crowd.errors:
        print("  first errors:", sorted(set(crowd.errors))[:3])
    rows = attack.pop("rows")
    submits = sum(t.submits for t in attack.values())
    per_minute = submits * 60 / args.flood_seconds
    print(f"\nflood: one script, one address, {args.flood_seconds:g} s: {submits} submits ({per_minute:.0f}/min)")
    for name, tally in attack.items():
        print(
            f"  {name:20} submits {tally.submits:6}  refused {tally.refused_total:6} {dict(tally.refused)}  "
            f"stored {tally.stored:5}  lost {tally.lost}  blank forms refused {tally.forms_refused}"
        )
    refused = sum(t.refused_total for t in attack.values())
    lost = sum(t.lost for t in attack.values())
    budget = form_budget()
    print(f"  total: refused {refused}  stored {rows}  lost {lost}   (forms the address may take: {budget})")
    instant_like = ("instant", "replayed body", "trap filled")
    return {
        f"plenary: 0 refused, 0 lost, {PLENARY} stored, 0 errors": (
            crowd.refused_total + crowd.forms_refused == crowd.lost == len(crowd.errors) == 0 and crowd.rows == PLENARY
        ),
        "flood: thousands of submits a minute were tried": per_minute >= 2000,
        "flood: instant, replayed and trap-filling submits all refused": all(
            attack[name].stored == 0 for name in instant_like
        ),
        "flood: a replayed body stores nothing more": rows == attack["new tokens, patient"].stored,
        f"flood: stored within the address's blank forms ({budget})": rows <= budget,
        "flood: 0 lost": lost == 0,
    }


def throughput_checks(rates: dict, log_errors: list[str]) -> dict[str, bool]:
    retours = statistics.median(rate for rate, _ in rates["retours"])
    ceiling = statistics.median(rate for rate, _ in rates["ceiling"])
    ratio = statistics.median(r / c for (r, _), (c, _) in zip(rates["retours"], rates["ceiling"], strict=True))
    stored = sum(t.stored for _, t in rates["retours"])
    refused_submits = sum(t.refused_total for _, t in rates["retours"])
    runs = len(rates["retours"])
    print(
        f"\nsubmit throughput, default settings, {THROUGHPUT_FORMS} forms from {THROUGHPUT_ROOMS} addresses, "
        f"{THROUGHPUT_CONCURRENCY} at a time, median of {runs} runs: Retours {retours:.1f}/s (stored {stored}, "
        f"refused {refused_submits}); ceiling app {ceiling:.1f}/s; ratio {ratio:.0%}"
    )
    comments = sum(c for c, _, _ in rates["analysis"])
    analysed = sum(a for _, a, _ in rates["analysis"])
    waited = statistics.median(w for _, _, w in rates["analysis"])
    print(
        f"  the queue worker's analysis of those submits' comments: {analysed} of {comments} analysed, "
        f"done {waited:.1f} s after the last submit was answered (median)"
    )
    if log_errors:
        print(f"  server log: {len(log_errors)} error lines, first: {log_errors[0][:300]}")
    return {
        f"throughput >= {THROUGHPUT_TARGET:.0%} of the ceiling app's": ratio >= THROUGHPUT_TARGET,
        "throughput: every submit stored": stored == THROUGHPUT_FORMS * runs,
        "throughput: every comment analysed by the queue": analysed == comments,
        "no error in the server logs": not log_errors,
    }


if __name__ == "__main__":
    sys.exit(main())

"""Close-time stress test: 30 sessions of 40 participants end at once, and one gunicorn worker dies meanwhile.

At 17:00 thirty sessions of the network end and 1,200 people take out their phones. Each simulated participant
scans the QR code (GET the form), reads and answers for a few seconds, sends (POST), follows the redirect to the
thank-you page, as survey_load.py's participants do (its cheap form parser is reused). Arrivals are spread over
`--minutes` (2 by default) and front-loaded as after a real closing: the density is highest at 0 and falls to
nothing at the end of the window (half of the room arrives in the first 30 % of it), so that the peak is twice
the mean rate. The server is gunicorn with the repo's gunicorn.conf.py and 4 workers, on SQLite then PostgreSQL.

Each session's phones come from their own loopback address (127.0.1.N): one room behind one NAT, as in life. So
the public form keeps its real per-address limits (SURVEY_SUBMIT_RATE_LIMIT, SURVEY_FORM_RATE_LIMIT and the
3-second SURVEY_MIN_ANSWER_SECONDS of config.py; a room sends 40 in `--minutes`, each phone thinking 3 s or more),
counted in Redis (RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379, as in production with several workers;
memory:// when no Redis answers, which counts per worker and so is looser). survey_load.py lifts the limit instead,
because all its phones share 127.0.0.1.

Halfway through, one worker is SIGKILLed, found among the master's children by the connection it holds: the
one serving the submit of the participant who arrived halfway, while only half of that submit's body has arrived
(a phone on a weak signal), so that the kill cuts a submit in flight in every run. That participant's connection
dies and they send the form again, as a phone does (same form, same token); any other participant whose request
dies with a worker may retry once too. Gunicorn starts a new worker. Then every participant who saw the thank-you
page must have exactly one stored response: checked by the form token's nonce, which is the response's UNIQUE
submission_token, and by counting per session.

    .venv/bin/python benchmarks/close_time_stress.py                          # both engines, 2 minutes each
    .venv/bin/python benchmarks/close_time_stress.py --engine sqlite --minutes 0.5 --sessions 8   # same rate, 1 min

Targets (issue 8): 0 errors, 0 lost (every thank-you has its row, no row twice, 40 per session), the cut submit
stored once, the killed worker replaced, p95 of the submit < 150 ms (the room target of survey_load.py; a shorter
window with as many phones raises the rate: --minutes 0.5 alone is four times the load), no error in the server's
log, and the access log of the public form free of the phones' addresses (feedback/accesslog.py). Exit status 1
when any is missed.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.scratch import database_url, drop_database  # noqa: E402
from benchmarks.survey_load import BIN, answers_for, wait_healthy  # noqa: E402

SECRET_KEY = "close-time-stress-secret-key-" + "x" * 20
SUBMIT_P95_TARGET_MS = 150
#: What a phone does when the connection dies under it: the page says so and the person taps again.
CUT = (ConnectionError, http.client.BadStatusLine, http.client.IncompleteRead)

PREPARE = """
import sys
from datetime import date, timedelta
from feedback import create_app
from feedback.db import db, utcnow
from feedback.catalogue import operations
from feedback.models import Axis, Modality
modalities = [Modality.TRAINING, Modality.CONFERENCE, Modality.PEER_NETWORK, Modality.SEMINAR, Modality.MEETING]
app = create_app()
with app.app_context():
    codes = []
    for i in range(int(sys.argv[1]) + 1):  # the last one is for the warm-up
        training = operations.create_training(
            title=f"Session de 17 h n° {i + 1}", axis=list(Axis)[i % 6], modality=modalities[i % len(modalities)]
        )
        session = operations.create_session(training, start_date=date.today(), participants_present=40)
        operations.open_session(session, now=utcnow() - timedelta(hours=3))
        codes.append(session.public_code)
    db.session.commit()
    print(" ".join(codes))
"""


@dataclass
class Participant:
    room: int
    code: str
    seed: int
    arrival: float
    think: float
    nonce: str | None = None
    get_ms: float | None = None
    post_ms: float | None = None
    thanks_ms: float | None = None
    saw_thanks: bool = False
    #: The participant whose submit the worker's death cuts (the one arriving halfway).
    is_cut: bool = False
    #: The step whose connection died and was tried again (at most one per participant).
    retried: str | None = None
    error: str | None = None


@dataclass
class Run:
    engine: str
    participants: list[Participant]
    kill: Kill
    wall_s: float = 0.0
    stored_tokens: list[str] = field(default_factory=list)
    stored_per_room: dict[int, int] = field(default_factory=dict)
    public_log_lines: int = 0
    log_lines_with_address: int = 0
    server_errors: list[str] = field(default_factory=list)


class Kill:
    """SIGKILL the worker serving one chosen participant's submit while half of its body has arrived (a phone on a
    weak signal), so that the kill always cuts a submit in flight. That worker is found among the master's children
    by the connection it holds: the server-side socket whose peer is the participant's port."""

    def __init__(self, master: int, port: int, start: float) -> None:
        self.master, self.port, self.start = master, port, start
        self.pid = 0
        self.at_s = 0.0
        self.caught = "nothing: no kill"
        self.workers_after = 0

    def connection_of(self, client: tuple[str, int]) -> str | None:
        """The inode of the server side of the client's connection, once accepted (/proc/net/tcp, IPv4)."""
        peer = f"{socket.inet_aton(client[0])[::-1].hex().upper()}:{client[1]:04X}"
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            columns = line.split()
            local, remote, state, inode = columns[1], columns[2], columns[3], columns[9]
            if state == "01" and local.endswith(f":{self.port:04X}") and remote == peer:
                return inode
        return None

    def worker_holding(self, inode: str) -> int | None:
        for pid in workers_of(self.master):
            try:
                if any(
                    os.readlink(f"/proc/{pid}/fd/{fd}") == f"socket:[{inode}]" for fd in os.listdir(f"/proc/{pid}/fd")
                ):
                    return pid
            except FileNotFoundError:
                continue  # a file descriptor (or the worker) went away meanwhile
        return None

    def strike(self, client: tuple[str, int]) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # the connection may wait in the backlog until a worker is free
            inode = self.connection_of(client)
            pid = self.worker_holding(inode) if inode else None
            if pid:
                self.pid, self.caught = pid, "a submit (half of its body received)"
                break
            time.sleep(0.005)
        else:
            self.pid, self.caught = workers_of(self.master)[0], "a request? (the submit's worker was not found)"
        os.kill(self.pid, signal.SIGKILL)
        self.at_s = time.perf_counter() - self.start
        time.sleep(0.05)  # the kernel closes the dead worker's sockets


def room_address(room: int) -> str:
    return f"127.0.1.{room + 1}"


def call(port: int, source: str, method: str, path: str, body: str | None = None, headers=None, halfway=None):
    """One request on its own connection from `source`: (status, Set-Cookie values, Location, body, ms).

    `halfway((client address, port))` is called once half of the body has been sent."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=(source, 0))
    try:
        start = time.perf_counter()
        if halfway is None:
            conn.request(method, path, body=body, headers=headers or {})
        else:
            data = (body or "").encode()
            conn.putrequest(method, path)
            for name, value in {**(headers or {}), "Content-Length": str(len(data))}.items():
                conn.putheader(name, value)
            conn.endheaders(data[: len(data) // 2])
            halfway(conn.sock.getsockname())
            conn.send(data[len(data) // 2 :])
        response = conn.getresponse()
        content = response.read().decode()
        elapsed = (time.perf_counter() - start) * 1000
        cookies = [c.split(";", 1)[0] for c in response.msg.get_all("Set-Cookie") or []]
        return response.status, cookies, response.getheader("Location"), content, elapsed
    finally:
        conn.close()


def nonce_of(token: str) -> str:
    """The nonce the response will be stored under (the form's token is signed, not encrypted)."""
    from itsdangerous import URLSafeTimedSerializer

    from feedback.form_tokens import SALT

    return URLSafeTimedSerializer(SECRET_KEY, salt=SALT).loads(token)["n"]


def answer(p: Participant, port: int, start: float, kill: Kill | None = None) -> None:
    """GET the form, think, POST, follow the redirect; a connection that dies is tried again once."""
    rng = random.Random(p.seed)
    source = room_address(p.room)

    def step(name: str, *args, **kwargs):
        try:
            return call(port, source, *args, **kwargs)
        except CUT as exc:
            if p.retried:
                raise
            p.retried = f"{name} ({type(exc).__name__})"
            kwargs.pop("halfway", None)  # the phone sends the same form again, at full speed
            return call(port, source, *args, **kwargs)

    try:
        time.sleep(max(0.0, start + p.arrival - time.perf_counter()))
        path = f"/s/{p.code}"
        status, cookies, _, html, p.get_ms = step("form", "GET", path)
        if status != 200:
            raise RuntimeError(f"GET form {status}")
        data = answers_for(html, rng)
        p.nonce = nonce_of(data["token"])
        time.sleep(p.think)
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Origin": f"http://127.0.0.1:{port}"}
        if cookies:
            headers["Cookie"] = "; ".join(cookies)
        body = urllib.parse.urlencode(data)
        halfway = kill.strike if kill is not None and p.is_cut else None
        status, sent_cookies, location, _, p.post_ms = step(
            "submit", "POST", path, body=body, headers=headers, halfway=halfway
        )
        if status != 303:
            raise RuntimeError(f"POST {status}")
        location = urllib.parse.urlsplit(location).path
        cookie = "; ".join(cookies + sent_cookies)
        status, _, _, page, p.thanks_ms = step("thanks", "GET", location, headers={"Cookie": cookie} if cookie else {})
        if status != 200 or not location.endswith("/merci"):
            raise RuntimeError(f"thank-you page {status} at {location}")
        p.saw_thanks = True
    except Exception as exc:  # counted, never stops the run
        p.error = repr(exc)


def workers_of(master: int) -> list[int]:
    return [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]


def plan(codes: list[str], per_room: int, minutes: float, think: tuple[float, float]) -> list[Participant]:
    rng = random.Random(1200)
    window = minutes * 60
    people = [
        Participant(
            room=room,
            code=code,
            seed=room * 1000 + i,
            # Triangular with its mode at 0: most phones come out when the session ends, fewer and fewer later.
            arrival=rng.triangular(0, window, 0),
            think=rng.uniform(*think),
        )
        for room, code in enumerate(codes)
        for i in range(per_room)
    ]
    min(people, key=lambda p: abs(p.arrival - window / 2)).is_cut = True
    return sorted(people, key=lambda p: p.arrival)


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def stored(url: str, codes: list[str]) -> tuple[list[str], dict[str, int]]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT r.submission_token, s.public_code FROM responses r "
                "JOIN training_sessions s ON s.id = r.session_id"
            )
        ).all()
    engine.dispose()
    tokens = [token for token, code in rows if code in codes]
    per_code: dict[str, int] = {}
    for _, code in rows:
        per_code[code] = per_code.get(code, 0) + 1
    return tokens, per_code


def run_engine(engine: str, args, tmp: Path) -> Run:
    url = database_url(engine, tmp, args.pg_database)
    limiter_storage = "redis://127.0.0.1:6379" if redis_answers() else "memory://"
    env = {
        **os.environ,
        "RETOURS_ENV": "production",
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET_KEY,
        "RETOURS_INSTANCE_DIR": str(tmp / f"instance-{engine}"),
        "RATELIMIT_STORAGE_URI": limiter_storage,
        "RATELIMIT_KEY_PREFIX": f"retours-stress-{uuid.uuid4().hex}",
        "PYTHONPATH": str(ROOT),
    }
    for name in (
        "SURVEY_SUBMIT_RATE_LIMIT",
        "SURVEY_FORM_RATE_LIMIT",
        "SURVEY_MIN_ANSWER_SECONDS",
        "WEB_CONCURRENCY",
        "GUNICORN_BIND",
        "GUNICORN_CMD_ARGS",
    ):
        env.pop(name, None)  # the production limit and our own flags, whatever the caller's shell says
    subprocess.run(
        [BIN / "flask", "--app", "feedback", "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True
    )
    prepared = subprocess.run(
        [BIN / "python", "-c", PREPARE, str(args.sessions)],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    *codes, warm_up_code = prepared.stdout.splitlines()[-1].split()
    access_log, error_log = tmp / f"access-{engine}.log", tmp / f"error-{engine}.log"
    print(
        f"\n== {engine}: {args.sessions} sessions x {args.per_session} participants over {args.minutes:g} min, "
        f"gunicorn.conf.py with {args.workers} workers, rate limit in {limiter_storage} =="
    )
    try:
        with error_log.open("w") as errors:
            server = subprocess.Popen(
                [BIN / "gunicorn", "-c", "gunicorn.conf.py", "--workers", str(args.workers)]
                + ["--bind", f"127.0.0.1:{args.port}", "--access-logfile", str(access_log)],
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=errors,
            )
        try:
            result = drive(server, codes, warm_up_code, args)
            result.engine = engine
            tokens, per_code = stored(url, codes)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
        result.stored_tokens = tokens
        result.stored_per_room = {room: per_code.get(code, 0) for room, code in enumerate(codes)}
        public = [line for line in access_log.read_text().splitlines() if " /s/" in line]
        result.public_log_lines = len(public)
        result.log_lines_with_address = sum("127.0.1." in line for line in public)
        # The master reports the kill itself ("was sent SIGKILL"): that line is expected.
        result.server_errors = [
            line
            for line in error_log.read_text().splitlines()
            if ("Traceback" in line or "Error" in line or "ERROR" in line) and "was sent SIGKILL" not in line
        ]
        return result
    finally:
        drop_database(engine, args.pg_database)


def drive(server: subprocess.Popen, codes: list[str], warm_up_code: str, args) -> Run:
    """Warm the workers up, let the phones arrive, a worker dies halfway; wait for its replacement."""
    wait_healthy(args.port, server)
    # Each worker's first request loads its templates: a warm-up session, from its own address, not counted.
    for i in range(3 * args.workers):
        answer(Participant(room=200, code=warm_up_code, seed=-i, arrival=0, think=0), args.port, 0)
    people = plan(codes, args.per_session, args.minutes, tuple(args.think))
    start = time.perf_counter() + 0.5
    kill = Kill(server.pid, args.port, start)
    threads = [threading.Thread(target=answer, args=(p, args.port, start, kill)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall_s = time.perf_counter() - start
    deadline = time.monotonic() + 30
    while len(workers_of(server.pid)) < args.workers and time.monotonic() < deadline:
        time.sleep(0.2)
    kill.workers_after = len(workers_of(server.pid))
    return Run("", people, kill, wall_s=wall_s)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def report(run: Run, args) -> bool:
    people = run.participants
    errors = [p for p in people if p.error]
    thanked = [p for p in people if p.saw_thanks]
    stored_tokens = set(run.stored_tokens)
    lost = [p for p in thanked if p.nonce not in stored_tokens]
    expected = {p.nonce for p in people if p.nonce}
    strangers = stored_tokens - expected
    doubled = len(run.stored_tokens) - len(stored_tokens)
    retried = [p for p in people if p.retried]
    full_rooms = sum(count == args.per_session for count in run.stored_per_room.values())
    posts = [p.post_ms for p in people if p.post_ms is not None]
    gets = [p.get_ms for p in people if p.get_ms is not None]
    thanks = [p.thanks_ms for p in people if p.thanks_ms is not None]
    submit95 = percentile(posts, 0.95)
    arrivals = [p.arrival for p in people]
    first_third = sum(a < args.minutes * 20 for a in arrivals)
    print(
        f"participants {len(people)}; saw the thank-you page {len(thanked)}; errors {len(errors)}; "
        f"wall {run.wall_s:.0f} s; {first_third} arrived in the first third of the window"
    )
    if errors:
        print("  first errors:", sorted({p.error for p in errors})[:5])
    print(
        f"stored {len(run.stored_tokens)} responses: lost {len(lost)}, stored twice {doubled}, not from a participant "
        f"{len(strangers)}; sessions with exactly {args.per_session}: {full_rooms}/{len(run.stored_per_room)}"
    )
    print(
        f"worker {run.kill.pid} SIGKILLed at {run.kill.at_s:.1f} s while serving {run.kill.caught}; "
        f"workers afterwards: {run.kill.workers_after}"
    )
    print(
        f"  connections cut and retried once: {len(retried)} "
        + (", ".join(f"{p.retried} -> {'stored once' if p.nonce in stored_tokens else 'NOT stored'}" for p in retried))
    )
    print(
        f"submit (POST)      p50 {percentile(posts, 0.5):6.1f} ms  p95 {submit95:6.1f} ms  p99 "
        f"{percentile(posts, 0.99):6.1f} ms  max {max(posts, default=float('nan')):6.1f} ms"
    )
    print(
        f"form (GET)         p50 {percentile(gets, 0.5):6.1f} ms  p95 {percentile(gets, 0.95):6.1f} ms  "
        f"max {max(gets, default=float('nan')):6.1f} ms"
    )
    print(f"thank-you (GET)    p50 {percentile(thanks, 0.5):6.1f} ms  p95 {percentile(thanks, 0.95):6.1f} ms")
    print(
        f"access log: {run.public_log_lines} lines of the public form, {run.log_lines_with_address} with a phone's "
        f"address; server log: {len(run.server_errors)} error lines"
        + (f", first: {run.server_errors[0][:200]}" if run.server_errors else "")
    )
    checks = {
        "0 errors": not errors,
        "0 lost: every thank-you page has its stored response": not lost and len(thanked) == len(people),
        "each response stored once, and only theirs": doubled == 0 and not strangers,
        f"every session has its {args.per_session} responses": full_rooms == len(run.stored_per_room),
        "a submit cut by the kill, sent again, stored once": any(
            p.is_cut and p.retried and p.saw_thanks and p.nonce in stored_tokens for p in people
        )
        and run.kill.caught.startswith("a submit"),
        "the killed worker was replaced": bool(run.kill.pid) and run.kill.workers_after == args.workers,
        f"submit p95 < {SUBMIT_P95_TARGET_MS} ms": submit95 < SUBMIT_P95_TARGET_MS,
        "no error in the server's log": not run.server_errors,
        "no phone's address in the access log": run.public_log_lines > 0 and run.log_lines_with_address == 0,
    }
    for name, passed in checks.items():
        print(f"  [{'ok' if passed else 'MISSED'}] {name}")
    return all(checks.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--minutes", type=float, default=2.0, help="the window over which the phones arrive")
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--per-session", type=int, default=40)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--think", type=float, nargs=2, default=(3.0, 15.0), metavar=("MIN_S", "MAX_S"), help="time to answer"
    )
    parser.add_argument("--port", type=int, default=5093)
    parser.add_argument(
        "--pg-database", default=os.environ.get("STRESS_PG_DATABASE", "retours_bench_close_time"), help="dropped after"
    )
    args = parser.parse_args()
    if args.per_session / args.minutes > 100:
        parser.error("a room would send more than 100 answers a minute from one address: raise --minutes")
    engines = ["sqlite", "postgres"] if args.engine == "both" else [args.engine]
    threading.stack_size(512 * 1024)  # 1,200 phones, mostly asleep
    ok = True
    with tempfile.TemporaryDirectory() as tmpdir:
        for engine in engines:
            ok &= report(run_engine(engine, args, Path(tmpdir)), args)
    print("\nall targets met" if ok else "\nsome targets MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

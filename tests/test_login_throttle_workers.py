"""Failed logins and rate limits are counted once for the whole server, whichever gunicorn worker answers.

The default storage (no RATELIMIT_STORAGE_URI) is a SQLite file in instance/ that every worker shares; production
refuses per-worker counters (memory://) with more than one worker.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pytest
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from feedback.models import Role
from feedback.ratelimit_storage import SQLiteStorage
from tests.conftest import PASSWORD, free_port
from tests.test_gunicorn import gunicorn_env

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CONFIG = ROOT / "gunicorn.conf.py"
LOCKED = "Trop de tentatives de connexion"


# -- the storage itself ------------------------------------------------------------------------------------------


def test_the_sqlite_uri_gives_the_shared_storage_and_counts_a_fixed_window(tmp_path):
    storage = storage_from_string(f"sqlite:///{tmp_path / 'limits.sqlite'}")
    assert isinstance(storage, SQLiteStorage) and storage.check()
    limiter = FixedWindowRateLimiter(storage)
    three = parse("3 per minute")
    assert [limiter.hit(three, "login", "a") for _ in range(4)] == [True, True, True, False]
    assert limiter.hit(three, "login", "b")  # another key counts on its own
    assert limiter.get_window_stats(three, "login", "a").reset_time > time.time() + 50
    limiter.clear(three, "login", "a")
    assert limiter.test(three, "login", "a")
    assert storage.reset() == 1 and limiter.test(three, "login", "b")


def test_a_window_that_has_expired_starts_again_from_zero(tmp_path):
    storage = SQLiteStorage(f"sqlite:///{tmp_path / 'limits.sqlite'}")
    assert storage.incr("key", 1) == 1 and storage.incr("key", 1) == 2
    time.sleep(1.1)
    assert storage.get("key") == 0
    assert storage.incr("key", 60) == 1  # a new window, with its own expiry
    assert storage.get_expiry("key") > time.time() + 50


def test_processes_increment_the_same_counter_without_losing_a_hit(tmp_path):
    """Four processes (as gunicorn's workers), 250 increments each at the same time: 1,000, not 250."""
    uri = f"sqlite:///{tmp_path / 'limits.sqlite'}"
    SQLiteStorage(uri).incr("warm-up", 60)  # the file and its table exist before the race
    hammer = (
        "import sys\nfrom feedback.ratelimit_storage import SQLiteStorage\n"
        "storage = SQLiteStorage(sys.argv[1])\nfor _ in range(250):\n    storage.incr('shared', 60)\n"
    )
    processes = [
        subprocess.Popen([sys.executable, "-c", hammer, uri], cwd=ROOT, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    for process in processes:
        _, errors = process.communicate(timeout=120)
        assert process.returncode == 0, errors
    assert SQLiteStorage(uri).get("shared") == 1000


def test_a_database_in_memory_is_refused_it_would_count_per_process():
    with pytest.raises(ValueError, match="per process"):
        SQLiteStorage("sqlite:///:memory:")


# -- a real gunicorn with two workers ----------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                children.append(int(entry.name))
    return sorted(children)


class Browser:
    """One person's browser: its cookies, and a new connection for every request (any worker may take it)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        content = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.partition(";")[0]
        conn.close()
        return response.status, response.getheader("Location") or "", content

    def log_in(self, email: str, password: str) -> tuple[int, str, str]:
        status, _, page = self.request("GET", "/login")
        assert status == 200
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        return self.request("POST", "/login", {"csrf_token": token, "email": email, "password": password})


@contextmanager
def _two_workers(tmp_path: Path, database_url: str, **settings: str):
    """Gunicorn as `make run` starts it (gunicorn.conf.py, 2 workers, default storage); yields (port, worker pids)."""
    port = free_port()
    access_log = tmp_path / "access.log"
    server = subprocess.Popen(
        [BIN / "gunicorn", "-c", str(CONFIG), "--workers", "2", "--bind", f"127.0.0.1:{port}"]
        + ["--access-logfile", str(access_log), "--access-logformat", "%(p)s %(m)s %(U)s %(s)s"],
        env=gunicorn_env(tmp_path, database_url, **settings),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120  # the master loads the language pipeline first
        while len(_children(server.pid)) < 2 or not _answers(port):
            assert server.poll() is None, "gunicorn stopped"
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.1)
        yield port, _children(server.pid)
    finally:
        for pid in _children(server.pid):
            os.kill(pid, signal.SIGCONT)
        server.terminate()
        server.wait(timeout=30)


def _answers(port: int) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/health")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


@contextmanager
def _only(worker: int, workers: list[int]):
    """Every request goes to `worker`: the other one is stopped (SIGSTOP) and cannot accept a connection."""
    others = [pid for pid in workers if pid != worker]
    for pid in others:
        os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for pid in others:
            os.kill(pid, signal.SIGCONT)


def _pids_that_answered(tmp_path: Path, path: str, count: int) -> list[int]:
    """The worker of each POST to `path`, once `count` are in the access log (a worker logs after answering)."""
    deadline = time.monotonic() + 10
    while True:
        lines = (tmp_path / "access.log").read_text().splitlines()
        pids = [int(line.split()[0].strip("<>")) for line in lines if f"POST {path} " in line]
        if len(pids) >= count or time.monotonic() > deadline:
            return pids
        time.sleep(0.1)


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


STORAGES = {
    "default-sqlite-file": {},
    "redis": {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/5"},
}


@pytest.mark.parametrize("storage", list(STORAGES))
def test_six_failures_split_between_two_workers_lock_the_account_for_both(tmp_path, database_url, make_user, storage):
    """Three wrong passwords on each worker: the right one is then refused, by either worker."""
    if storage == "redis" and not _redis_answers() and not os.environ.get("REQUIRE_REDIS"):
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    settings = {**STORAGES[storage], "RATELIMIT_KEY_PREFIX": f"retours-test-{uuid.uuid4().hex}"}
    user = make_user(Role.MANAGER, email="camille@example.org")
    with _two_workers(tmp_path, database_url, **settings) as (port, workers):
        first, second = workers
        browser = Browser(port)
        for worker in (first, second):
            with _only(worker, workers):
                for _ in range(3):
                    status, _, _ = browser.log_in(user.email, "not-the-password")
                    assert status in (200, 429)

        for worker in (first, second):
            with _only(worker, workers):
                status, location, page = browser.log_in(user.email, PASSWORD)
                assert status == 429 and LOCKED in page, (status, location)
                assert browser.request("GET", "/manage/trainings")[1].endswith("/login?next=%2Fmanage%2Ftrainings")
        # Each worker answered three failures and one right password.
        assert Counter(_pids_that_answered(tmp_path, "/login", 8)) == {first: 4, second: 4}

        # Another account is not locked: the count is per account, on every worker alike.
        other = make_user(Role.MANAGER, email="dominique@example.org")
        status, location, _ = Browser(port).log_in(other.email, PASSWORD)
        assert status == 302 and "/login" not in location


def test_production_refuses_per_worker_counters_with_two_workers(tmp_path, database_url):
    env = gunicorn_env(tmp_path, database_url, RETOURS_ENV="production", RATELIMIT_STORAGE_URI="memory://")
    started = subprocess.run(
        [BIN / "gunicorn", "-c", str(CONFIG), "--workers", "2", "--bind", f"127.0.0.1:{free_port()}"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode != 0
    assert "RATELIMIT_STORAGE_URI=memory:// counts in each worker" in started.stderr


def test_production_refuses_per_worker_counters_when_web_concurrency_asks_for_several(tmp_path, database_url):
    """Gunicorn started without gunicorn.conf.py reads WEB_CONCURRENCY: the app factory refuses then."""
    env = gunicorn_env(
        tmp_path, database_url, RETOURS_ENV="production", RATELIMIT_STORAGE_URI="memory://", WEB_CONCURRENCY="3"
    )
    started = subprocess.run(
        [sys.executable, "-c", "from feedback import create_app; create_app()"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode != 0 and "with 3 workers" in started.stderr


def test_a_cookie_copied_before_logout_opens_nothing_on_either_worker(tmp_path, database_url, make_user):
    """Logout on one worker ends the login for the whole server: the copy gets the login page from both."""
    user = make_user(Role.MANAGER)
    with _two_workers(tmp_path, database_url) as (port, workers):
        first, second = workers
        browser = Browser(port)
        with _only(first, workers):
            assert browser.log_in(user.email, PASSWORD)[0] == 302
            status, _, page = browser.request("GET", "/manage/trainings")
            assert status == 200
        copy = Browser(port)
        copy.cookies = dict(browser.cookies)
        with _only(second, workers):
            assert copy.request("GET", "/manage/trainings")[0] == 200  # the copy works while the login lasts
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
            assert browser.request("POST", "/logout", {"csrf_token": token})[0] == 302
        for worker in workers:
            with _only(worker, workers):
                status, location, _ = copy.request("GET", "/manage/trainings")
                assert status == 302 and "/login" in location

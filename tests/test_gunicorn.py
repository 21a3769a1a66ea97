"""Gunicorn as deployed (gunicorn.conf.py): the configuration loads the app, and the access log of the public
form records neither the participant's address nor the tokens of personal links, while staff pages keep theirs."""

from __future__ import annotations

import http.client
import os
import re
import runpy
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from tests.conftest import form_token, free_port

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CONFIG = ROOT / "gunicorn.conf.py"
#: The phone's address: another loopback address than the server's, so that it cannot hide in a Referer's host.
PHONE = "127.0.0.2"
FORWARDED = "203.0.113.7"
#: Gunicorn's default format, then the atoms a custom format could add: they must not bring the address back.
LOG_FORMAT = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"'
    " xff=%({x-forwarded-for}i)s env=%({remote_addr}e)s location=%({location}o)s query=%(q)s path=%(U)s"
)


def gunicorn_env(tmp_path: Path, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a real gunicorn in a test: its own instance folder, and none of the caller's server
    settings unless given (the machine's RATELIMIT_STORAGE_URI, WEB_CONCURRENCY... would change what is tested)."""
    env = {
        **os.environ,
        "RETOURS_ENV": "development",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "gunicorn-test-secret-key-" + "x" * 20,
        "RETOURS_INSTANCE_DIR": str(tmp_path / "instance"),
        **extra,
    }
    for name in (
        "RATELIMIT_STORAGE_URI",
        "WEB_CONCURRENCY",
        "GUNICORN_BIND",
        "GUNICORN_ACCESS_LOG",
        "GUNICORN_CMD_ARGS",
    ):
        if name not in extra:
            env.pop(name, None)
    return env


def _gunicorn(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [BIN / "gunicorn", "-c", str(CONFIG), *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def _setting(printed: str, name: str) -> str:
    match = re.search(rf"^{name}\s+= (.*)$", printed, re.MULTILINE)
    assert match, printed
    return match.group(1)


def test_the_configuration_loads_the_app(tmp_path, database_url):
    checked = _gunicorn("--check-config", env=gunicorn_env(tmp_path, database_url))
    assert checked.returncode == 0, checked.stderr

    printed = _gunicorn("--print-config", env=gunicorn_env(tmp_path, database_url, WEB_CONCURRENCY="5")).stdout
    assert _setting(printed, "workers") == "5"
    assert _setting(printed, "wsgi_app") == "feedback:create_app()"
    assert _setting(printed, "logger_class") == "feedback.accesslog.PrivateAccessLogger"


def test_defaults_two_workers_and_a_heartbeat_in_memory(monkeypatch):
    for name in ("WEB_CONCURRENCY", "GUNICORN_BIND", "GUNICORN_TIMEOUT", "GUNICORN_GRACEFUL_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    settings = runpy.run_path(str(CONFIG))
    assert settings["workers"] == 2
    assert settings["bind"] == "127.0.0.1:5000"
    memory = "/dev/shm"  # noqa: S108 (what the configuration must pick, not a file we write)
    assert settings["worker_tmp_dir"] == (memory if Path(memory).is_dir() else None)
    assert settings["graceful_timeout"] > 0 and settings["timeout"] >= 30


def test_check_config_fails_when_the_app_cannot_start(tmp_path, database_url):
    """--check-config really builds the app: production without a secret key is refused before serving."""
    env = gunicorn_env(tmp_path, database_url, RETOURS_ENV="production")
    env.pop("SECRET_KEY")
    checked = _gunicorn("--check-config", env=env)
    assert checked.returncode != 0
    assert "SECRET_KEY" in checked.stdout + checked.stderr


class Phone:
    """Requests from one address, each on its own connection, as a phone on the room's Wi-Fi."""

    def __init__(self, port: int) -> None:
        self.port = port

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10, source_address=(PHONE, 0))
        all_headers = {"X-Forwarded-For": FORWARDED, "User-Agent": "Phone/1.0", **(headers or {})}
        if body is not None:
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=all_headers)
        response = conn.getresponse()
        content = response.read().decode()
        conn.close()
        return response, content


def _serve(
    tmp_path: Path, database_url: str, access_log: Path, error_log, **settings: str
) -> tuple[subprocess.Popen, int]:
    port = free_port()
    server = subprocess.Popen(
        [
            BIN / "gunicorn",
            "-c",
            str(CONFIG),
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            LOG_FORMAT,
        ],
        # The phones of these tests post each form at once: no minimum answering time (tests/survey/test_crowd.py).
        env=gunicorn_env(tmp_path, database_url, SURVEY_MIN_ANSWER_SECONDS="0", **settings),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=error_log,
    )
    deadline = time.monotonic() + 120
    while True:
        assert server.poll() is None, (tmp_path / "error.log").read_text()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        try:
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                return server, port
        except OSError:
            pass
        finally:
            conn.close()
        assert time.monotonic() < deadline, "gunicorn did not start"
        time.sleep(0.1)


def test_access_log_of_the_public_form_keeps_no_address_and_no_token(tmp_path, database_url, make_session):
    session = make_session()
    code = session.public_code
    invitation, encoded, followup, reset, welcome = (secrets.token_urlsafe(24) for _ in range(5))
    access_log = tmp_path / "access.log"
    with (tmp_path / "error.log").open("w") as error_log:
        server, port = _serve(tmp_path, database_url, access_log, error_log)
    try:
        phone = Phone(port)
        form, html = phone.request("GET", f"/s/{code}?i={invitation}&lang=en")
        assert form.status == 200
        body = f"token={form_token(html)}&q-overall=4&invitation={invitation}"
        sent, _ = phone.request("POST", f"/s/{code}", body=body, headers={"Origin": f"http://127.0.0.1:{port}"})
        assert sent.status == 303
        assert phone.request("GET", f"/s/{code}?%69={encoded}")[0].status == 200  # ?i= spelled %69: still a token
        thanks, _ = phone.request("GET", f"/s/{code}/merci")
        assert thanks.status == 200
        referer = f"http://127.0.0.1:{port}/s/suivi/{followup}"
        assert phone.request("GET", f"/s/suivi/{followup}")[0].status == 404  # no such follow-up: still logged
        assert phone.request("GET", "/static/app.css", headers={"Referer": referer})[0].status == 200
        assert phone.request("GET", "/login")[0].status == 200
        # The account links sent by e-mail: staff lines, but their tokens would let a log reader use them first.
        phone.request("GET", f"/account/reset/{reset}")
        phone.request("GET", f"/account/invitation/{welcome}")
        phone.request(
            "GET", "/static/survey.css", headers={"Referer": f"http://127.0.0.1:{port}/account/reset/{reset}"}
        )
    finally:
        server.terminate()
        server.wait(timeout=30)

    lines = access_log.read_text().splitlines()
    by_target = {re.search(r'"(?:GET|POST) (\S+) HTTP', line).group(1): line for line in lines if "HTTP/1.1" in line}
    public = [line for line in lines if "/s/" in line]
    assert reset not in access_log.read_text() and welcome not in access_log.read_text()
    account = [line for line in lines if "/account/" in line]
    assert len(account) == 3 and all(line.startswith(f"{PHONE} - - [") for line in account)
    assert '"GET /account/reset/[redacted] HTTP/1.1"' in access_log.read_text()
    assert len(public) == 6, lines
    for line in public:
        assert line.startswith("- - - ["), line
        assert PHONE not in line and FORWARDED not in line
        assert invitation not in line and encoded not in line and followup not in line
        assert "xff=- env=- location=-" in line
        assert "Phone/1.0" in line  # the rest of the line is still there
    assert by_target[f"/s/{code}?i=[redacted]&lang=en"].endswith(f"query=i=[redacted]&lang=en path=/s/{code}")
    assert f'"POST /s/{code} HTTP/1.1" 303 ' in by_target[f"/s/{code}"]
    assert '"GET /s/suivi/[redacted] HTTP/1.1" 404 ' in by_target["/s/suivi/[redacted]"]
    assert f'"http://127.0.0.1:{port}/s/suivi/[redacted]"' in by_target["/static/app.css"]
    # A staff page keeps the usual line: the address is there, and so would be any header asked for.
    assert by_target["/login"].startswith(f"{PHONE} - - [")
    assert f"xff={FORWARDED} env={PHONE}" in by_target["/login"]


def test_a_comment_sent_to_gunicorn_is_analysed_by_the_queue_worker_once_its_page_has_gone(
    tmp_path, database_url, make_session, make_speaker
):
    """Gunicorn never loads the language pipeline: the submit answers, then `flask queue-worker` (a process of its
    own, as in production) analyses the comment: the stored analysis masks the name and reads the tone."""
    from sqlalchemy import select

    from feedback.db import db
    from feedback.models import Answer, CommentAnalysis
    from tests.queue_helpers import start_worker_process

    session = make_session(speakers=[make_speaker("Sandrine Leroy")])
    code = session.public_code
    queue_url = f"sqlite:///{tmp_path / 'queue.sqlite'}"
    worker = start_worker_process(database_url, queue_url)
    with (tmp_path / "error.log").open("w") as error_log:
        server, port = _serve(tmp_path, database_url, tmp_path / "access.log", error_log, QUEUE_URL=queue_url)
    try:
        phone = Phone(port)
        _form, html = phone.request("GET", f"/s/{code}")
        comment = "Merci à Sandrine Leroy, très clair mais la salle était bien trop petite."
        body = urlencode({"token": form_token(html), "q-overall": "3", "q-liked": comment})
        sent, _ = phone.request("POST", f"/s/{code}", body=body, headers={"Origin": f"http://127.0.0.1:{port}"})
        assert sent.status == 303
        deadline = time.monotonic() + 60  # the worker may still be loading the pipeline
        while (analysis := db.session.scalar(select(CommentAnalysis))) is None:
            assert time.monotonic() < deadline, (tmp_path / "error.log").read_text()
            db.session.rollback()
            time.sleep(0.1)
        # Neither gunicorn's master nor its worker has loaded spaCy's compiled modules: the consumer has.
        web = [server.pid, *Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()]
        assert not any("/spacy/" in Path(f"/proc/{pid}/maps").read_text() for pid in web)
        assert "/spacy/" in Path(f"/proc/{worker.pid}/maps").read_text()
    finally:
        server.terminate()
        server.wait(timeout=30)
        worker.send_signal(signal.SIGINT)
        worker.wait(timeout=60)
    assert db.session.scalar(select(Answer.text).where(Answer.id == analysis.answer_id)) == comment
    assert "Leroy" not in analysis.masked_text and "[nom]" in analysis.masked_text
    assert analysis.tone == "mixed"

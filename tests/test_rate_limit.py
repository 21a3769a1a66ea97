"""The public submit is rate-limited per client address: a room behind one NAT passes, a flood does not."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from feedback.db import db
from feedback.models import Response
from tests.conftest import form_token
from tests.htmltree import parse

ROOT = Path(__file__).resolve().parent.parent


def test_a_room_of_60_passes_and_a_flood_from_one_address_is_refused(app, client, make_session, monkeypatch):
    monkeypatch.setitem(app.config, "SURVEY_SUBMIT_RATE_LIMIT", "120 per minute")
    session = make_session()
    url = f"/s/{session.public_code}"
    token_page = client.get(url).get_data(as_text=True)

    # 60 phones behind the venue's single public address, within the same minute.
    for _ in range(60):
        token = form_token(client.get(url).get_data(as_text=True))
        assert client.post(url, data={"token": token, "q-overall": "4"}).status_code == 303

    # Then a script floods the form: 1,000 posts in a row from the same address.
    statuses = [
        client.post(url, data={"token": form_token(token_page), "q-overall": "1"}).status_code for _ in range(1000)
    ]
    assert statuses.count(429) == 1000 - 60 and set(statuses[:60]) == {303}
    refused = client.post(url, data={"q-overall": "1"})
    assert refused.status_code == 429
    assert "Trop d'envois sont arrivés depuis cette connexion" in parse(refused.get_data(as_text=True)).text
    assert db.session.scalar(select(func.count(Response.id))) == 61  # the 60 + one flood post with a fresh nonce


def test_the_limit_is_per_address_behind_a_trusted_proxy(app, client, make_session, monkeypatch):
    monkeypatch.setitem(app.config, "SURVEY_SUBMIT_RATE_LIMIT", "3 per minute")
    session = make_session()
    url = f"/s/{session.public_code}"
    from werkzeug.middleware.proxy_fix import ProxyFix

    monkeypatch.setattr(app, "wsgi_app", ProxyFix(app.wsgi_app, x_for=1))
    for address in ("203.0.113.7", "198.51.100.9"):
        headers = {"X-Forwarded-For": address}
        statuses = [client.post(url, data={"q-overall": "4"}, headers=headers).status_code for _ in range(4)]
        assert statuses[:3] != [429] * 3 and statuses[3] == 429


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(
    not _redis_available() and not os.environ.get("REQUIRE_REDIS"), reason="Redis is not running on 127.0.0.1:6379"
)
def test_workers_share_the_counter_through_redis(tmp_path):
    """Two gunicorn workers, Redis storage: the limit holds for the whole server, not per worker."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'limits.sqlite'}",
        "SECRET_KEY": "x" * 40,
        "RETOURS_INSTANCE_DIR": str(tmp_path / "instance"),
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379",
        "RATELIMIT_KEY_PREFIX": f"retours-test-{uuid.uuid4().hex}",
        "SURVEY_SUBMIT_RATE_LIMIT": "20 per minute",
        "SURVEY_MIN_ANSWER_SECONDS": "0",  # this test posts each form at once
    }
    env.pop("TEST_DATABASE_URL", None)
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [bin_dir / "flask", "--app", "feedback", "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True
    )
    prepare = (
        "from datetime import date, timedelta\n"
        "from feedback import create_app\nfrom feedback.db import db, utcnow\n"
        "from feedback.catalogue import operations\n"
        "from feedback.models import Axis, Modality\napp = create_app()\nwith app.app_context():\n"
        "    t = operations.create_training(title='T', axis=Axis.CITY_POLICY, modality=Modality.CONFERENCE)\n"
        "    s = operations.create_session(t, start_date=date.today())\n"
        "    operations.open_session(s, now=utcnow() - timedelta(minutes=1))\n"
        "    db.session.commit()\n    print(s.public_code)\n"
    )
    code = subprocess.run(
        [sys.executable, "-c", prepare], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.split()[-1]
    port = _free_port()
    server = subprocess.Popen(
        [bin_dir / "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}", "feedback:create_app()"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120  # a busy machine starts slowly
        while True:
            try:
                urllib.request.urlopen(f"{base}/health", timeout=1)  # noqa: S310 (loopback)
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(NoRedirect)
        statuses = []
        for _ in range(30):
            html = urllib.request.urlopen(f"{base}/s/{code}", timeout=5).read().decode()  # noqa: S310
            token = re.search(r'name="token" value="([^"]+)"', html).group(1)
            body = urllib.parse.urlencode({"token": token, "q-overall": "4"}).encode()
            try:
                statuses.append(opener.open(f"{base}/s/{code}", data=body, timeout=5).status)  # noqa: S310
            except urllib.error.HTTPError as error:
                statuses.append(error.code)
        assert statuses.count(303) == 20 and statuses.count(429) == 10
    finally:
        server.terminate()
        server.wait(timeout=20)

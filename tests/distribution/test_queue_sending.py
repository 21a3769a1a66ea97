"""Invitations leave through the job queue: the manager's request returns at once, a real consumer sends them to a
real SMTP server on loopback, and a claim left by a dead worker is taken again once, never twice."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from feedback.db import db, utcnow
from feedback.distribution import operations, tasks
from feedback.models import Invitation, Role
from tests.conftest import free_port
from tests.distribution.helpers import counts, flashes, invite
from tests.queue_helpers import PATIENCE, wait_until


class GatedSmtp:
    """An SMTP server that accepts nothing until the test opens its gate."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        await asyncio.get_running_loop().run_in_executor(None, self.gate.wait, PATIENCE)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def gated_smtp(app):
    handler = GatedSmtp()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    saved = {key: app.config[key] for key in ("MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    try:
        yield handler
    finally:
        handler.gate.set()
        app.config.update(saved)
        controller.stop()


@pytest.fixture
def manager(client, auth, make_user):
    auth.login(make_user(Role.MANAGER))
    return client


def test_the_managers_request_returns_before_any_mail_leaves_and_the_worker_sends_them(
    manager, make_session, gated_smtp, consumer
):
    session = make_session()
    page = invite(manager, session, "camille@exemple.fr\nlea@exemple.fr")

    # The page is back while the mail server has accepted nothing (it cannot, until the gate opens).
    assert page.status_code == 200 and gated_smtp.messages == []
    assert flashes(page)[0].startswith("2 invitations partent : l'envoi se fait en arrière-plan")
    assert counts(page)["envoyées"] == 0

    gated_smtp.gate.set()
    wait_until(lambda: len(gated_smtp.messages) == 2, "both invitations at the SMTP server")
    wait_until(lambda: counts(manager.get(f"/manage/sessions/{session.id}/invitations"))["envoyées"] == 2, "recorded")
    assert sorted(m["To"] for m in gated_smtp.messages) == ["camille@exemple.fr", "lea@exemple.fr"]


def test_a_claim_left_by_a_dead_worker_is_sent_once_after_it_expires(app, make_session, smtp_server):
    session = make_session()
    operations.add_invitations(session, ["camille@exemple.fr", "lea@exemple.fr"])
    db.session.commit()
    now = utcnow()
    claimed = operations.claim_pending_invitations(session, now)
    db.session.commit()  # a worker claimed them, then died before sending
    assert len(claimed) == 2

    lease = timedelta(seconds=app.config["QUEUE_CLAIM_SECONDS"])
    assert tasks.send_session_invitations(session.id, now + lease / 2).sent == []  # its claim still holds
    assert smtp_server.messages == []

    after = now + lease + timedelta(seconds=1)
    assert len(tasks.send_session_invitations(session.id, after).sent) == 2
    assert tasks.send_session_invitations(session.id, after + lease * 2).sent == []  # recorded: never again
    assert sorted(m["To"] for m in smtp_server.messages) == ["camille@exemple.fr", "lea@exemple.fr"]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).where(Invitation.sent_dt.is_not(None))) == 2


def test_invitations_the_server_did_not_take_are_sent_by_the_periodic_catch_up(app, make_session, smtp_server):
    session = make_session()
    working_port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()  # the mail server is down when the manager sends
    operations.add_invitations(session, ["camille@exemple.fr"])
    db.session.commit()
    tasks.send_invitations(session.id)
    assert smtp_server.messages == []

    app.config["MAIL_PORT"] = working_port
    tasks.catch_up_invitations.call_local()
    tasks.catch_up_invitations.call_local()
    assert [m["To"] for m in smtp_server.messages] == ["camille@exemple.fr"]

"""`flask send-reminders`: one reminder, N days after the invitation, to those who have not answered, while open."""

from __future__ import annotations

from datetime import timedelta

import pytest

from feedback.catalogue import operations as manage_operations
from feedback.db import db, utcnow
from feedback.models import Role
from tests.conftest import free_port
from tests.distribution.helpers import ANSWERS, invitation_of, invite, personal_link
from tests.htmltree import form_state, parse

EMAILS = ("camille@exemple.fr", "lea@exemple.fr")


@pytest.fixture
def invited_session(client, auth, make_user, make_session, smtp_server):
    """A session whose two attendees were invited just now through the manager's pages."""
    session = make_session()
    auth.login(make_user(Role.MANAGER))
    invite(client, session, "\n".join(EMAILS))
    auth.logout()
    smtp_server.invitations = list(smtp_server.messages)
    smtp_server.messages.clear()
    return session


def remind(runner, after: timedelta):
    """Run the command as cron would, with the clock moved `after` past now."""
    moment = (utcnow() + after).isoformat()
    return runner.invoke(args=["send-reminders", "--now", moment])


def answer_with(client, link: str, session) -> int:
    page = client.get(link)
    state = form_state(parse(page.get_data(as_text=True)).find("form", class_="survey"))
    data = {"token": state["token"][0], "invitation": state["invitation"][0], **ANSWERS}
    return client.post(f"/s/{session.public_code}", data=data).status_code


def test_no_reminder_before_the_delay(runner, invited_session, smtp_server):
    result = remind(runner, timedelta(days=2, hours=23))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Aucune relance à envoyer")
    assert smtp_server.messages == []


def test_one_reminder_after_the_delay_then_never_again(runner, invited_session, smtp_server):
    result = remind(runner, timedelta(days=3, minutes=1))
    assert result.exit_code == 0, result.output
    assert result.output == "Relances envoyées : 2 sur 2.\n"
    assert sorted(m["To"] for m in smtp_server.messages) == list(EMAILS)
    message = smtp_server.to("camille@exemple.fr")[0]
    assert message["Subject"].startswith("Rappel : votre avis sur « ")
    assert "ne tenez pas compte de ce message" in message.get_content()
    assert invitation_of("camille@exemple.fr").reminded_dt is not None

    for later in (timedelta(days=3, minutes=2), timedelta(days=10)):
        again = remind(runner, later)
        assert again.exit_code == 0 and again.output.startswith("Aucune relance à envoyer")
    assert len(smtp_server.messages) == 2


def test_whoever_answered_with_their_link_is_not_reminded(client, runner, invited_session, smtp_server):
    camille = next(m for m in smtp_server.invitations if m["To"] == "camille@exemple.fr")
    base, code, token = personal_link(camille)
    assert answer_with(client, f"/s/{code}?i={token}", invited_session) == 303

    assert remind(runner, timedelta(days=4)).output == "Relances envoyées : 1 sur 1.\n"
    assert [m["To"] for m in smtp_server.messages] == ["lea@exemple.fr"]


def test_no_reminder_once_the_form_has_closed(runner, invited_session, smtp_server):
    manage_operations.schedule_session(
        invited_session, opens_dt=invited_session.opens_dt, closes_dt=utcnow() + timedelta(days=2)
    )
    db.session.commit()
    assert remind(runner, timedelta(days=4)).output.startswith("Aucune relance à envoyer")
    assert smtp_server.messages == []


def test_the_reminder_link_works_once_and_spends_the_invitation_link_too(client, runner, invited_session, smtp_server):
    remind(runner, timedelta(days=3, minutes=1))
    _, code, reminder_token = personal_link(smtp_server.to("lea@exemple.fr")[0])
    _, _, invitation_token = personal_link(next(m for m in smtp_server.invitations if m["To"] == "lea@exemple.fr"))
    assert reminder_token != invitation_token

    # Both links open the form until one of them is used.
    assert client.get(f"/s/{code}?i={invitation_token}").status_code == 200
    assert answer_with(client, f"/s/{code}?i={reminder_token}", invited_session) == 303
    assert invitation_of("lea@exemple.fr").is_used
    assert client.get(f"/s/{code}?i={invitation_token}").status_code == 410
    assert client.get(f"/s/{code}?i={reminder_token}").status_code == 410


def test_with_the_mail_server_down_the_run_fails_clearly_and_the_next_one_sends(
    app, runner, invited_session, smtp_server
):
    working_port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()
    failed = remind(runner, timedelta(days=3, minutes=1))
    assert failed.exit_code == 1
    assert "le serveur de messagerie (127.0.0.1:" in failed.output and "ne répond pas" in failed.output
    assert "2 relance(s) non envoyée(s), elles repartiront au prochain passage" in failed.output
    assert invitation_of("camille@exemple.fr").reminded_dt is None

    app.config["MAIL_PORT"] = working_port
    assert remind(runner, timedelta(days=3, minutes=2)).output == "Relances envoyées : 2 sur 2.\n"
    assert len(smtp_server.messages) == 2


def test_a_refused_address_is_not_reminded_again(runner, invited_session, smtp_server):
    smtp_server.refused_domains.add("exemple.fr")
    result = remind(runner, timedelta(days=3, minutes=1))
    assert result.exit_code == 0
    assert "Adresses refusées par le serveur de messagerie : 2" in result.output
    smtp_server.refused_domains.clear()
    assert remind(runner, timedelta(days=5)).output.startswith("Aucune relance à envoyer")


def test_a_bad_now_is_a_clear_usage_error(runner):
    result = runner.invoke(args=["send-reminders", "--now", "demain"])
    assert result.exit_code == 2 and "date ISO 8601 attendue" in result.output


def test_a_greylisted_address_is_tried_again_at_the_next_run(runner, invited_session, smtp_server):
    smtp_server.deferred_domains.add("exemple.fr")
    result = remind(runner, timedelta(days=3, minutes=1))
    assert result.exit_code == 0
    assert "Adresses refusées pour l'instant par le serveur de messagerie : 2" in result.output
    assert invitation_of("camille@exemple.fr").reminded_dt is None
    smtp_server.deferred_domains.clear()
    assert remind(runner, timedelta(days=3, hours=1)).output == "Relances envoyées : 2 sur 2.\n"

"""`flask purge`: free text and e-mail addresses go after their retention period, the scores stay.

Responses go through the real form; the retention periods pass by moving the command's clock (--now).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from feedback import personal_links
from feedback.catalogue import operations as manage_operations
from feedback.db import db, utcnow
from feedback.distribution import operations as distribution
from feedback.distribution.queries import invitation_counts
from feedback.models import (
    Answer,
    AuditEvent,
    CommentAnalysis,
    CommentPhrase,
    FollowUpContact,
    Invitation,
    Quote,
    QuoteStatus,
    Response,
    Role,
)
from feedback.quotes.operations import change_status

DAY = timedelta(days=1)


def count(model, *conditions) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


def purge(runner, now: datetime, *extra: str):
    result = runner.invoke(args=["purge", "--now", now.isoformat(), *extra])
    assert result.exit_code == 0, result.output
    return result.output


def scores_export(client) -> str:
    """What staff read: the satisfaction rates, their n and intervals, as the CSV export gives them."""
    page = client.get("/scores/export?format=csv&annee=toutes")
    assert page.status_code == 200
    return page.get_data(as_text=True)


@pytest.fixture
def answered(make_session, make_user, answer_form):
    """Two responses with comments, one of them a year older (its comment approved as a quote), and a rating."""
    session = make_session()
    old = {"q-overall": "4", "q-recommend": "9", "q-liked": "Des échanges très riches avec Claire", "consent": "yes"}
    recent = {"q-overall": "2", "q-recommend": "3", "q-improve": "Plus de pauses, merci"}
    assert answer_form(session, old).status_code == 303
    assert answer_form(session, recent).status_code == 303
    old_response, recent_response = db.session.scalars(select(Response).order_by(Response.id)).all()
    old_answer = db.session.scalar(
        select(Answer.id).where(Answer.response_id == old_response.id, Answer.text.is_not(None))
    )
    change_status(old_answer, QuoteStatus.SHORTLISTED, make_user(Role.COMMUNICATION))
    # The first response was sent a year before the second.
    db.session.execute(
        update(Response).where(Response.id == old_response.id).values(submitted_dt=utcnow() - timedelta(days=365))
    )
    db.session.commit()
    return session, old_response.id, recent_response.id


def test_old_comments_go_with_their_analyses_and_quotes_while_scores_and_numbers_stay(
    client, auth, runner, make_user, answered
):
    _session, old_id, recent_id = answered
    auth.login(make_user(Role.ADMIN))
    scores_before = scores_export(client)
    numbers_before = count(Answer, Answer.number.is_not(None))
    assert count(Answer, Answer.text.is_not(None)) == 2 and count(Quote) == 1 and count(CommentAnalysis) == 2
    assert count(CommentPhrase) > 0
    retention = 1095
    # The old response passes the period 1,095 days after it was sent, the recent one a year later.
    just_before = utcnow() - timedelta(days=365) + timedelta(days=retention) - DAY
    just_after = just_before + 2 * DAY

    assert "supprimés : 0 " in purge(runner, just_before)
    assert count(Answer, Answer.text.is_not(None)) == 2

    dry = purge(runner, just_after, "--dry-run")
    assert "seraient supprimés : 1 (analyses : 1, citations : 1)" in dry and "rien n'a été supprimé" in dry
    assert count(Answer, Answer.text.is_not(None)) == 2 and count(Quote) == 1
    assert count(AuditEvent, AuditEvent.action == "purge") == 0

    output = purge(runner, just_after)
    assert "supprimés : 1 (analyses : 1, citations : 1)" in output
    assert count(Answer, Answer.text.is_not(None), Answer.response_id == old_id) == 0
    assert count(CommentAnalysis, CommentAnalysis.response_id == old_id) == 0
    assert count(CommentPhrase, CommentPhrase.response_id == old_id) == 0 and count(Quote) == 0
    # The recent comment is untouched; every response, its copied scores and its numeric answers stay.
    assert db.session.scalar(select(Answer.text).where(Answer.response_id == recent_id, Answer.text.is_not(None))) == (
        "Plus de pauses, merci"
    )
    assert count(Response) == 2 and count(Answer, Answer.number.is_not(None)) == numbers_before
    old = db.session.get(Response, old_id)
    assert (old.overall_level, old.recommendation, old.consents_to_quote) == (4, 9, True)
    assert scores_export(client) == scores_before

    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "purge")).all()
    assert event.user_id is None and event.details["texts"] == 1 and event.details["quotes"] == 1

    assert "supprimés : 0 " in purge(runner, just_after)  # idempotent
    later = purge(runner, just_after + timedelta(days=365))
    assert "supprimés : 1 " in later and count(Answer, Answer.text.is_not(None)) == 0
    assert scores_export(client) == scores_before


def test_the_period_is_a_setting(app, runner, answered, monkeypatch):
    monkeypatch.setitem(app.config, "TEXT_RETENTION_DAYS", 30)
    output = purge(runner, utcnow() + timedelta(days=31))
    assert "Commentaires de plus de 30 jours" in output and "supprimés : 2 " in output


def test_invitation_addresses_of_long_closed_sessions_are_erased_and_the_counts_stay(runner, make_session):
    now = utcnow()
    closed = make_session()
    manage_operations.close_session(closed, now=now - timedelta(days=2))
    still_open = make_session()
    manage_operations.schedule_session(still_open, opens_dt=now - DAY, closes_dt=now + timedelta(days=800))
    for session in (closed, still_open):
        for invitation in distribution.add_invitations(session, ["ana@example.org", "bo@example.org"], now=now):
            invitation.sent_dt = now
    db.session.commit()
    counts_before = invitation_counts(closed)

    # Kept for a year after the form closed (reminders, the follow-up questionnaire's addresses)...
    assert "effacées : 0 " in purge(runner, now + timedelta(days=360))
    # ...then erased.
    output = purge(runner, now + timedelta(days=366))
    assert "effacées : 2 " in output
    assert count(Invitation, Invitation.session_id == closed.id, Invitation.email.is_not(None)) == 0
    assert count(Invitation, Invitation.session_id == still_open.id, Invitation.email.is_not(None)) == 2
    assert invitation_counts(closed) == counts_before


def test_follow_up_addresses_past_their_period_are_erased_too(runner, make_session):
    session = make_session()
    personal_links.store_followup_contact(session, "ana@example.org", now=utcnow() - timedelta(days=400))
    personal_links.store_followup_contact(session, "bo@example.org")
    db.session.commit()
    assert "adresses du suivi : 1." in purge(runner, utcnow())
    assert db.session.scalars(select(FollowUpContact.email).where(FollowUpContact.email.is_not(None))).all() == [
        "bo@example.org"
    ]


def test_an_erased_address_is_shown_as_such_and_never_written_to(
    client, auth, runner, make_user, make_session, smtp_server
):
    now = utcnow()
    session = make_session()
    manage_operations.close_session(session, now=now - timedelta(days=400))
    distribution.add_invitations(session, ["ana@example.org"], now=now - timedelta(days=401))
    db.session.commit()
    purge(runner, now)
    # Reopened years later: the invitation waiting to be sent has no address any more.
    manage_operations.open_session(session, now=now)
    db.session.commit()
    auth.login(make_user(Role.MANAGER))
    page = client.get(f"/manage/sessions/{session.id}/invitations")
    assert "adresse effacée" in page.get_data(as_text=True)
    client.post(f"/manage/sessions/{session.id}/invitations/send-pending")
    assert smtp_server.messages == []


def test_a_bad_now_is_a_clear_usage_error(runner):
    result = runner.invoke(args=["purge", "--now", "hier"])
    assert result.exit_code == 2 and "date ISO 8601 attendue" in result.output
    assert count(AuditEvent) == 0

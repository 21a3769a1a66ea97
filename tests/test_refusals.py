"""One way to refuse: an operation raises a `Refusal`, the view rolls back once and shows it with what was typed.

Each case starts an operation that writes something before it refuses (the builder claims the draft, an account
change checks after reading): nothing of it may stay, no audit event may say it happened, and the page keeps the input.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from feedback.db import db
from feedback.models import AccountToken, AuditEvent, Question, Questionnaire, Role, User
from tests.htmltree import parse


@pytest.fixture
def rollbacks():
    """Every rollback of a database session while the test runs (the request's own included)."""
    counted: list[Session] = []

    def count(session: Session) -> None:
        counted.append(session)

    event.listen(Session, "after_rollback", count)
    yield counted
    event.remove(Session, "after_rollback", count)


def typed(html: str, name: str) -> str | None:
    """What a form field of the page holds (an input's value, a textarea's text)."""
    field = parse(html).find(name=name)
    assert field is not None, name
    return field.text if field.get("value") is None else field.get("value")


def audit_actions() -> list[str]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_a_refused_question_keeps_what_was_typed_and_leaves_the_draft_as_it_was(client, auth, make_user, rollbacks):
    auth.login(make_user(Role.MANAGER))
    created = client.post("/manage/questionnaires/new", data={"starting_point": "conference-webinaire"})
    draft = db.session.get(Questionnaire, int(created.headers["Location"].rsplit("/", 1)[1]))
    taken_code, version, count = draft.questions[0].code, draft.edit_version, len(draft.questions)
    label = "Qu'avez-vous <b>retenu</b> ?"
    rollbacks.clear()

    page = client.post(
        f"/manage/questionnaires/{draft.id}/questions",
        data={"edit_version": version, "kind": "long_text", "code": taken_code, "label": label},
    )

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"Le code « {taken_code} » est déjà utilisé" in html
    assert typed(html, "label") == label  # the label typed is still in its field
    assert "<b>retenu</b>" not in html  # and shown escaped
    assert len(rollbacks) == 1
    # The operation had claimed the draft (edit_version + 1) before refusing: the claim is undone with the rest.
    db.session.expire_all()
    assert db.session.get(Questionnaire, draft.id).edit_version == version
    assert db.session.scalar(select(func.count()).select_from(Question).filter_by(questionnaire_id=draft.id)) == count
    assert "questionnaire.add_question" not in audit_actions()


def test_a_stale_edit_of_a_question_is_refused_on_its_page_with_the_new_wording_kept(
    client, auth, make_user, rollbacks
):
    auth.login(make_user(Role.MANAGER))
    created = client.post("/manage/questionnaires/new", data={"starting_point": "conference-webinaire"})
    draft = db.session.get(Questionnaire, int(created.headers["Location"].rsplit("/", 1)[1]))
    question = draft.questions[-1]
    old_label, stale = question.label, draft.edit_version - 1
    rollbacks.clear()

    page = client.post(
        f"/manage/questionnaires/{draft.id}/questions/{question.id}/edit",
        data={
            "edit_version": stale,
            "kind": question.kind.value,
            "code": question.code,
            "label": "Nouvelle formulation",
        },
    )

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "modifié entre-temps" in html
    assert typed(html, "label") == "Nouvelle formulation"
    assert len(rollbacks) == 1
    db.session.expire_all()
    assert db.session.get(Question, question.id).label == old_label
    assert "questionnaire.edit_question" not in audit_actions()


def test_an_invitation_refused_shows_the_reason_under_the_address_typed(client, auth, make_user, rollbacks):
    auth.login(make_user(Role.ADMIN, email="admin@example.org"))
    make_user(Role.TRAINER, email="ines@example.org")
    accounts, before = db.session.scalar(select(func.count()).select_from(User)), audit_actions()
    rollbacks.clear()

    page = client.post(
        "/admin/accounts/invite", data={"email": "ines@example.org", "role": "manager", "name": "Inès <i>M</i>"}
    )

    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert typed(html, "email") == "ines@example.org" and typed(html, "name") == "Inès <i>M</i>"
    tree = parse(html)
    messages = [p.text for p in tree.find_all("p", class_="error")]
    assert "Un compte existe déjà pour ines@example.org." in messages
    assert len(rollbacks) == 1
    assert db.session.scalar(select(func.count()).select_from(User)) == accounts
    assert db.session.scalar(select(func.count()).select_from(AccountToken)) == 0
    assert audit_actions() == before

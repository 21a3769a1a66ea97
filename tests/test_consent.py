"""Consent to be quoted: stored with its date and the version of the wording the participant read."""

from __future__ import annotations

from sqlalchemy import select

from feedback.builder import operations as builder
from feedback.db import db
from feedback.models import Response


def publish_with_wording(questionnaire, wording: str):
    draft = builder.start_new_version(questionnaire)
    builder.update_draft(draft, draft.edit_version, consent_text=wording)
    builder.publish_draft(draft)
    db.session.commit()
    return draft


def consented_version(make_session, answer_form) -> int:
    session = make_session()
    page = answer_form(session, {"q-overall": "4", "q-liked": "Très utile", "consent": "yes"})
    assert page.status_code == 303
    response = db.session.scalar(select(Response).order_by(Response.id.desc()))
    assert response.consents_to_quote and response.consent_dt is not None
    assert response.questionnaire_id == session.questionnaire_id
    return response.consent_version


def test_a_new_wording_gets_a_new_version_and_the_same_wording_keeps_its_number(client, make_session, answer_form):
    first = make_session().questionnaire
    original = first.consent_text
    assert consented_version(make_session, answer_form) == 1

    second = publish_with_wording(first, "J'accepte d'être cité·e, sans mon nom, dans le rapport annuel.")
    assert "sans mon nom, dans le rapport annuel" in client.get(f"/s/{make_session().public_code}").get_data(
        as_text=True
    )
    assert consented_version(make_session, answer_form) == 2

    third = publish_with_wording(second, "J'accepte d'être cité·e, sans mon nom, dans le rapport annuel.")
    assert third.consent_version == 2  # a new version of the questions, the same wording
    assert consented_version(make_session, answer_form) == 2

    assert publish_with_wording(third, original).consent_version == 1  # back to the first wording
    earlier = db.session.scalars(select(Response.consent_version).order_by(Response.id)).all()
    assert earlier == [1, 2, 2]  # what each participant agreed to is kept as it was

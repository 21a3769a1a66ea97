"""A draft's wording never reaches published scores: a score page shows the wording its answers were given to."""

from __future__ import annotations

from feedback.builder.operations import export_json, import_questionnaire
from feedback.catalogue import operations
from feedback.catalogue.library import HOT_EVALUATION
from feedback.db import db
from feedback.models import QuestionnaireStatus, Role

DRAFT_WORDING = "Brouillon : ce contenu vous a-t-il plu ?"
PUBLISHED_WORDING = next(q["label"] for q in HOT_EVALUATION["questions"] if q["code"] == "contents")


def test_importing_a_reworded_copy_as_a_draft_leaves_the_sessions_score_page_alone(
    client, auth, make_user, make_session, answer_form
):
    published = operations.ensure_default_questionnaire()
    db.session.commit()
    session = make_session(questionnaire=published)
    for level in ("4", "4", "3", "3", "2"):  # enough answers for the distributions to be shown
        assert answer_form(session, {"q-overall": level, "q-contents": level}).status_code == 303
    copy = export_json(published)
    copy["questions"] = [
        {**question, "label": DRAFT_WORDING} if question["code"] == "contents" else question
        for question in copy["questions"]
    ]
    draft = import_questionnaire(copy)
    db.session.commit()
    assert draft.status == QuestionnaireStatus.DRAFT and draft.id > published.id

    auth.login(make_user(Role.MANAGER))
    for url in (f"/scores/sessions/{session.id}", f"/scores/trainings/{session.training_id}"):
        page = client.get(url).get_data(as_text=True)
        assert PUBLISHED_WORDING in page, url
        assert DRAFT_WORDING not in page, url

"""Versions, publication, duplication, JSON import/export and moving sessions between versions."""

import json

import pytest
from sqlalchemy import func, select

from feedback.builder import operations as builder
from feedback.catalogue import operations
from feedback.catalogue.library import CONFERENCE_WEBINAR
from feedback.db import db
from feedback.models import Question, Questionnaire


def test_a_new_version_is_a_draft_of_the_same_family_with_the_same_codes():
    published = operations.ensure_default_questionnaire()
    draft = builder.start_new_version(published)
    assert (draft.family, draft.version, draft.status) == (published.family, published.version + 1, "draft")
    assert [q.code for q in draft.questions] == [q.code for q in published.questions]
    assert builder.start_new_version(published) is draft  # one draft at a time


def test_publishing_an_invalid_draft_lists_the_problems_and_changes_nothing():
    draft = builder.start_new_version(operations.ensure_default_questionnaire())
    draft.questions[0].is_overall = False
    with pytest.raises(builder.NotPublishable) as refused:
        builder.publish_draft(draft)
    assert any("satisfaction globale" in p for p in refused.value.problems)
    assert draft.status == "draft"


def test_export_then_import_gives_the_same_questions_under_a_new_family():
    source = operations.create_questionnaire(CONFERENCE_WEBINAR)
    exported = json.loads(json.dumps(builder.export_json(source)))
    imported = builder.import_questionnaire(exported)
    assert imported.family != source.family and imported.status == "draft"
    assert builder.definition_of(imported)["questions"] == builder.definition_of(source)["questions"]


@pytest.mark.parametrize(
    "data",
    [
        "not even an object",
        {"format": "limesurvey", "title": "X", "questions": []},
        {"format": "retours-questionnaire", "title": "X", "questions": [{"code": "a", "kind": "telepathy"}]},
        {"format": "retours-questionnaire", "questions": []},
    ],
)
def test_a_bad_import_is_refused_whole(data):
    before = db.session.scalar(select(func.count(Question.id)))
    with pytest.raises(builder.NotPublishable) as refused:
        builder.import_questionnaire(data)
    assert refused.value.problems
    assert db.session.scalar(select(func.count(Question.id))) == before


def test_an_import_of_ten_thousand_questions_is_refused_whole():
    question = {"code": "q", "kind": "short_text", "label": "?"}
    data = {"format": "retours-questionnaire", "title": "Énorme", "questions": [question] * 10_000}
    with pytest.raises(builder.NotPublishable) as refused:
        builder.import_questionnaire(data)
    assert any("au maximum" in p for p in refused.value.problems)
    assert db.session.scalar(select(func.count(Questionnaire.id))) == 0


def test_a_session_moves_to_another_version_only_before_its_first_response(make_session, answer_form):
    session = make_session()
    other = operations.create_questionnaire(CONFERENCE_WEBINAR)
    operations.move_session_to(session, other)
    assert session.questionnaire is other
    db.session.commit()
    assert answer_form(session, {"q-overall": "4"}).status_code == 303
    with pytest.raises(operations.SessionHasResponses):
        operations.move_session_to(session, operations.ensure_default_questionnaire())


def test_a_draft_used_by_no_session_can_be_deleted_a_published_one_cannot():
    draft = builder.duplicate_questionnaire(operations.ensure_default_questionnaire(), "Ma variante")
    assert draft.family.startswith("ma-variante")
    builder.delete_draft(draft)
    with pytest.raises(ValueError):
        builder.delete_draft(operations.ensure_default_questionnaire())

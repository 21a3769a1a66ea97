"""A published questionnaire keeps its wording: changes need a new version."""

import pytest
from sqlalchemy.exc import IntegrityError

from feedback.catalogue import operations
from feedback.catalogue.library import HOT_EVALUATION
from feedback.db import db
from feedback.models import Question, QuestionKind, QuestionnaireFrozen


def test_the_default_questionnaire_is_seeded_once_with_the_report_questions():
    first = operations.ensure_default_questionnaire()
    again = operations.ensure_default_questionnaire()
    assert first.id == again.id and first.status == "published"
    codes = [q.code for q in first.questions]
    assert codes == [
        "overall",
        "contents",
        "speakers",
        "organisation",
        "usefulness",
        "recommend",
        "liked",
        "improve",
        "wishes",
        "profile",
    ]
    assert [q.code for q in first.questions if q.is_overall] == ["overall"]
    assert "Autre" in [o.label for o in first.questions[-1].options]
    assert first.consent_text.startswith("J'accepte que mon commentaire soit cité anonymement")


def test_a_published_question_cannot_be_reworded_or_deleted():
    questionnaire = operations.ensure_default_questionnaire()
    db.session.commit()
    questionnaire.questions[0].label = "Autre libellé"
    with pytest.raises(QuestionnaireFrozen):
        db.session.flush()
    db.session.rollback()
    db.session.delete(questionnaire.questions[-1].options[0])
    with pytest.raises(QuestionnaireFrozen):
        db.session.flush()
    db.session.rollback()
    assert questionnaire.questions[0].label == HOT_EVALUATION["questions"][0]["label"]


def test_a_new_version_shares_the_family_and_the_codes():
    first = operations.ensure_default_questionnaire()
    second = operations.create_questionnaire({**HOT_EVALUATION, "title": "Évaluation à chaud (2027)"})
    assert (second.family, second.version) == (first.family, first.version + 1)
    assert [q.code for q in second.questions] == [q.code for q in first.questions]


def test_the_database_refuses_two_overall_questions():
    draft = operations.create_questionnaire(HOT_EVALUATION, publish=False)
    draft.questions.append(
        Question(position=99, code="overall-2", kind=QuestionKind.SATISFACTION, label="Encore ?", is_overall=True)
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_question_cannot_be_added_to_a_published_version():
    questionnaire = operations.ensure_default_questionnaire()
    db.session.commit()
    questionnaire.questions.append(Question(position=50, code="extra", kind=QuestionKind.SHORT_TEXT, label="En plus ?"))
    with pytest.raises(QuestionnaireFrozen):
        db.session.flush()
    db.session.rollback()

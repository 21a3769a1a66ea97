"""The analysis of each comment is stored once: at submit time, or by `flask analyse` for existing data."""

from __future__ import annotations

import secrets

from sqlalchemy import func, literal, select, update

from feedback.analysis.comments import analyse_comment
from feedback.analysis.version import analysis_version
from feedback.auth.operations import create_user
from feedback.db import db, utcnow
from feedback.models import (
    Answer,
    CommentAnalysis,
    CommentPhrase,
    Question,
    Quote,
    QuoteStatus,
    Response,
    Role,
)
from feedback.quotes.analyses import NAME_SOURCES, known_names, register_name_source
from tests.quotes.conftest import analysis_of


def _phrases(answer_id: int) -> set[str]:
    return set(db.session.scalars(select(CommentPhrase.phrase).where(CommentPhrase.answer_id == answer_id)))


def test_each_comment_of_a_submitted_response_is_analysed_and_stored_masked(make_session, make_speaker, comment):
    create_user("paul@example.org", Role.MANAGER, "correct-horse-battery", name="Paul Durand")
    db.session.commit()
    session = make_session(speakers=[make_speaker("Claire Martin")])
    liked = "Échanges riches avec Claire Martin, merci !"
    improve = "Trop théorique, pas assez de cas pratiques. Appelez-moi au 06 12 34 56 78"
    wishes = "Un atelier avec Paul Durand"
    ids = comment(session, liked, improve=improve, wishes=wishes, overall="2")

    first, second, third = (analysis_of(ids[code]) for code in ("liked", "improve", "wishes"))
    assert first.masked_text == "Échanges riches avec [nom], merci !"
    assert second.masked_text == "Trop théorique, pas assez de cas pratiques. Appelez-moi au [téléphone]"
    assert third.masked_text == "Un atelier avec [nom]"  # a staff account's name
    assert first.has_personal_data and second.has_personal_data and third.has_personal_data
    assert first.tone == "positive" and second.tone == "negative"
    assert {"words": "pas assez", "polarity": -1, "weight": 0.6, "rule": "lack"} in second.cues
    assert second.explanation.startswith("négatif : ")
    assert first.search_text == "echanges riches avec [nom], merci !"
    assert {first.version, second.version, third.version} == {analysis_version()}
    # The participant's words are kept as written, for admins.
    assert db.session.get(Answer, ids["liked"]).text == liked
    # Phrases are lemmatised, once per comment, and never a masked name.
    assert _phrases(ids["improve"]) == set(analyse_comment(second.masked_text).phrases)
    assert "cas pratiques" in _phrases(ids["improve"])
    assert not any("claire" in phrase or "martin" in phrase for phrase in _phrases(ids["liked"]))
    # Only text answers get an analysis.
    assert db.session.scalar(select(func.count()).select_from(CommentAnalysis)) == 3


def test_the_respondents_overall_rating_is_part_of_the_stored_tone(make_session, comment):
    session = make_session()
    text = "Intéressant, un peu long."
    satisfied = comment(session, text, overall="4")["liked"]
    assert analysis_of(satisfied).tone == analyse_comment(text, overall_level=4).tone.label
    unhappy = comment(session, "Bien mais trop court.", overall="1")["liked"]
    assert analysis_of(unhappy).tone == analyse_comment("Bien mais trop court.", overall_level=1).tone.label


def test_a_response_without_comments_stores_no_analysis(make_session, answer_form):
    assert answer_form(make_session(), {"q-overall": "3"}).status_code == 303
    assert db.session.scalar(select(func.count()).select_from(CommentAnalysis)) == 0


def _store_without_analysis(session, texts: list[str]) -> list[int]:
    """Answers written in bulk, as the demo or an import does: no analysis yet."""
    question_id = db.session.scalar(
        select(Question.id).where(Question.questionnaire_id == session.questionnaire_id, Question.code == "liked")
    )
    ids = []
    for text in texts:
        response = Response(
            session_id=session.id,
            session_date=session.start_date,
            questionnaire_id=session.questionnaire_id,
            submitted_dt=utcnow(),
            submission_token=secrets.token_hex(12),
            overall_level=3,
        )
        response.answers.append(Answer(question_id=question_id, text=text))
        db.session.add(response)
        db.session.flush()
        ids.append(response.answers[0].id)
    db.session.commit()
    return ids


def test_flask_analyse_analyses_what_is_missing_once(make_session, runner):
    ids = _store_without_analysis(make_session(), ["Très bonne journée, échanges riches.", "Trop long.", "RAS"])
    result = runner.invoke(args=["analyse"])
    assert result.exit_code == 0, result.output
    assert "3 commentaires analysés" in result.output
    assert "3 nouveaux, 0 réanalysé" in result.output
    assert "positif 1" in result.output and "négatif 1" in result.output and "neutre 1" in result.output
    assert [analysis_of(i).tone for i in ids] == ["positive", "negative", "neutral"]
    assert analysis_of(ids[0]).masked_text == "Très bonne journée, échanges riches."
    phrases = db.session.scalar(select(func.count()).select_from(CommentPhrase))

    again = runner.invoke(args=["analyse"])
    assert again.exit_code == 0
    assert "Rien à analyser" in again.output
    assert db.session.scalar(select(func.count()).select_from(CommentPhrase)) == phrases


def test_a_new_lexicon_version_re_analyses_on_demand_and_keeps_staff_work(make_session, make_user, comment, runner):
    session = make_session()
    ids = comment(session, "Échanges riches et cas pratiques utiles.", improve="Un peu long.")
    editor = make_user(Role.COMMUNICATION)
    db.session.add(
        Quote(answer_id=ids["liked"], status=QuoteStatus.APPROVED, text="Échanges riches.", status_by_id=editor.id)
    )
    # Rows written by the rules of an older lexicon.
    db.session.execute(update(CommentAnalysis).values(version="r0-00000000", tone="neutral"))
    db.session.commit()
    phrases = db.session.scalar(select(func.count()).select_from(CommentPhrase))

    result = runner.invoke(args=["analyse"])
    assert result.exit_code == 0, result.output
    assert "2 commentaires analysés" in result.output and "0 nouveau, 2 réanalysés" in result.output
    assert analysis_of(ids["liked"]).version == analysis_version()
    assert analysis_of(ids["liked"]).tone == "positive"
    assert db.session.scalar(select(func.count()).select_from(CommentPhrase)) == phrases  # replaced, not doubled
    quote = db.session.get(Quote, ids["liked"])
    assert quote.status == QuoteStatus.APPROVED and quote.text == "Échanges riches."
    assert "Rien à analyser" in runner.invoke(args=["analyse"]).output


def test_analyse_all_masks_names_known_since_the_comment_arrived(make_session, make_speaker, comment, runner):
    # Written in lower case without « à »: only the list of known names can tell it is a person.
    ids = comment(make_session(), "Merci zoé lambert pour cette journée.")
    assert analysis_of(ids["liked"]).masked_text == "Merci zoé lambert pour cette journée."
    make_speaker("Zoé Lambert")
    assert "Rien à analyser" in runner.invoke(args=["analyse"]).output
    result = runner.invoke(args=["analyse", "--all"])
    assert result.exit_code == 0, result.output
    assert "1 réanalysé)" in result.output
    assert analysis_of(ids["liked"]).masked_text == "Merci [nom] pour cette journée."


def test_a_registered_name_source_is_masked_too(make_session, comment):
    """The hook for participants of attendance lists, once lists keep names."""

    def participants():
        return select(literal("Jeanne Oiseau").label("name"))

    register_name_source(participants)
    try:
        assert "Jeanne Oiseau" in known_names()
        ids = comment(make_session(), "Jeanne Oiseau a très bien animé.")
        assert analysis_of(ids["liked"]).masked_text == "[nom] a très bien animé."
    finally:
        NAME_SOURCES.remove(participants)


def test_the_words_of_the_question_answered_are_no_theme_at_submit_and_in_batch(make_session, comment, runner):
    """« Thèmes souhaités pour de prochaines sessions »: « thèmes » answered there is not a theme, « logement » is."""
    text = "Des thèmes sur le logement, le thème du logement social"
    ids = comment(make_session(), text + ".", wishes=text)
    # « Ce que vous avez le plus apprécié » does not say « thème »
    assert _phrases(ids["liked"]) == {"thèmes sur le logement", "thème du logement social"}
    assert _phrases(ids["wishes"]) == {"logement", "logement social"}
    db.session.execute(update(CommentAnalysis).values(version="old"))
    db.session.commit()
    assert runner.invoke(args=["analyse"]).exit_code == 0
    assert _phrases(ids["wishes"]) == {"logement", "logement social"}


def test_each_stored_aspect_has_the_tone_of_its_clause_or_the_comment_s(make_session, comment):
    ids = comment(make_session(), "La salle était trop petite et bruyante.")
    rows = db.session.execute(select(CommentPhrase.phrase, CommentPhrase.tone, CommentPhrase.aspect_tone)).all()
    assert [(phrase, aspect_tone) for phrase, _tone, aspect_tone in rows] == [("salle", "negative")]
    assert analysis_of(ids["liked"]).tone == "negative"

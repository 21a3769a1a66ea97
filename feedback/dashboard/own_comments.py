"""A trainer's own comments (« Mes résultats › Commentaires »): masked, with their tone and themes, withheld for
small anonymous sessions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from feedback.analysis.themes import Theme
from feedback.auth.access import own_sessions
from feedback.comments import themes as theme_queries
from feedback.db import db
from feedback.disclosure import discloses_comments, threshold
from feedback.models import Answer, CommentAnalysis, Question, Questionnaire, Response, Training, TrainingSession
from feedback.scope import Scope


@dataclass(frozen=True)
class TrainerComment:
    answer_id: int
    text: str
    tone: str
    explanation: str
    question: str
    themes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SessionComments:
    session_id: int
    training_title: str
    start_date: date
    responses: int
    #: Below MIN_ANSWERS_FOR_RATE responses to an anonymous questionnaire, comments are not shown to the trainer.
    hidden: bool
    comments: list[TrainerComment] = field(default_factory=list)


@dataclass(frozen=True)
class OwnComments:
    sessions: list[SessionComments]
    themes: list[Theme]
    min_answers: int

    @property
    def count(self) -> int:
        return sum(len(session.comments) for session in self.sessions)

    @property
    def hidden_sessions(self) -> int:
        return sum(1 for session in self.sessions if session.hidden)


def own_session_comments(user, scope: Scope) -> OwnComments:
    """The comments (masked) of the user's own sessions in the scope (period and catalogue filters), with their tone
    and themes.

    When the session's questionnaire promises anonymity and it has fewer responses than MIN_ANSWERS_FOR_RATE,
    its comments are withheld (a trainer could tell who wrote what in a small group): `discloses_comments`.
    """
    min_answers = threshold(user)
    mine = own_sessions(user).with_only_columns(TrainingSession.id).where(TrainingSession.id.in_(scope.session_ids()))
    responses = (
        select(Response.session_id, func.count().label("n"))
        .where(Response.session_id.in_(mine))
        .group_by(Response.session_id)
    ).subquery()
    sessions = db.session.execute(
        select(
            TrainingSession.id,
            Training.title,
            TrainingSession.start_date,
            func.coalesce(responses.c.n, 0),
            Questionnaire.is_anonymous,
        )
        .join(Training, Training.id == TrainingSession.training_id)
        .join(Questionnaire, Questionnaire.id == TrainingSession.questionnaire_id)
        .join(responses, responses.c.session_id == TrainingSession.id)
        .where(TrainingSession.id.in_(mine))
        .order_by(TrainingSession.start_date.desc(), TrainingSession.id.desc())
    ).all()
    shown: dict[int, SessionComments] = {}
    ordered: list[SessionComments] = []
    for session_id, title, start_date, count, anonymous in sessions:
        hidden = not discloses_comments(count, bool(anonymous), min_answers)
        entry = SessionComments(session_id, title, start_date, count, hidden)
        ordered.append(entry)
        if not hidden:
            shown[session_id] = entry
    if not shown:
        return OwnComments(ordered, [], min_answers)
    visible = [Response.session_id.in_(list(shown))]
    rows = db.session.execute(
        select(
            CommentAnalysis.answer_id,
            Response.session_id,
            CommentAnalysis.masked_text,
            CommentAnalysis.tone,
            CommentAnalysis.explanation,
            Question.label,
        )
        .join(Response, Response.id == CommentAnalysis.response_id)
        .join(Answer, Answer.id == CommentAnalysis.answer_id)
        .join(Question, Question.id == Answer.question_id)
        .where(*visible)
        .order_by(Question.position, CommentAnalysis.answer_id)
    ).all()
    themes = theme_queries.comment_themes([row[0] for row in rows])
    for answer_id, session_id, text, tone, explanation, question in rows:
        shown[session_id].comments.append(
            TrainerComment(answer_id, text, tone, explanation, question, tuple(themes.get(answer_id, ())))
        )
    top = theme_queries.themes_of(visible, limit=10, examples=0)
    return OwnComments(ordered, top, min_answers)

"""Reads of the questionnaire builder."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select

from feedback.db import db
from feedback.models import Questionnaire, QuestionnaireStatus, Response, TrainingSession


@dataclass(frozen=True)
class FamilyRow:
    latest: Questionnaire
    sessions: int
    responses: int


def latest_versions() -> Select:
    """The newest version of every family."""
    newest = (
        select(Questionnaire.family, func.max(Questionnaire.version).label("version"))
        .group_by(Questionnaire.family)
        .subquery()
    )
    return select(Questionnaire).join(
        newest, (Questionnaire.family == newest.c.family) & (Questionnaire.version == newest.c.version)
    )


def family_rows() -> list[FamilyRow]:
    """Each family's latest version with its number of sessions and responses (all versions), archived last."""
    sessions = dict(
        db.session.execute(
            select(Questionnaire.family, func.count(TrainingSession.id))
            .join(TrainingSession, TrainingSession.questionnaire_id == Questionnaire.id)
            .group_by(Questionnaire.family)
        ).all()
    )
    responses = dict(
        db.session.execute(
            # Each response counts under the version it answered: a follow-up answer is stored with the session
            # of the first one, but under the follow-up questionnaire.
            select(Questionnaire.family, func.count(Response.id))
            .join(Response, Response.questionnaire_id == Questionnaire.id)
            .group_by(Questionnaire.family)
        ).all()
    )
    latest = db.session.scalars(latest_versions().order_by(Questionnaire.title)).all()
    rows = [FamilyRow(q, sessions.get(q.family, 0), responses.get(q.family, 0)) for q in latest]
    return sorted(rows, key=lambda row: row.latest.status == QuestionnaireStatus.ARCHIVED)


def versions_of(family: str) -> list[Questionnaire]:
    return list(
        db.session.scalars(
            select(Questionnaire).where(Questionnaire.family == family).order_by(Questionnaire.version.desc())
        )
    )

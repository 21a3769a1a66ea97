"""Reads of the catalogue shared by the areas: which questionnaire versions a session may be given."""

from __future__ import annotations

from sqlalchemy import func, select

from feedback.catalogue.library import TRAINER_FAMILY
from feedback.db import db
from feedback.models import Questionnaire, QuestionnaireStatus


def published_families() -> list[Questionnaire]:
    """The latest published version of each family that has one (what new sessions may be given).

    « Le regard de l'intervenant·e » is left out: it is the speakers' own, and participants never answer it.
    """
    newest = (
        select(Questionnaire.family, func.max(Questionnaire.version).label("version"))
        .where(Questionnaire.status == QuestionnaireStatus.PUBLISHED, Questionnaire.family != TRAINER_FAMILY)
        .group_by(Questionnaire.family)
        .subquery()
    )
    return list(
        db.session.scalars(
            select(Questionnaire)
            .join(newest, (Questionnaire.family == newest.c.family) & (Questionnaire.version == newest.c.version))
            .order_by(Questionnaire.title)
        )
    )


def published_versions() -> list[Questionnaire]:
    """Every published version a session's participants may answer, newest first within a family."""
    return list(
        db.session.scalars(
            select(Questionnaire)
            .where(Questionnaire.status == QuestionnaireStatus.PUBLISHED, Questionnaire.family != TRAINER_FAMILY)
            .order_by(Questionnaire.title, Questionnaire.version.desc())
        )
    )

"""Reads of the catalogue's pages: the trainings list, one page at a time (the demo's 210 trainings and 500 sessions
with their tools made a 530 KB page)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from feedback.db import db
from feedback.models import Training, TrainingSession

#: Trainings per page of the catalogue (with each one's sessions and their tools).
TRAININGS_PER_PAGE = 20
MAX_SEARCH = 100


@dataclass(frozen=True)
class CatalogueRow:
    training: Training
    sessions: int
    last: date | None
    #: The training's sessions, newest first, each with its tools on the page.
    session_list: list[TrainingSession]


@dataclass(frozen=True)
class CataloguePage:
    rows: list[CatalogueRow]
    page: int
    pages: int
    total: int
    search: str


def catalogue_page(page: int, search: str = "") -> CataloguePage:
    """One page of the catalogue, trainings with the newest sessions first (those without any first of all),
    optionally those whose title contains `search`. Three queries whatever the page: the count, the page's
    trainings with their number of sessions, and the sessions of those trainings."""
    search = " ".join(search.split())[:MAX_SEARCH]
    matching = [Training.title.icontains(search, autoescape=True)] if search else []
    total = db.session.scalar(select(func.count(Training.id)).where(*matching)) or 0
    pages = max(1, -(-total // TRAININGS_PER_PAGE))
    page = min(max(page, 1), pages)
    last = func.max(TrainingSession.start_date)
    rows = db.session.execute(
        select(Training, func.count(TrainingSession.id), last)
        .outerjoin(TrainingSession)
        .where(*matching)
        .group_by(Training.id)
        .order_by(last.desc().nulls_first(), Training.title, Training.id)
        .limit(TRAININGS_PER_PAGE)
        .offset((page - 1) * TRAININGS_PER_PAGE)
    ).all()
    sessions: dict[int, list[TrainingSession]] = {}
    if rows:
        for session in db.session.scalars(
            select(TrainingSession)
            .where(TrainingSession.training_id.in_([training.id for training, _n, _last in rows]))
            .order_by(TrainingSession.start_date.desc(), TrainingSession.id.desc())
        ):
            sessions.setdefault(session.training_id, []).append(session)
    return CataloguePage(
        [CatalogueRow(training, n, last_day, sessions.get(training.id, [])) for training, n, last_day in rows],
        page,
        pages,
        total,
        search,
    )

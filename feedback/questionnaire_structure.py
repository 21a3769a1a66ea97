"""The questions of a published questionnaire, read once per process.

Published versions never change (models/questionnaires.py refuses it), so the structure a participant
answers is cached as plain frozen values: the form's GET and POST then cost one query for the session
instead of four, and no ORM object is shared between requests. Drafts (previews) are never cached.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from feedback.db import db
from feedback.models import Question, QuestionKind, Questionnaire, QuestionnaireStatus

CACHE_SIZE = 256


@dataclass(frozen=True)
class OptionView:
    id: int
    value: str
    label: str
    label_en: str


@dataclass(frozen=True)
class QuestionView:
    id: int
    code: str
    kind: QuestionKind
    label: str
    label_en: str
    help_text: str
    help_text_en: str
    is_required: bool
    is_overall: bool
    options: tuple[OptionView, ...]


_cache: OrderedDict[tuple[int, datetime], tuple[QuestionView, ...]] = OrderedDict()
_lock = threading.Lock()


def _load(questionnaire_id: int) -> tuple[QuestionView, ...]:
    questions = db.session.scalars(
        select(Question)
        .where(Question.questionnaire_id == questionnaire_id)
        .options(selectinload(Question.options))
        .order_by(Question.position)
    ).all()
    return tuple(
        QuestionView(
            id=q.id,
            code=q.code,
            kind=q.kind,
            label=q.label,
            label_en=q.label_en,
            help_text=q.help_text,
            help_text_en=q.help_text_en,
            is_required=q.is_required,
            is_overall=q.is_overall,
            options=tuple(OptionView(o.id, o.value, o.label, o.label_en) for o in q.options),
        )
        for q in questions
    )


def questions_of(questionnaire: Questionnaire) -> tuple[QuestionView, ...]:
    """The ordered questions of this version, from the cache when it is published."""
    if questionnaire.status == QuestionnaireStatus.DRAFT:
        return _load(questionnaire.id)
    # The creation time is part of the key: a database rebuilt with the same ids never serves a stale entry.
    key = (questionnaire.id, questionnaire.created_dt)
    with _lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            return cached
    loaded = _load(questionnaire.id)
    with _lock:
        _cache[key] = loaded
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return loaded


def clear_cache() -> None:
    with _lock:
        _cache.clear()

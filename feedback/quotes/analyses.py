"""The analysis of free-text answers, stored once per comment: at submit time, or in batch (`flask analyse`).

At submit time the analysis rows are written in the submit's own transaction, with one executemany statement
for the analyses and one for their aspects (see survey.operations.submit_response). In batch, comments are parsed
with the pipeline's batch mode. Each comment is analysed with the wording of the question it answers: the words
of the question are no theme of its answers. If the analysis of a comment
ever fails, the response is stored all the same and the comment is left for `flask analyse`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, Select, delete, func, insert, select, union_all

from feedback.analysis.comments import CommentAnalysis as Analysis
from feedback.analysis.comments import analyse_document
from feedback.analysis.language import parse, parse_many
from feedback.analysis.quotes import is_quotable, word_count
from feedback.analysis.text import fold, normalise
from feedback.analysis.themes import question_words
from feedback.analysis.version import analysis_version
from feedback.db import db, utcnow
from feedback.models import Answer, CommentAnalysis, CommentPhrase, Question, Response, Speaker, User

logger = logging.getLogger(__name__)

#: More sources of names to mask, each a function returning a SELECT of one column of names. Participants of
#: attendance lists will add theirs here when lists keep names (today they keep a keyed hash only).
NAME_SOURCES: list[Callable[[], Select]] = []


def register_name_source(source: Callable[[], Select]) -> None:
    """Mask these names too in every comment analysed from now on (`flask analyse --all` for past ones)."""
    if source not in NAME_SOURCES:
        NAME_SOURCES.append(source)


def known_names() -> tuple[str, ...]:
    """Speakers' and staff accounts' names (and registered sources'), sorted: one query, one compiled pattern."""
    queries = [select(Speaker.name.label("name")), select(User.name.label("name")), *(s() for s in NAME_SOURCES)]
    names = db.session.scalars(union_all(*queries)).all()
    return tuple(sorted({name.strip() for name in names if name and name.strip()}))


def search_text(text: str) -> str:
    """The folded form searched on: lower case, no accents, one kind of apostrophe ("Réseau" -> "reseau")."""
    return fold(normalise(text))


@dataclass(frozen=True)
class PendingComment:
    answer_id: int
    response_id: int
    text: str
    overall_level: int | None = None
    #: The wording of the question the comment answers: its words are no theme of the comment.
    question: str | None = None


@dataclass
class PreparedComment:
    """A comment analysed and ready to store: its rows lack only the answer's and the response's ids."""

    row: dict
    phrases: list[dict]

    def with_ids(self, answer_id: int, response_id: int) -> tuple[dict, list[dict]]:
        ids = {"answer_id": answer_id, "response_id": response_id}
        return {**self.row, **ids}, [{**phrase, **ids} for phrase in self.phrases]


def prepare_comment(
    text: str,
    overall_level: int | None,
    names: tuple[str, ...],
    *,
    question: str | None = None,
    version: str | None = None,
    now=None,
    doc=None,
) -> PreparedComment | None:
    """Analyse one comment (pure CPU: no lock held); None, logged, if its analysis fails. `doc`: its parse, when
    the caller parsed a batch at once."""
    try:
        analysis = analyse_document(
            doc if doc is not None else parse(text),
            names=names,
            overall_level=overall_level,
            question_words=question_words(question),
        )
        return _prepared(analysis, version or analysis_version(), now or utcnow())
    except Exception:  # a participant's response must be stored even if the analysis of a comment breaks
        logger.exception("analysis of a comment failed; left for `flask analyse`")
        return None


def _prepared(analysis: Analysis, version: str, now: datetime) -> PreparedComment:
    masked = analysis.masked
    rules = [cue.rule for cue in analysis.tone.cues]
    row = {
        "tone": analysis.tone.label,
        "cues": [cue.as_dict() for cue in analysis.tone.cues],
        "explanation": analysis.tone.explain(),
        "masked_text": masked.text,
        "search_text": search_text(masked.text),
        "word_count": min(word_count(masked.text), 32_000),
        "has_personal_data": masked.has_personal_data,
        "is_quotable": is_quotable(masked.text, analysis.tone.label, rules, masked.has_personal_data),
        "version": version,
        "analysed_dt": now,
    }
    phrases = [
        {"phrase_key": key[:200], "phrase": phrase[:200], "tone": row["tone"], "aspect_tone": tone or row["tone"]}
        for key, (phrase, tone) in analysis.for_themes().keyed().items()
    ]
    return PreparedComment(row, list({phrase["phrase_key"]: phrase for phrase in phrases}.values()))


def analysis_rows(comments: Iterable[PendingComment], names: Sequence[str]) -> tuple[list[dict], list[dict]]:
    """The rows to insert for these comments, parsed in one batch; a comment whose analysis fails is left out."""
    version, now, names = analysis_version(), utcnow(), tuple(names)
    comments = list(comments)
    rows, phrase_rows = [], []
    for comment, doc in zip(comments, parse_many(comment.text for comment in comments), strict=True):
        prepared = prepare_comment(
            comment.text, comment.overall_level, names, question=comment.question, version=version, now=now, doc=doc
        )
        if prepared is not None:
            row, phrases = prepared.with_ids(comment.answer_id, comment.response_id)
            rows.append(row)
            phrase_rows.extend(phrases)
    return rows, phrase_rows


def insert_analyses(connection: Connection, rows: list[dict], phrase_rows: list[dict]) -> None:
    """Two executemany statements, whatever the number of comments."""
    if rows:
        connection.execute(insert(CommentAnalysis.__table__), rows)
    if phrase_rows:
        connection.execute(insert(CommentPhrase.__table__), phrase_rows)


def prepare_submitted_comments(
    texts: Sequence[str], overall_level: int | None, questions: Sequence[str | None] = ()
) -> list[PreparedComment | None]:
    """The analysis of a response's comments, done before its first write: SQLite's write lock is held for the
    inserts only, never while the text is analysed. `questions`: the wording of the question each text answers."""
    names = known_names()
    version, now = analysis_version(), utcnow()
    questions = list(questions) or [None] * len(texts)
    return [
        prepare_comment(text, overall_level, names, question=question, version=version, now=now)
        for text, question in zip(texts, questions, strict=True)
    ]


def store_submitted_comments(
    connection: Connection, prepared: Sequence[PreparedComment | None], answer_ids: Sequence[int], response_id: int
) -> None:
    """Store the prepared analyses with their answers' ids, in the submit's transaction."""
    rows, phrase_rows = [], []
    for comment, answer_id in zip(prepared, answer_ids, strict=True):
        if comment is not None:
            row, phrases = comment.with_ids(answer_id, response_id)
            rows.append(row)
            phrase_rows.extend(phrases)
    insert_analyses(connection, rows, phrase_rows)


# --- Batch ------------------------------------------------------------------------------------------------------


def _text_answers() -> Select:
    return (
        select(Answer.id, Answer.response_id, Answer.text, Response.overall_level, Question.label)
        .join(Response, Response.id == Answer.response_id)
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.text.is_not(None), Answer.text != "")
    )


def pending_answers(*, everything: bool = False) -> Select:
    """Text answers without an analysis, or analysed by other rules than today's (all of them with `everything`)."""
    query = _text_answers()
    if not everything:
        current = select(CommentAnalysis.answer_id).where(CommentAnalysis.version == analysis_version())
        query = query.where(Answer.id.not_in(current))
    return query.order_by(Answer.id)


@dataclass
class BatchSummary:
    analysed: int = 0
    new: int = 0
    replaced: int = 0
    failed: int = 0
    tones: dict[str, int] = field(default_factory=dict)
    masked: int = 0


def analyse_pending(
    *, everything: bool = False, chunk: int = 500, progress: Callable[[int], None] | None = None
) -> BatchSummary:
    """Analyse what needs it, `chunk` comments per transaction (commits: a long run keeps what it has done).

    Idempotent: a second run finds nothing to do until the lexicon, the rules or the stored comments change.
    """
    ids = db.session.scalars(pending_answers(everything=everything).with_only_columns(Answer.id)).all()
    summary = BatchSummary()
    names = known_names()
    for start in range(0, len(ids), chunk):
        batch_ids = ids[start : start + chunk]
        comments = [
            PendingComment(*row)
            for row in db.session.execute(_text_answers().where(Answer.id.in_(batch_ids)).order_by(Answer.id))
        ]
        old = set(db.session.scalars(select(CommentAnalysis.answer_id).where(CommentAnalysis.answer_id.in_(batch_ids))))
        rows, phrase_rows = analysis_rows(comments, names)
        connection = db.session.connection()
        if old:
            connection.execute(delete(CommentPhrase.__table__).where(CommentPhrase.answer_id.in_(old)))
            connection.execute(delete(CommentAnalysis.__table__).where(CommentAnalysis.answer_id.in_(old)))
        insert_analyses(connection, rows, phrase_rows)
        db.session.commit()
        summary.analysed += len(rows)
        summary.failed += len(comments) - len(rows)
        summary.replaced += sum(1 for row in rows if row["answer_id"] in old)
        summary.new += sum(1 for row in rows if row["answer_id"] not in old)
        summary.masked += sum(1 for row in rows if row["has_personal_data"])
        for row in rows:
            summary.tones[row["tone"]] = summary.tones.get(row["tone"], 0) + 1
        if progress is not None:
            progress(len(batch_ids))
    return summary


def count_pending(*, everything: bool = False) -> int:
    query = pending_answers(everything=everything).order_by(None).with_only_columns(func.count(Answer.id))
    return db.session.scalar(query) or 0

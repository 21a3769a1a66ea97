"""The analysis of free-text answers, stored once per comment: right after a submit, or in batch (`flask analyse`).

A submit stores the answers and sends `signals.comments_submitted`; once its transaction has committed, the job
queue is asked to analyse the response (`quotes/tasks.py`, `analyse_submitted_comments` in `flask queue-worker`):
the participant never waits on the language pipeline and the web workers never load it. Its rows are written with
one executemany statement for the analyses and one for their phrases. If the queue cannot take the task (its
storage is down), or a worker dies with it, the comments are caught up by the queue's periodic run
(`analyse_unanalysed`) and by `flask analyse`, which finds every comment without an analysis of the current
version.
Each comment is analysed with the wording of the question it answers: the words of the question are no theme
of its answers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from flask import has_request_context
from sqlalchemy import Connection, Select, delete, event, func, insert, select, union_all, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from feedback.analysis.comments import CommentAnalysis as Analysis
from feedback.analysis.comments import analyse_document
from feedback.analysis.language import parse_many
from feedback.analysis.quotes import is_quotable, word_count
from feedback.analysis.theme_words import question_words
from feedback.analysis.version import analysis_version
from feedback.comments.filters import search_text
from feedback.db import db, table_of, utcnow
from feedback.models import Answer, CommentAnalysis, CommentPhrase, Question, Quote, Response, Speaker, User
from feedback.signals import comments_submitted

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


@dataclass(frozen=True)
class PendingComment:
    answer_id: int
    response_id: int
    text: str
    overall_level: int | None = None
    #: The wording of the question the comment answers: its words are no theme of the comment.
    question: str | None = None
    #: The tone staff set by hand (`Quote.tone`): it stands over the analysis' verdict, re-analysis or not.
    corrected_tone: str | None = None


@dataclass
class PreparedComment:
    """A comment analysed and ready to store: its rows lack only the answer's and the response's ids."""

    row: dict
    phrases: list[dict]

    def with_ids(self, answer_id: int, response_id: int) -> tuple[dict, list[dict]]:
        ids = {"answer_id": answer_id, "response_id": response_id}
        return {**self.row, **ids}, [{**phrase, **ids} for phrase in self.phrases]


def tone_columns(tone: str, *, masked_text: str, cues: Sequence[dict], has_personal_data: bool) -> dict:
    """The columns of a stored analysis that its tone decides: the tone pages and figures count, and whether the
    comment may be suggested as a quote. The one place both the analysis and a correction by staff go through."""
    rules = [cue["rule"] for cue in cues]
    return {"tone": tone, "is_quotable": is_quotable(masked_text, tone, rules, has_personal_data)}


def _prepared(analysis: Analysis, version: str, now: datetime, corrected_tone: str | None = None) -> PreparedComment:
    masked = analysis.masked
    cues = [cue.as_dict() for cue in analysis.tone.cues]
    row = {
        "analysed_tone": analysis.tone.label,
        "tone_uncertain": analysis.tone.is_uncertain,
        "cues": cues,
        "explanation": analysis.tone.explain(),
        "masked_text": masked.text,
        "search_text": search_text(masked.text),
        "word_count": min(word_count(masked.text), 32_000),
        "has_personal_data": masked.has_personal_data,
        **tone_columns(
            corrected_tone or analysis.tone.label,
            masked_text=masked.text,
            cues=cues,
            has_personal_data=masked.has_personal_data,
        ),
        "version": version,
        "analysed_dt": now,
    }
    # An aspect keeps the tone of its own clauses, whatever the comment's (a correction is about the comment).
    phrases = [
        {
            "phrase_key": key[:200],
            "phrase": phrase[:200],
            "tone": row["tone"],
            "aspect_tone": tone or analysis.tone.label,
        }
        for key, (phrase, tone) in analysis.for_themes().keyed().items()
    ]
    return PreparedComment(row, list({phrase["phrase_key"]: phrase for phrase in phrases}.values()))


def store_tone(analysis: CommentAnalysis, tone: str) -> None:
    """Give a stored analysis this tone (staff's correction, or the analysis' own back), its phrases' copy included:
    no re-analysis, so no language pipeline in a web worker."""
    columns = tone_columns(
        tone, masked_text=analysis.masked_text, cues=analysis.cues, has_personal_data=analysis.has_personal_data
    )
    analysis.tone, analysis.is_quotable = columns["tone"], columns["is_quotable"]
    db.session.execute(update(CommentPhrase).where(CommentPhrase.answer_id == analysis.answer_id).values(tone=tone))


def analysis_rows(comments: Iterable[PendingComment], names: Sequence[str]) -> tuple[list[dict], list[dict]]:
    """The rows to insert for these comments, parsed as one batch; a comment whose analysis fails is left out."""
    version, now, names = analysis_version(), utcnow(), tuple(names)
    comments = list(comments)
    rows, phrase_rows = [], []
    for comment, doc in zip(comments, parse_many(comment.text for comment in comments), strict=True):
        try:
            analysis = analyse_document(
                doc,
                names=names,
                overall_level=comment.overall_level,
                question_words=question_words(comment.question),
            )
        except Exception:  # one comment's failure must not stop the others
            logger.exception("analysis of a comment failed; left for `flask analyse`")
            continue
        prepared = _prepared(analysis, version, now, comment.corrected_tone)
        row, phrases = prepared.with_ids(comment.answer_id, comment.response_id)
        rows.append(row)
        phrase_rows.extend(phrases)
    return rows, phrase_rows


def insert_analyses(connection: Connection, rows: list[dict], phrase_rows: list[dict]) -> None:
    """Two executemany statements, whatever the number of comments."""
    if rows:
        connection.execute(insert(table_of(CommentAnalysis)), rows)
    if phrase_rows:
        connection.execute(insert(table_of(CommentPhrase)), phrase_rows)


def analyse_submitted_comments(response_id: int) -> int:
    """Analyse and store a just-submitted response's comments, in a transaction of its own; the number stored.

    Nothing is stored if the submit was rolled back (no answers are found) or if `flask analyse` got there
    first (the primary key refuses the second row: that transaction is rolled back, the first one stands)."""
    comments = [
        PendingComment(*row) for row in db.session.execute(pending_answers().where(Answer.response_id == response_id))
    ]
    if not comments:
        return 0
    rows, phrase_rows = analysis_rows(comments, known_names())
    try:
        insert_analyses(db.session.connection(), rows, phrase_rows)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return 0
    return len(rows)


#: session.info key: the responses whose comments the queue analyses once the submit's transaction has committed.
PENDING_KEY = "responses_to_analyse"


@comments_submitted.connect
def _analyse_after_the_commit(_sender, *, response_id: int) -> None:
    """Outside a request (imports, the demo), `flask analyse` does the work in batch instead."""
    if has_request_context():
        db.session.info.setdefault(PENDING_KEY, []).append(response_id)


def _enqueue_after_commit(session: Session) -> None:
    response_ids = session.info.pop(PENDING_KEY, None)
    if not response_ids:
        return
    from feedback.quotes.tasks import analyse_response

    for response_id in response_ids:
        try:
            analyse_response(response_id)
        except Exception:  # the queue's storage is down: the periodic catch-up and `flask analyse` find them
            logger.exception("analysis of response %s not enqueued; left for the catch-up", response_id)


def _forget_after_rollback(session: Session, previous_transaction) -> None:
    session.info.pop(PENDING_KEY, None)


if not event.contains(Session, "after_commit", _enqueue_after_commit):
    event.listen(Session, "after_commit", _enqueue_after_commit)
    event.listen(Session, "after_soft_rollback", _forget_after_rollback)


def analyse_unanalysed(*, submitted_before: datetime | None = None, chunk: int = 200) -> int:
    """The queue's catch-up: analyse the comments that have no analysis at all (their task was lost with a killed
    worker, or never enqueued), of responses submitted before `submitted_before`; the number stored.

    Comments analysed by an older version are `flask analyse`'s work, not this one's: a rules change re-analyses
    every comment, which is an operator's decision. Safe beside the per-response tasks: a chunk that meets a
    comment analysed meanwhile is rolled back and done response by response, where the primary key keeps one row.
    """
    query = (
        _text_answers()
        .with_only_columns(Answer.response_id)
        .where(Answer.id.not_in(select(CommentAnalysis.answer_id)))
        .distinct()
        .order_by(Answer.response_id)
    )
    if submitted_before is not None:
        query = query.where(Response.submitted_dt < submitted_before)
    response_ids = db.session.scalars(query).all()
    db.session.rollback()
    stored, names = 0, known_names()
    for start in range(0, len(response_ids), chunk):
        batch = response_ids[start : start + chunk]
        comments = [
            PendingComment(*row)
            for row in db.session.execute(
                _text_answers()
                .where(Answer.response_id.in_(batch), Answer.id.not_in(select(CommentAnalysis.answer_id)))
                .order_by(Answer.id)
            )
        ]
        rows, phrase_rows = analysis_rows(comments, names)
        try:
            insert_analyses(db.session.connection(), rows, phrase_rows)
            db.session.commit()
            stored += len(rows)
        except IntegrityError:
            db.session.rollback()
            stored += sum(analyse_submitted_comments(response_id) for response_id in batch)
    return stored


# --- Batch ------------------------------------------------------------------------------------------------------


def _text_answers() -> Select:
    """The columns of `PendingComment`, in its order."""
    return (
        select(Answer.id, Answer.response_id, Answer.text, Response.overall_level, Question.label, Quote.tone)
        .join(Response, Response.id == Answer.response_id)
        .join(Question, Question.id == Answer.question_id)
        .outerjoin(Quote, Quote.answer_id == Answer.id)
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
            connection.execute(delete(table_of(CommentPhrase)).where(CommentPhrase.answer_id.in_(old)))
            connection.execute(delete(table_of(CommentAnalysis)).where(CommentAnalysis.answer_id.in_(old)))
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

"""State changes of the quotes workspace: a comment's status, its edited text and its corrected tone, with who and
when."""

from __future__ import annotations

import unicodedata

from feedback.db import db, utcnow
from feedback.errors import Refusal
from feedback.models import QUOTE_TRANSITIONS, TONES, CommentAnalysis, Quote, QuoteStatus, User
from feedback.quotes.analyses import store_tone
from feedback.signals import quote_approved

MAX_QUOTE_LENGTH = 2000


class QuoteRefused(Refusal):
    """A move or an edit that the workflow does not allow; the message is for the user (French)."""


def _quote_of(answer_id: int) -> Quote:
    quote = db.session.get(Quote, answer_id)
    if quote is None:
        quote = Quote(answer_id=answer_id, status=QuoteStatus.NEW)
        db.session.add(quote)
    return quote


def change_status(answer_id: int, status: QuoteStatus, user: User) -> Quote:
    """Move a comment along new -> shortlisted -> approved / rejected; an illegal move is refused."""
    quote = _quote_of(answer_id)
    current = quote.status or QuoteStatus.NEW
    if status == current:
        return quote
    if status not in QUOTE_TRANSITIONS[current]:
        raise QuoteRefused(f"Passage impossible de « {current.value} » à « {status.value} ».")
    quote.status = status
    quote.status_by_id = user.id
    quote.status_dt = utcnow()
    db.session.flush()
    if status == QuoteStatus.APPROVED:
        quote_approved.send(answer_id=answer_id)
    return quote


def edit_quote(answer_id: int, text: str, masked_text: str, user: User) -> Quote:
    """Store staff's version of the text to quote; the participant's comment is never changed.

    An empty text, or the masked comment itself, goes back to the comment as written.
    """
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").strip()
    if len(text) > MAX_QUOTE_LENGTH:
        raise QuoteRefused(f"Une citation compte au plus {MAX_QUOTE_LENGTH} caractères.")
    quote = _quote_of(answer_id)
    if quote.status == QuoteStatus.REJECTED:
        raise QuoteRefused("Une citation écartée ne se modifie pas : remettez-la d'abord à trier.")
    quote.text = text if text and text != masked_text else None
    quote.edited_by_id = user.id
    quote.edited_dt = utcnow()
    db.session.flush()
    return quote


def correct_tone(answer_id: int, tone: str | None, user: User) -> Quote:
    """Staff's tone for a comment: the analysis' verdict confirmed, or corrected (none: back to the analysis',
    unchecked). Every page, figure and export counts it at once, and re-analyses keep it
    (`analyses.PendingComment.corrected_tone`); a checked comment is no longer « à vérifier »."""
    if tone is not None and tone not in TONES:
        raise QuoteRefused("Ton inconnu : choisissez positif, mitigé, négatif ou neutre.")
    analysis = db.session.get(CommentAnalysis, answer_id)
    if analysis is None:
        raise QuoteRefused("Ce commentaire n'est pas encore analysé : réessayez dans un instant.")
    quote = _quote_of(answer_id)
    quote.tone = tone
    quote.tone_by_id = user.id if tone else None
    quote.tone_dt = utcnow() if tone else None
    store_tone(analysis, tone or analysis.analysed_tone)
    db.session.flush()
    return quote

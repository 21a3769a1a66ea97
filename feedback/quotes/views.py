"""The quotes workspace (communication staff, managers, admins): comments, suggestions, themes, exports."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask import Response as HttpResponse
from flask_login import current_user
from sqlalchemy import func, select

from feedback.analysis.clouds import cached_cloud, cached_file
from feedback.auth.access import roles_required
from feedback.comments import themes as theme_queries
from feedback.comments.filters import (
    LENGTH_LABELS,
    STATUS_LABELS,
    TO_CHECK,
    TO_CHECK_LABEL,
    TONE_LABELS,
    CommentFilters,
)
from feedback.comments.rows import CommentRow, approved_quotes, tone_check
from feedback.db import db, utcnow
from feedback.disclosure import threshold
from feedback.errors import Refusal, save, show_refusal
from feedback.exports import (
    DOCUMENT_FORMATS,
    Column,
    ExportDocument,
    ExportTable,
    Paragraph,
    Picture,
    document_response,
    table_response,
)
from feedback.labels import AXIS_LABELS, MODALITY_LABELS, department_choices
from feedback.models import Axis, Modality, QuoteStatus, Response, Role, Speaker, Training
from feedback.quotes import queries
from feedback.quotes.forms import QuoteTextForm, StatusForm, ToneForm
from feedback.quotes.operations import change_status, correct_tone, edit_quote
from feedback.scores import default_year as scores_default_year

bp = Blueprint("quotes", __name__, url_prefix="/quotes")

quote_staff = roles_required(Role.ADMIN, Role.MANAGER, Role.COMMUNICATION)
SIMULTANEOUS = "Ce commentaire vient d'être modifié par quelqu'un d'autre : rien n'a changé, réessayez."

#: The buttons of each status: (target status, label).
ACTIONS = {
    QuoteStatus.NEW: [(QuoteStatus.SHORTLISTED, "Présélectionner"), (QuoteStatus.REJECTED, "Écarter")],
    QuoteStatus.SHORTLISTED: [
        (QuoteStatus.APPROVED, "Approuver"),
        (QuoteStatus.REJECTED, "Écarter"),
        (QuoteStatus.NEW, "Remettre à trier"),
    ],
    QuoteStatus.APPROVED: [(QuoteStatus.SHORTLISTED, "Retirer l'approbation")],
    QuoteStatus.REJECTED: [(QuoteStatus.NEW, "Remettre à trier")],
}


def _filters(*, default_year: Callable[[], int] | None = None) -> CommentFilters:
    """The URL's filters, with the viewer's disclosure threshold (comments of small anonymous sessions left out)."""
    return replace(CommentFilters.from_args(request.args, default_year=default_year), min_answers=threshold())


def _comment_or_404(answer_id: int, *, include_original: bool) -> CommentRow:
    """A consented comment the viewer may see (the disclosure rule withholds those of small anonymous sessions)."""
    return queries.get_comment(answer_id, include_original=include_original, min_answers=threshold()) or abort(404)


def _page_number() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 100_000 else 1


def _years() -> list[int]:
    first, last = db.session.execute(select(func.min(Response.session_date), func.max(Response.session_date))).one()
    return list(range(last.year, first.year - 1, -1)) if first else [utcnow().year]


def _choices() -> dict:
    return {
        "years": _years(),
        "axes": [(axis.value, AXIS_LABELS[axis]) for axis in Axis],
        "modalities": [(modality.value, MODALITY_LABELS[modality]) for modality in Modality],
        "departments": department_choices(),
        "trainings": db.session.execute(select(Training.id, Training.title).order_by(Training.title)).all(),
        "speakers": db.session.execute(select(Speaker.id, Speaker.name).order_by(Speaker.name)).all(),
        "tones": [*TONE_LABELS.items(), (TO_CHECK, TO_CHECK_LABEL)],
        "lengths": list(LENGTH_LABELS.items()),
        "statuses": list(STATUS_LABELS.items()),
    }


def _context(filters: CommentFilters, endpoint: str) -> dict:
    return {
        "filters": filters,
        "choices": _choices(),
        "endpoint": endpoint,
        "tone_labels": TONE_LABELS,
        "status_labels": STATUS_LABELS,
        "actions": ACTIONS,
        "status_form": StatusForm(),
    }


def _safe_next(default: str) -> str:
    """Back to the page the button was on: a path of this workspace only, never another site."""
    target = request.form.get("next", "")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/quotes") or target.startswith("//"):
        return default
    return target


@bp.get("/")
@quote_staff
def index():
    """Every comment whose author consented to be quoted, filtered from the URL, newest first."""
    filters = _filters()
    page = queries.comment_page(filters, _page_number(), include_original=current_user.is_admin)
    return render_template("quotes/index.html", page=page, **_context(filters, "quotes.index"))


@bp.get("/<int:answer_id>")
@quote_staff
def detail(answer_id: int):
    """One comment: its text as written (masked), the text to quote, its status and attribution."""
    comment = _comment_or_404(answer_id, include_original=current_user.is_admin)
    return _detail_page(comment, QuoteTextForm(text=comment.text))


def _detail_page(comment: CommentRow, form: QuoteTextForm) -> str:
    tone_form = ToneForm(tone=comment.corrected_tone or "")
    context = _context(_filters(), "quotes.detail")
    return render_template("quotes/detail.html", comment=comment, form=form, tone_form=tone_form, **context)


@bp.post("/<int:answer_id>/statut")
@quote_staff
def change_quote_status(answer_id: int):
    """Move a comment along the workflow (who and when are kept)."""
    comment = _comment_or_404(answer_id, include_original=False)
    form = StatusForm()
    back = _safe_next(url_for("quotes.detail", answer_id=answer_id))
    if not form.validate_on_submit():
        flash("Action non reconnue : rien n'a changé.", "error")
        return redirect(back)
    try:
        save(
            lambda: change_status(comment.answer_id, QuoteStatus(form.status.data), current_user), conflict=SIMULTANEOUS
        )
    except Refusal as refusal:
        show_refusal(refusal)
        return redirect(back)
    flash(f"Commentaire : {STATUS_LABELS[QuoteStatus(form.status.data)].lower()}.", "success")
    return redirect(back)


@bp.post("/<int:answer_id>/ton")
@quote_staff
def correct_comment_tone(answer_id: int):
    """Confirm or correct the tone of a comment (or give it back to the analysis): every page, figure and export
    counts it at once, and re-analyses keep it."""
    comment = _comment_or_404(answer_id, include_original=False)
    form = ToneForm()
    back = _safe_next(url_for("quotes.detail", answer_id=answer_id))
    if not form.validate_on_submit():
        flash("Ton non reconnu : rien n'a changé.", "error")
        return redirect(back)
    try:
        save(lambda: correct_tone(comment.answer_id, form.tone.data or None, current_user), conflict=SIMULTANEOUS)
    except Refusal as refusal:
        show_refusal(refusal)
        return redirect(back)
    if form.tone.data:
        done = tone_check(form.tone.data, comment.analysed_tone, uncertain=False)
        flash(f"Ton {done} : {TONE_LABELS[form.tone.data].lower()}.", "success")
    else:
        flash("Le commentaire reprend le ton de l'analyse.", "success")
    return redirect(back)


@bp.post("/<int:answer_id>/texte")
@quote_staff
def edit_quote_text(answer_id: int):
    """Save staff's version of the quote; the comment as written stays stored and shown."""
    comment = _comment_or_404(answer_id, include_original=current_user.is_admin)
    form = QuoteTextForm()
    if form.validate_on_submit():
        try:
            save(
                lambda: edit_quote(comment.answer_id, form.text.data or "", comment.masked_text, current_user),
                conflict=SIMULTANEOUS,
            )
        except Refusal as refusal:
            show_refusal(refusal)
        else:
            flash("Texte de la citation enregistré.", "success")
            return redirect(_safe_next(url_for("quotes.detail", answer_id=answer_id)))
    return _detail_page(comment, form), 422 if form.errors else 200


@bp.get("/suggestions")
@quote_staff
def suggestions():
    """For each top theme, the most quotable comments: picking the report's quotes takes minutes."""
    filters = _filters(default_year=scores_default_year)
    return render_template(
        "quotes/suggestions.html",
        suggestions=queries.suggestions(filters),
        **_context(filters, "quotes.suggestions"),
    )


@bp.get("/themes")
@quote_staff
def themes():
    """The themes of a period and scope (training, trainer, axis...), those that grew, and their word cloud."""
    filters = _filters(default_year=scores_default_year).catalogue_only()
    return render_template(
        "quotes/themes.html",
        themes=theme_queries.themes_for(filters, limit=30),
        emerging=theme_queries.emerging_for(filters),
        comments=theme_queries.count_comments(filters.response_conditions()),
        **_context(filters, "quotes.themes"),
    )


@bp.get("/nuage.png", defaults={"file_format": "png"})
@bp.get("/nuage.svg", defaults={"file_format": "svg"})
@quote_staff
def cloud(file_format: str):
    """The word cloud of the scope's themes (PNG or SVG), drawn once per set of counts and kept on disk."""
    filters = _filters(default_year=scores_default_year).catalogue_only()
    directory = Path(current_app.instance_path) / "wordclouds"
    # Found again without counting while the scope's comments stay the same; drawn once per set of counts.
    state = theme_queries.scope_state(filters.response_conditions())
    scope = hashlib.sha256(json.dumps([filters.to_args(), state, file_format]).encode()).hexdigest()[:32]
    content, _cached = cached_file(
        directory,
        f"scope-{scope}.{file_format}",
        lambda: cached_cloud(theme_queries.theme_frequencies(filters), file_format, directory)[0],
    )
    mimetype = "image/svg+xml" if file_format == "svg" else "image/png"
    response = HttpResponse(content, mimetype=mimetype)
    if request.args.get("telecharger"):
        response.headers["Content-Disposition"] = f'attachment; filename="nuage-themes.{file_format}"'
    return response


EXPORT_COLUMNS = [
    Column("text", "Citation"),
    Column("attribution", "Attribution"),
    Column("original", "Commentaire d'origine (masqué)"),
    Column("training", "Formation"),
    Column("date", "Date de la session"),
    Column("department", "Département"),
    Column("tone", "Ton"),
    Column("approved_by", "Approuvée par"),
    Column("approved_dt", "Approuvée le"),
]


@bp.get("/citations.docx", defaults={"file_format": "docx"})
@bp.get("/citations.md", defaults={"file_format": "md"})
@bp.get("/citations.csv", defaults={"file_format": "csv"})
@bp.get("/citations.xlsx", defaults={"file_format": "xlsx"})
@quote_staff
def export(file_format: str):
    """The approved quotes of the filters: DOCX (ready to paste), Markdown, CSV or XLSX."""
    filters = _filters()
    quotes = approved_quotes(filters)
    title = f"Citations approuvées {filters.period_label}"
    if file_format in DOCUMENT_FORMATS:
        paragraphs: list[Paragraph | ExportTable | Picture] = []
        for quote in quotes:
            paragraphs += [Paragraph(f"« {quote.text} »", "quote"), Paragraph(quote.attribution, "attribution")]
        if not quotes:
            paragraphs.append(Paragraph("Aucune citation approuvée pour ces filtres."))
        return document_response(ExportDocument(title, paragraphs), file_format)
    rows = [
        {
            "text": quote.text,
            "attribution": quote.attribution,
            "original": quote.masked_text,
            "training": quote.training_title,
            "date": quote.session_date,
            "department": quote.department or "",
            "tone": TONE_LABELS.get(quote.tone, quote.tone),
            "approved_by": quote.status_by or "",
            "approved_dt": quote.status_dt.replace(tzinfo=None) if quote.status_dt else None,
        }
        for quote in quotes
    ]
    return table_response(ExportTable(title, EXPORT_COLUMNS, rows), file_format)

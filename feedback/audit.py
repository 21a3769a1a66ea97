"""The audit log: who downloaded what, who changed a questionnaire, a quote or an account, and each purge.

`record` adds an event to the current transaction, so that it is written with the change it describes (or not at
all). Details are ids, formats, filters, statuses and roles: never participant text (answers, comments, quotes).

Where events come from, each in one place:
- downloads: `exports.table_response` and `exports.document_response` (every CSV, XLSX, DOCX, Markdown export),
  and the builder's JSON export;
- questionnaires: the builder's single commit point (`builder.views._save`), named after the view;
- quotes: `record_quote_change`, called for every Quote row whose status, text or tone changes in a flush (the listener
  below), so that the quotes workspace needs no call of its own;
- accounts: `accounts.operations`; purges: `flask purge`;
- API tokens: `auth.api_tokens` (created, revoked); changes made through the API: the API's views (with the token).
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from feedback.db import db, utcnow
from feedback.models import AuditEvent, Quote, User

#: French labels of the actions, for the admin page (an action missing here shows as its code).
ACTION_LABELS = {
    "export.download": "Téléchargement d'un export",
    "questionnaire.new_from_library": "Questionnaire créé (modèle)",
    "questionnaire.import_json": "Questionnaire importé (JSON)",
    "questionnaire.update": "Questionnaire modifié",
    "questionnaire.add_question": "Question ajoutée",
    "questionnaire.edit_question": "Question modifiée",
    "questionnaire.remove_question": "Question retirée",
    "questionnaire.move_question": "Question déplacée",
    "questionnaire.reorder_questions": "Questions réordonnées",
    "questionnaire.publish": "Questionnaire publié",
    "questionnaire.new_version": "Nouvelle version",
    "questionnaire.duplicate": "Questionnaire dupliqué",
    "questionnaire.archive": "Questionnaire archivé",
    "questionnaire.delete": "Brouillon supprimé",
    "questionnaire.modality_defaults": "Questionnaires par modalité",
    "quote.status": "Citation : statut changé",
    "quote.edit": "Citation : texte modifié",
    "quote.tone": "Commentaire : ton vérifié ou corrigé",
    "account.invite": "Compte : invitation envoyée",
    "account.activate": "Compte : mot de passe choisi (invitation)",
    "account.password_reset": "Compte : mot de passe réinitialisé",
    "account.role": "Compte : rôle changé",
    "account.deactivate": "Compte : désactivé",
    "account.reactivate": "Compte : réactivé",
    "purge": "Purge (conservation des données)",
    "api_token.create": "Jeton d'API créé",
    "api_token.revoke": "Jeton d'API révoqué",
    "api.session_create": "API : session créée",
    "api.session_update": "API : session modifiée",
    "api.session_open": "API : questionnaire ouvert",
    "api.session_close": "API : questionnaire fermé",
}

#: Longest string kept in the details: filters and titles, never a document.
MAX_DETAIL_LENGTH = 200


def _clean(value: Any) -> Any:
    """JSON-ready and short: dicts, lists, numbers, booleans and strings cut at MAX_DETAIL_LENGTH."""
    if isinstance(value, dict):
        return {str(key)[:60]: _clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [_clean(item) for item in list(value)[:50]]
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)[:MAX_DETAIL_LENGTH]


def _acting_user() -> User | None:
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def record(
    action: str,
    object_type: str = "",
    object_id: Any = None,
    details: dict[str, Any] | None = None,
    *,
    user: User | None = None,
) -> AuditEvent:
    """Add one event to the session: the caller's commit writes it together with the change it describes."""
    actor = user or _acting_user()
    audit_event = AuditEvent(
        user_id=actor.id if actor is not None else None,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id)[:64],
        details=_clean(details or {}),
        created_dt=utcnow(),
    )
    db.session.add(audit_event)
    return audit_event


def record_download(title: str, file_format: str, rows: int, filters: dict | None = None) -> None:
    """A file leaves the service: logged and committed at once (a download writes nothing else). `filters`: those
    of a file prepared earlier (the job queue's report files), the request's own by default."""
    if not has_request_context():
        return
    if filters is None:
        filters = {key: request.args.getlist(key) for key in request.args}
    details = {"title": title, "format": file_format, "rows": rows, "path": request.path, "filters": filters}
    record("export.download", "export", request.endpoint, details)
    db.session.commit()


def record_quote_change(
    quote: Quote,
    *,
    old_status: str | None,
    text_changed: bool,
    tone_change: tuple[str | None, str | None] | None = None,
) -> None:
    """A comment's status, quoted text or corrected tone changed: who (the quote's own by-fields, else the acting
    user), which comment, never the text. A tone of none is the analysis' own."""
    if old_status is not None and old_status != quote.status:
        user_id = quote.status_by_id
        details = {"from": str(old_status), "to": str(quote.status)}
        _add_quote_event("quote.status", quote, user_id, details)
    if text_changed:
        _add_quote_event("quote.edit", quote, quote.edited_by_id, {"edited": quote.text is not None})
    if tone_change is not None and tone_change[0] != tone_change[1]:
        before, after = tone_change
        _add_quote_event(
            "quote.tone", quote, quote.tone_by_id, {"from": before or "analysis", "to": after or "analysis"}
        )


def _add_quote_event(action: str, quote: Quote, user_id: int | None, details: dict) -> None:
    if user_id is None:
        actor = _acting_user()
        user_id = actor.id if actor is not None else None
    session = inspect(quote).session
    if session is None:
        raise ValueError("a quote's audit event is written in the quote's own session")
    session.add(
        AuditEvent(
            user_id=user_id,
            action=action,
            object_type="comment",
            object_id=str(quote.answer_id),
            details=_clean(details),
            created_dt=utcnow(),
        )
    )


@event.listens_for(Session, "before_flush")
def _audit_quotes(session: Session, flush_context, instances) -> None:
    """Every change of a Quote row, wherever it is made, leaves an event in the same transaction."""
    for quote in [*session.new, *session.dirty]:
        if not isinstance(quote, Quote):
            continue
        state = inspect(quote)
        status = state.attrs.status.history
        text = state.attrs.text.history
        tone = state.attrs.tone.history
        tone_change: tuple[str | None, str | None] | None = None
        if quote in session.new:
            old_status = "new" if quote.status not in (None, "new") else None
            text_changed = quote.text is not None or quote.edited_by_id is not None
            if quote.tone is not None:
                tone_change = (None, quote.tone)
        else:
            old_status = status.deleted[0] if status.has_changes() and status.deleted else None
            text_changed = text.has_changes() or state.attrs.edited_dt.history.has_changes()
            if tone.has_changes():
                tone_change = (tone.deleted[0] if tone.deleted else None, quote.tone)
        if old_status is not None or text_changed or tone_change is not None:
            record_quote_change(quote, old_status=old_status, text_changed=text_changed, tone_change=tone_change)

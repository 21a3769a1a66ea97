"""One kind of refusal: an operation refuses with a French message, the view shows it with what was typed.

Operations raise `Refusal` (or a subclass naming the case) and never roll back; the view calls one operation, and on
a refusal `show_refusal` rolls back once and puts the message on the form, whose fields still hold the input.
"""

from __future__ import annotations

from typing import Any

from flask import flash

from feedback.db import db


class Refusal(Exception):
    """An operation refuses: `message` is French, for the person who asked; `field` names the form field concerned."""

    #: The subclass's message when none is given.
    default_message = "Cette opération a été refusée."
    #: The form field the refusal concerns (None: the form as a whole).
    default_field: str | None = None

    def __init__(self, message: str | None = None, *, field: str | None = None) -> None:
        self.message = message or self.default_message
        self.field = field or self.default_field
        super().__init__(self.message)


def show_refusal(refusal: Refusal, form: Any) -> None:
    """Undo what the refused operation did, then show its message: under its field, or as an error message."""
    db.session.rollback()
    field = getattr(form, refusal.field, None) if refusal.field else None
    if field is not None:
        field.errors = [*field.errors, refusal.message]
    else:
        flash(refusal.message, "error")

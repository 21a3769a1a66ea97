"""One kind of refusal: an operation refuses with a French message, the view shows it with what was typed.

Operations raise `Refusal` (or a subclass naming the case) and never roll back; the view calls one operation and
commits (`commit_or_refuse` when a concurrent request may win a UNIQUE race), and on a refusal `show_refusal` (or
`take_back`) rolls back once and puts the message on the form, whose fields still hold the input. Views never roll back
themselves.
"""

from __future__ import annotations

from typing import Any

from flask import flash
from sqlalchemy.exc import IntegrityError

from feedback.db import db


class Refusal(Exception):
    """An operation refuses: `message` is French, for the person who asked; `field` names the form field concerned."""

    #: The subclass's message when none is given.
    default_message = "Cette opération a été refusée."
    #: The form field the refusal concerns (None: the form as a whole).
    default_field: str | None = None

    def __init__(
        self, message: str | None = None, *, field: str | None = None, problems: list[Any] | None = None
    ) -> None:
        self.problems: list[Any] = list(problems or [])
        self.message = message or "; ".join(str(p) for p in self.problems) or self.default_message
        self.field = field or self.default_field
        super().__init__(self.message)


def commit_or_refuse(conflict: str) -> None:
    """Commit the view's one operation; a UNIQUE conflict with a request that committed first (a colleague acting on
    the same row at the same moment) becomes a `Refusal` saying `conflict`, handled like any other."""
    try:
        db.session.commit()
    except IntegrityError as error:
        raise Refusal(conflict) from error


def take_back(refusal: Refusal) -> list[Any]:
    """Undo what the refused operation did (the one rollback); its problems, for a page that lists them all."""
    db.session.rollback()
    return refusal.problems or [refusal.message]


def show_refusal(refusal: Refusal, form: Any = None) -> None:
    """Undo what the refused operation did, then show its message: under its field, or as an error message."""
    take_back(refusal)
    field = getattr(form, refusal.field, None) if refusal.field else None
    if field is not None:
        field.errors = [*field.errors, refusal.message]
    else:
        flash(refusal.message, "error")

"""One kind of refusal: an operation refuses with a French message, the view shows it with what was typed.

Operations raise `Refusal` (or a subclass naming the case) and never roll back; the view calls one operation and
commits it (`save` where a concurrent request may win a race: its loss is a refusal too), and on a refusal
`show_refusal` (or `take_back`) rolls back once and puts the message on the form, whose fields still hold the input.
Views never roll back themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import flash
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from feedback.db import db

T = TypeVar("T")


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


def save(
    operation: Callable[[], T],
    *,
    conflict: str,
    stale: str | None = None,
    refusal: type[Refusal] = Refusal,
    again_on_conflict: bool = False,
) -> T:
    """Run the view's one operation and commit it; what it returns.

    Another request may win a race: a UNIQUE conflict (both created the same row) becomes a `refusal` saying
    `conflict`, and, when `stale` is given, an edit of a row changed meanwhile (StaleDataError: its version column
    moved between our read and our write) one saying `stale`. Both are then handled like any refusal. A creation may
    be run `again_on_conflict` once, on a fresh transaction: it then sees what the other request committed (a free
    name, the draft it made).
    """
    attempts = 2 if again_on_conflict else 1
    for attempt in range(1, attempts + 1):
        try:
            result = operation()
            db.session.commit()
        except StaleDataError as error:
            if stale is None:
                raise
            raise refusal(stale) from error
        except IntegrityError as error:
            if attempt == attempts:
                raise refusal(conflict) from error
            db.session.rollback()  # not a refusal: the second run starts on a fresh transaction
        else:
            return result
    raise AssertionError("unreachable: the last attempt returns or raises")


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

"""A refused submit: why (`SubmitRefused`, raised by the checks every form's submit makes: `checked_token`), and what
it still has to give back: the answers as sent, readable, and the form's start time.

Whatever stops a submit (the rate limit, a body over the size cap, a closed form, an expired or spent token),
the participant sees again what they typed: nothing typed is ever lost behind an error page.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from flask import current_app, request
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from feedback.answers import ParsedSurvey
from feedback.errors import Refusal
from feedback.form_tokens import SALT, FormToken, TokenExpired, TokenInvalid, read_token
from feedback.models import QuestionKind

#: The four levels of the satisfaction scale and of a grid's lines, as the form shows them (French msgids).
_LEVELS = {4: "Très satisfait", 3: "Satisfait", 2: "Peu satisfait", 1: "Pas du tout satisfait"}


class SubmitRefused(Refusal):
    """A submit refused before anything is stored: the form comes back with every answer, a new token, `message`
    above it (or, for answers to correct, `errors` under each question) and the HTTP `status`.

    `started`: when the refused form was first given, kept in the new token so that sending again at once is not
    taken for a script.
    """

    def __init__(
        self,
        message: str | None = None,
        *,
        status: int = 400,
        errors: dict | None = None,
        started: float | None = None,
    ) -> None:
        super().__init__(message)
        self.notice = message
        self.status = status
        self.errors = errors
        self.started = started


def is_cross_site() -> bool:
    """Browsers say where a POST comes from; refuse one sent by another site's page."""
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return True
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        return urlsplit(origin).netloc != request.host
    return False


def checked_token(session_code: str, *, salt: str = SALT) -> FormToken:
    """The submitted form's token, once the form is known to come from its own page; `SubmitRefused` otherwise."""
    if is_cross_site():
        raise SubmitRefused(
            _("Ce formulaire doit être envoyé depuis la page du questionnaire. Vérifiez vos réponses et renvoyez-le.")
        )
    try:
        return read_token(request.form.get("token", ""), session_code, salt=salt)
    except TokenExpired:
        raise SubmitRefused(
            _(
                "Votre page est restée ouverte très longtemps : vos réponses sont conservées, "
                "vérifiez-les et envoyez à nouveau."
            )
        ) from None
    except TokenInvalid:
        raise SubmitRefused(
            _("Nous n'avons pas pu vérifier ce formulaire : vos réponses sont conservées, envoyez à nouveau.")
        ) from None


def posted_token(formdata, session_code: str) -> FormToken | None:
    """The token sent with the refused form, if it is a genuine one (expired ones included: only its start counts)."""
    try:
        return read_token(formdata.get("token", ""), session_code)
    except (TokenExpired, TokenInvalid):
        return None


def salvaged_form() -> MultiDict:
    """What can be read of a form body over the size cap: its first MAX_CONTENT_LENGTH bytes, decoded as far as
    they go (the field cut by the cap keeps its beginning). Only the browser's own form encoding is read."""
    if request.mimetype != "application/x-www-form-urlencoded":
        return MultiDict()
    cap = current_app.config["MAX_CONTENT_LENGTH"] or 0
    length = request.content_length
    stream = request.environ.get("wsgi.input")
    if stream is None or cap <= 0:
        return MultiDict()
    try:
        raw = stream.read(min(cap, length) if length is not None else cap)
    except OSError:  # the client went away: nothing to show it anyway
        return MultiDict()
    text = raw.decode("ascii", errors="ignore")
    if length is None or length > len(raw):
        # The last escape may be cut in the middle ("%C3%A"): drop its incomplete tail.
        cut = text.rfind("%", max(0, len(text) - 2))
        if cut != -1:
            text = text[:cut]
    return MultiDict(parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="replace"))


def kept_answers(parsed: ParsedSurvey, english: bool) -> list[tuple[object, str]]:
    """Every answer given, as text to read and copy: (question, what was answered), in the questionnaire's order."""

    def label(item) -> str:
        return (item.label_en if english and item.label_en else item.label) or ""

    kept: list[tuple[object, str]] = []
    for answer in parsed.answers.values():
        question = answer.question
        if answer.text:
            kept.append((question, answer.text))
        elif question.kind == QuestionKind.GRID and answer.grid:
            options = {o.value: o for o in question.options}
            lines = [f"{label(options[value])} : {_(_LEVELS[level])}" for value, level in answer.grid.items()]
            kept.append((question, "\n".join(lines)))
        elif answer.option_values and question.kind.has_options:
            options = {o.value: o for o in question.options}
            kept.append((question, ", ".join(label(options[v]) for v in answer.option_values if v in options)))
        elif question.kind == QuestionKind.SATISFACTION and answer.number in _LEVELS:
            kept.append((question, _(_LEVELS[answer.number])))
        elif answer.number is not None:
            kept.append((question, str(answer.number)))
    return kept

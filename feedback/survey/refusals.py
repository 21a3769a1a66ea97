"""What a refused submit still has to give back: the answers as sent, readable, and the form's start time.

Whatever stops a submit (the rate limit, a body over the size cap, a closed form, an expired or spent token),
the participant sees again what they typed: nothing typed is ever lost behind an error page.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from flask import current_app, request
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from feedback.answers import ParsedSurvey
from feedback.form_tokens import FormToken, TokenExpired, TokenInvalid, read_token
from feedback.models import QuestionKind

#: The four levels of the satisfaction scale and of a grid's lines, as the form shows them (French msgids).
_LEVELS = {4: "Très satisfait", 3: "Satisfait", 2: "Peu satisfait", 1: "Pas du tout satisfait"}


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

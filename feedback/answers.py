"""Reading a participant's submitted answers: plain values in, typed values and messages in their language out.

The form is generated from the questionnaire at run time. It is parsed here rather than with a WTForms
class because every kind needs the same loss-proof behaviour: whatever was sent is kept for re-display,
each error is tied to its question, and nothing the participant may not set (session, dates) is read.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

from flask_babel import gettext as _

from feedback.models import Question, QuestionKind

if TYPE_CHECKING:
    from feedback.questionnaire_structure import QuestionView

#: A question as the ORM loads it, or the cached, detached view of questionnaire_structure.py.
AnyQuestion: TypeAlias = "Question | QuestionView"

SHORT_TEXT_MAX = 300
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def clean_text(value: str) -> str:
    """NFC once on input, no control characters (but newlines and tabs), trimmed."""
    value = unicodedata.normalize("NFC", value)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_CHARS.sub("", value).strip()


def field_name(question: AnyQuestion) -> str:
    return f"q-{question.code}"


def grid_field_name(question: AnyQuestion, item_value: str) -> str:
    """One radio group per item of a grid question."""
    return f"q-{question.code}-{item_value}"


@dataclass
class ParsedAnswer:
    question: AnyQuestion
    number: int | None = None
    option_values: list[str] = field(default_factory=list)
    text: str | None = None
    #: Grid questions: item value -> level (1..4).
    grid: dict[str, int] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return self.number is None and not self.option_values and not self.text and not self.grid


@dataclass
class ParsedSurvey:
    answers: dict[str, ParsedAnswer]
    #: Question code -> message, in the participant's language (French msgids, translated by Flask-Babel).
    errors: dict[str, str]
    #: What was sent, by field name, to fill the form again.
    submitted: dict[str, list[str]]
    consents_to_quote: bool

    @property
    def is_valid(self) -> bool:
        return not self.errors


def _parse_int(raw: str, low: int, high: int) -> int | None:
    raw = raw.strip()
    if not raw.isascii() or not raw.isdigit():
        return None
    value = int(raw)
    return value if low <= value <= high else None


# Over the complexity limit: one branch per question kind, all sharing the keep-what-was-sent handling.
def parse_survey(questions: Iterable[AnyQuestion], formdata, *, max_text_length: int) -> ParsedSurvey:  # noqa: C901
    """Validate every answer of a submitted form; never raises on bad input.

    `questions` are the questionnaire's questions in order (ORM rows or the cached views of questionnaire_structure.py).
    """
    answers: dict[str, ParsedAnswer] = {}
    errors: dict[str, str] = {}
    submitted: dict[str, list[str]] = {}

    for question in questions:
        name = field_name(question)
        raw_values = [v for v in formdata.getlist(name) if isinstance(v, str)]
        submitted[name] = raw_values
        answer = ParsedAnswer(question)
        raw = raw_values[0] if raw_values else ""
        kind = question.kind

        if kind == QuestionKind.GRID:
            _parse_grid(question, formdata, answer, errors, submitted)
        elif kind == QuestionKind.RATING and raw:
            option = next((o for o in question.options if o.value == raw), None)
            if option is None or _parse_int(raw, 0, 100) is None:
                errors[question.code] = _("Choisissez l'une des réponses proposées.")
            else:
                answer.number, answer.option_values = int(raw), [raw]
        elif kind == QuestionKind.SATISFACTION and raw:
            answer.number = _parse_int(raw, 1, 4)
            if answer.number is None:
                errors[question.code] = _("Choisissez l'une des quatre réponses proposées.")
        elif kind == QuestionKind.RECOMMENDATION and raw:
            answer.number = _parse_int(raw, 0, 10)
            if answer.number is None:
                errors[question.code] = _("Choisissez une note entre 0 et 10.")
        elif kind.has_options and raw_values:
            allowed = {o.value for o in question.options}
            chosen = list(dict.fromkeys(v for v in raw_values if v))
            if kind == QuestionKind.SINGLE_CHOICE and len(chosen) > 1:
                errors[question.code] = _("Choisissez une seule réponse.")
            elif any(v not in allowed for v in chosen):
                errors[question.code] = _("Choisissez parmi les réponses proposées.")
            else:
                answer.option_values = chosen
        elif kind.is_text and raw:
            text = clean_text(raw)
            limit = SHORT_TEXT_MAX if kind == QuestionKind.SHORT_TEXT else max_text_length
            if len(text) > limit:
                errors[question.code] = _(
                    "Votre réponse est trop longue (%(length)d caractères) : %(limit)d au maximum.",
                    length=len(text),
                    limit=limit,
                )
            answer.text = text or None

        if question.is_required and answer.is_empty and question.code not in errors:
            errors[question.code] = _("Cette question est obligatoire.")
        answers[question.code] = answer

    consents = formdata.get("consent") == "yes"
    submitted["consent"] = ["yes"] if consents else []
    return ParsedSurvey(answers=answers, errors=errors, submitted=submitted, consents_to_quote=consents)


def _parse_grid(question: AnyQuestion, formdata, answer: ParsedAnswer, errors: dict, submitted: dict) -> None:
    """Each item on the 4-level scale; a required grid needs every line answered."""
    missing = False
    for item in question.options:
        name = grid_field_name(question, item.value)
        raw_values = [v for v in formdata.getlist(name) if isinstance(v, str)]
        submitted[name] = raw_values
        if not raw_values or not raw_values[0]:
            missing = True
            continue
        level = _parse_int(raw_values[0], 1, 4)
        if level is None:
            errors[question.code] = _("Choisissez l'une des quatre réponses pour chaque ligne.")
        else:
            answer.grid[item.value] = level
    if question.is_required and missing and answer.grid and question.code not in errors:
        errors[question.code] = _("Répondez pour chaque ligne.")

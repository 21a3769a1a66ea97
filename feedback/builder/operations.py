"""Questionnaires as versioned templates: drafts, versions, publication, duplication, import and export.

Like every operations module: they change objects and flush, never commit.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from typing import Any

from sqlalchemy import func, select

from feedback.builder.validation import definition_problems
from feedback.catalogue.operations import create_questionnaire, publish_questionnaire
from feedback.db import db
from feedback.models import (
    Modality,
    ModalityDefault,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireStatus,
    QuestionOption,
    TrainingSession,
)

EXPORT_FORMAT = "retours-questionnaire"
EXPORT_VERSION = 1
DEFINITION_FIELDS = (
    "title",
    "title_en",
    "intro",
    "intro_en",
    "is_anonymous",
    "is_one_per_device",
    "consent_text",
    "consent_text_en",
)
QUESTION_FIELDS = ("code", "kind", "label", "label_en", "help_text", "help_text_en", "is_required", "is_overall")


class NotPublishable(Exception):
    """The draft has problems; `problems` lists them in French."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def definition_of(questionnaire: Questionnaire) -> dict[str, Any]:
    """Plain data of a version: what JSON export writes and what a new version starts from."""
    return {
        "family": questionnaire.family,
        **{field: getattr(questionnaire, field) for field in DEFINITION_FIELDS},
        "questions": [
            {
                **{field: getattr(q, field) for field in QUESTION_FIELDS},
                "kind": q.kind.value,
                "options": [{"value": o.value, "label": o.label, "label_en": o.label_en} for o in q.options],
            }
            for q in questionnaire.questions
        ],
    }


def export_json(questionnaire: Questionnaire) -> dict[str, Any]:
    data = definition_of(questionnaire)
    data.pop("family")
    return {"format": EXPORT_FORMAT, "format_version": EXPORT_VERSION, "version": questionnaire.version, **data}


def _slug(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:50] or "questionnaire"
    return slug


def _new_family(title: str) -> str:
    """A family key of its own (never shared by accident with another questionnaire)."""
    base = _slug(title)
    taken = db.session.scalar(select(func.count(Questionnaire.id)).where(Questionnaire.family == base))
    return base if not taken else f"{base}-{secrets.token_hex(3)}"


def import_questionnaire(data: Any) -> Questionnaire:
    """A draft from exported JSON; refused whole, with every problem, if anything is wrong."""
    problems = []
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        problems.append(f"Ce fichier n'est pas un questionnaire exporté par Retours (format « {EXPORT_FORMAT} »).")
    problems += definition_problems(data, require_overall=False)
    if problems:
        raise NotPublishable(problems)
    definition = {field: data[field] for field in DEFINITION_FIELDS if field in data}
    definition["questions"] = data["questions"]
    definition["family"] = _new_family(data["title"])
    return create_questionnaire(definition, publish=False)


def start_new_version(questionnaire: Questionnaire) -> Questionnaire:
    """A draft copy of a published version, in the same family (codes keep their meaning across versions)."""
    existing = db.session.scalar(
        select(Questionnaire).where(
            Questionnaire.family == questionnaire.family, Questionnaire.status == QuestionnaireStatus.DRAFT
        )
    )
    if existing is not None:
        return existing  # one draft per family at a time
    return create_questionnaire(definition_of(questionnaire), publish=False)


def duplicate_questionnaire(questionnaire: Questionnaire, title: str) -> Questionnaire:
    """A new questionnaire (its own family) starting from this one."""
    definition = {**definition_of(questionnaire), "title": title, "family": _new_family(title)}
    return create_questionnaire(definition, publish=False)


def publish_draft(questionnaire: Questionnaire, seen_version: int | None = None) -> None:
    """Freeze a draft after checking it; the previous published version stays for the sessions using it."""
    if seen_version is not None and seen_version != questionnaire.edit_version:
        raise DraftChanged()  # publish what the manager saw, not what someone else saved since
    problems = definition_problems(definition_of(questionnaire))
    if problems:
        raise NotPublishable(problems)
    # A status change is a save too: an edit racing this publication then fails instead of changing a frozen version.
    questionnaire.edit_version += 1
    questionnaire.consent_version = _consent_version(questionnaire)
    publish_questionnaire(questionnaire)


def _consent_version(questionnaire: Questionnaire) -> int:
    """The wording's version, stored with each consent: the same wording keeps its number, a new one gets the next."""
    earlier = db.session.execute(
        select(Questionnaire.consent_text, Questionnaire.consent_text_en, Questionnaire.consent_version).where(
            Questionnaire.family == questionnaire.family,
            Questionnaire.id != questionnaire.id,
            Questionnaire.status != QuestionnaireStatus.DRAFT,
        )
    ).all()
    wording = (questionnaire.consent_text, questionnaire.consent_text_en)
    for text, text_en, version in earlier:
        if (text, text_en) == wording:
            return version
    return max((version for _text, _text_en, version in earlier), default=0) + 1


def archive_questionnaire(questionnaire: Questionnaire) -> None:
    """Hide it from choices; its responses and wording stay (nothing with responses is ever deleted)."""
    questionnaire.status = QuestionnaireStatus.ARCHIVED
    questionnaire.edit_version += 1  # an edit of the draft racing this archiving fails (see `_start_edit`)
    db.session.flush()


def delete_draft(questionnaire: Questionnaire, seen_version: int | None = None) -> None:
    """Only a draft that no session uses can be deleted, and only as the manager last saw it."""
    if questionnaire.status != QuestionnaireStatus.DRAFT or _used_by_sessions(questionnaire):
        raise ValueError("only an unused draft can be deleted")
    if seen_version is not None and seen_version != questionnaire.edit_version:
        raise DraftChanged()
    db.session.delete(questionnaire)
    db.session.flush()


def _used_by_sessions(questionnaire: Questionnaire) -> bool:
    return (
        db.session.scalar(
            select(TrainingSession.id).where(TrainingSession.questionnaire_id == questionnaire.id).limit(1)
        )
        is not None
    )


# -- editing a draft ---------------------------------------------------------------------------------------------

DRAFT_CHANGED = "Ce brouillon a été modifié entre-temps par quelqu'un d'autre : rechargez la page."
#: A save racing another manager's (caught at the database: the row changed between our read and our write).
QUESTIONNAIRE_CHANGED = (
    "Le questionnaire a été modifié par quelqu'un d'autre entre-temps ; rien n'a été enregistré : "
    "rechargez la page puis recommencez."
)
#: Two managers creating the same thing at the same moment, twice in a row.
SAME_TIME = (
    "Quelqu'un d'autre a fait la même opération au même moment ; rien n'a été enregistré : "
    "rechargez la page puis recommencez."
)


class EditRefused(Exception):
    """An edit of a draft that cannot be made; the message is for the manager, in French."""


class DraftChanged(EditRefused):
    """The draft was saved by someone else since this form was rendered."""

    def __init__(self) -> None:
        super().__init__(DRAFT_CHANGED)


def _start_edit(questionnaire: Questionnaire, seen_version: int | None) -> None:
    """Refuse an edit of a frozen version or of a draft changed since the form was rendered, then claim the draft.

    Raising `edit_version` makes the flush UPDATE the row WHERE edit_version = the loaded value: a save racing with
    this one between our check and our commit ends in StaleDataError, the last line of defence.
    """
    if questionnaire.status != QuestionnaireStatus.DRAFT:
        raise EditRefused("Cette version est publiée : créez une nouvelle version pour la modifier.")
    if seen_version != questionnaire.edit_version:
        raise DraftChanged()
    questionnaire.edit_version += 1


def update_draft(questionnaire: Questionnaire, seen_version: int | None, **fields: Any) -> None:
    """Change a draft's title, introduction, consent wording and flags."""
    _start_edit(questionnaire, seen_version)
    for name, value in fields.items():
        if name not in DEFINITION_FIELDS:
            raise TypeError(f"cannot set {name}")
        setattr(questionnaire, name, value)
    db.session.flush()


def option_lines(text: str, kind: QuestionKind) -> list[dict[str, str]]:
    """Options typed one per line as "value | label | English label" or just "label" (a value is made from it)."""
    options: list[dict[str, str]] = []
    taken: set[str] = set()
    for number, line in enumerate((raw.strip() for raw in (text or "").splitlines() if raw.strip()), start=1):
        parts = [part.strip() for part in line.split("|")]
        if len(parts) == 1:
            label, label_en = parts[0], ""
            # A rating's levels are numbers; other values are readable slugs of the label.
            value = str(number) if kind == QuestionKind.RATING else _slug(label)[:40].strip("-") or f"option-{number}"
        else:
            value, label, label_en = parts[0], parts[1], (parts[2] if len(parts) > 2 else "")
        if len(parts) == 1 and value in taken:
            value = f"{value[:36]}-{number}"
        taken.add(value)
        options.append({"value": value, "label": label, "label_en": label_en})
    return options


def question_problems(questionnaire: Questionnaire, data: dict[str, Any], question: Question | None) -> list[str]:
    """What is wrong with one question as the editor would save it (its codes must stay unique in the draft)."""
    problems = [
        p.removeprefix("Question 1 : ").removeprefix("Question 1, ")
        for p in definition_problems({"title": "-", "questions": [data]}, require_overall=False)
    ]
    if any(q.code == data.get("code") and q is not question for q in questionnaire.questions):
        problems.append(f"Le code « {data.get('code')} » est déjà utilisé par une autre question de ce questionnaire.")
    return problems


def _apply_question(questionnaire: Questionnaire, question: Question, data: dict[str, Any]) -> None:
    kind = QuestionKind(data["kind"])
    if data.get("is_overall") and not question.is_overall:
        # One overall question per questionnaire (a unique index): unmark the previous one first, in its own flush.
        for other in questionnaire.questions:
            if other.is_overall:
                other.is_overall = False
        db.session.flush()
    question.code, question.kind = data["code"], kind
    for name in ("label", "label_en", "help_text", "help_text_en"):
        setattr(question, name, data.get(name) or "")
    question.is_required, question.is_overall = bool(data.get("is_required")), bool(data.get("is_overall"))
    wanted = data.get("options") or [] if kind.needs_options else []
    # Update options in place by value: the unit of work inserts before it deletes, and values are unique.
    existing = {o.value: o for o in question.options}
    kept = []
    for position, option in enumerate(wanted, start=1):
        row = existing.pop(option["value"], None) or QuestionOption(value=option["value"])
        row.position, row.label, row.label_en = position, option["label"], option.get("label_en") or ""
        kept.append(row)
    question.options = kept


def add_question(questionnaire: Questionnaire, seen_version: int | None, data: dict[str, Any]) -> Question:
    """Append a question to a draft; refused with the list of problems if it is not valid."""
    _start_edit(questionnaire, seen_version)
    problems = question_problems(questionnaire, data, None)
    if problems:
        raise NotPublishable(problems)
    question = Question(position=len(questionnaire.questions) + 1, code=data["code"], kind=QuestionKind(data["kind"]))
    question.label = data["label"]
    _apply_question(questionnaire, question, data)
    questionnaire.questions.append(question)
    db.session.flush()
    return question


def update_question(question: Question, seen_version: int | None, data: dict[str, Any]) -> None:
    """Change a question of a draft; refused with the list of problems if it is not valid."""
    questionnaire = question.questionnaire
    _start_edit(questionnaire, seen_version)
    problems = question_problems(questionnaire, data, question)
    if problems:
        raise NotPublishable(problems)
    _apply_question(questionnaire, question, data)
    db.session.flush()


def remove_question(question: Question, seen_version: int | None) -> None:
    """Take a question out of a draft (a draft has no answers: nothing is lost)."""
    questionnaire = question.questionnaire
    _start_edit(questionnaire, seen_version)
    questionnaire.questions.remove(question)
    for position, other in enumerate(questionnaire.questions, start=1):
        other.position = position
    db.session.flush()


def move_question(question: Question, seen_version: int | None, offset: int) -> None:
    """Move a question one place up (-1) or down (+1) in a draft."""
    questionnaire = question.questionnaire
    _start_edit(questionnaire, seen_version)
    questions = list(questionnaire.questions)
    index = questions.index(question)
    target = index + offset
    if 0 <= target < len(questions):
        questions[index], questions[target] = questions[target], questions[index]
        for position, other in enumerate(questions, start=1):
            other.position = position
    db.session.flush()
    db.session.expire(questionnaire, ["questions"])  # reload in the new order


def reorder_questions(questionnaire: Questionnaire, seen_version: int | None, question_ids: list[int]) -> None:
    """Put a draft's questions in the given order (drag and drop sends the whole list)."""
    _start_edit(questionnaire, seen_version)
    by_id = {question.id: question for question in questionnaire.questions}
    if sorted(question_ids) != sorted(by_id):
        raise DraftChanged()  # the page showed other questions than the draft now has
    for position, question_id in enumerate(question_ids, start=1):
        by_id[question_id].position = position
    db.session.flush()
    db.session.expire(questionnaire, ["questions"])  # reload in the new order


def set_modality_default(modality: Modality, family: str | None) -> None:
    """Choose the questionnaire family new sessions of a modality get (None: the default évaluation à chaud)."""
    current = db.session.get(ModalityDefault, modality)
    if family is None:
        if current is not None:
            db.session.delete(current)
    elif current is None:
        db.session.add(ModalityDefault(modality=modality, family=family))
    else:
        current.family = family
    db.session.flush()


def archive_family(family: str) -> int:
    """Archive every version of a family: no longer offered to new sessions; answers and wording stay."""
    versions = db.session.scalars(
        select(Questionnaire).where(
            Questionnaire.family == family, Questionnaire.status != QuestionnaireStatus.ARCHIVED
        )
    ).all()
    for questionnaire in versions:
        archive_questionnaire(questionnaire)
    return len(versions)


def create_from_library(definition: dict[str, Any]) -> Questionnaire:
    """A new draft questionnaire (its own family) from one of the starting points shipped with the application."""
    return create_questionnaire({**definition, "family": _new_family(definition["family"])}, publish=False)

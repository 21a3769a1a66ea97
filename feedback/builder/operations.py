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
from feedback.db import db
from feedback.manage.operations import create_questionnaire, publish_questionnaire
from feedback.models import Questionnaire, QuestionnaireStatus, Response, TrainingSession

EXPORT_FORMAT = "retours-questionnaire"
EXPORT_VERSION = 1
DEFINITION_FIELDS = ("title", "title_en", "intro", "is_anonymous", "is_one_per_device", "consent_text")
QUESTION_FIELDS = ("code", "kind", "label", "label_en", "help_text", "is_required", "is_overall")


class NotPublishable(Exception):
    """The draft has problems; `problems` lists them in French."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


class SessionHasResponses(Exception):
    """A session keeps its questionnaire version once answered."""


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


def publish_draft(questionnaire: Questionnaire) -> None:
    """Freeze a draft after checking it; the previous published version stays for the sessions using it."""
    problems = definition_problems(definition_of(questionnaire))
    if problems:
        raise NotPublishable(problems)
    publish_questionnaire(questionnaire)


def archive_questionnaire(questionnaire: Questionnaire) -> None:
    """Hide it from choices; its responses and wording stay (nothing with responses is ever deleted)."""
    questionnaire.status = QuestionnaireStatus.ARCHIVED
    db.session.flush()


def delete_draft(questionnaire: Questionnaire) -> None:
    """Only a draft that no session uses can be deleted."""
    if questionnaire.status != QuestionnaireStatus.DRAFT or _used_by_sessions(questionnaire):
        raise ValueError("only an unused draft can be deleted")
    db.session.delete(questionnaire)
    db.session.flush()


def _used_by_sessions(questionnaire: Questionnaire) -> bool:
    return (
        db.session.scalar(
            select(TrainingSession.id).where(TrainingSession.questionnaire_id == questionnaire.id).limit(1)
        )
        is not None
    )


def move_session_to(session: TrainingSession, questionnaire: Questionnaire) -> None:
    """Give a session another published version; refused once it has responses (they keep their wording)."""
    if questionnaire.status != QuestionnaireStatus.PUBLISHED:
        raise ValueError("a session answers a published version")
    answered = db.session.scalar(select(Response.id).where(Response.session_id == session.id).limit(1))
    if answered is not None:
        raise SessionHasResponses(session)
    session.questionnaire = questionnaire
    db.session.flush()

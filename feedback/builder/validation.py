"""Checks of a questionnaire definition (plain data): on publish and on JSON import. Messages in French."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from feedback.models import QuestionKind

MAX_QUESTIONS = 60
MAX_OPTIONS = 40
CODE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
LIMITS = {
    "title": 200,
    "title_en": 200,
    "intro": 2000,
    "intro_en": 2000,
    "consent_text": 1000,
    "consent_text_en": 1000,
    "label": 500,
    "label_en": 500,
    "help_text": 500,
    "help_text_en": 500,
}
KIND_NAMES = ", ".join(k.value for k in QuestionKind)
#: Control characters (tab and line breaks apart): invisible on a form, and PostgreSQL refuses NUL in a text.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def _text(value: Any, field: str, where: str, problems: list[str], *, required: bool = False) -> None:
    if value is None or value == "":
        if required:
            problems.append(f"{where} : le champ « {field} » est obligatoire.")
        return
    if not isinstance(value, str):
        problems.append(f"{where} : « {field} » doit être un texte.")
    elif len(value) > LIMITS.get(field, 300):
        problems.append(f"{where} : « {field} » dépasse {LIMITS.get(field, 300)} caractères.")
    elif CONTROL.search(value):
        problems.append(f"{where} : « {field} » contient un caractère de contrôle invisible ; retirez-le.")


# Over the complexity limit: one check per rule of a definition, in the order the manager reads the list.
def definition_problems(data: Any, *, require_overall: bool = True) -> list[str]:  # noqa: C901
    """Every problem of a questionnaire definition, in French; an empty list means it can be published."""
    if not isinstance(data, dict):
        return ["Le questionnaire doit être un objet JSON (entre accolades)."]
    problems: list[str] = []
    _text(data.get("title"), "title", "Questionnaire", problems, required=True)
    for field in ("title_en", "intro", "intro_en", "consent_text", "consent_text_en"):
        _text(data.get(field), field, "Questionnaire", problems)
    for flag in ("is_anonymous", "is_one_per_device"):
        if flag in data and not isinstance(data[flag], bool):
            problems.append(f"Questionnaire : « {flag} » doit valoir true ou false.")
    questions = data.get("questions")
    if not isinstance(questions, list) or not questions:
        return [*problems, "Le questionnaire ne contient aucune question."]
    if len(questions) > MAX_QUESTIONS:
        return [*problems, f"Le questionnaire contient {len(questions)} questions : {MAX_QUESTIONS} au maximum."]

    codes: Counter[str] = Counter()
    overall = 0
    for number, question in enumerate(questions, start=1):
        where = f"Question {number}"
        if not isinstance(question, dict):
            problems.append(f"{where} : doit être un objet JSON.")
            continue
        code = question.get("code")
        if not isinstance(code, str) or not CODE.fullmatch(code):
            problems.append(
                f"{where} : code manquant ou invalide (lettres minuscules, chiffres, tirets ; 40 caractères au plus)."
            )
        else:
            codes[code] += 1
        _text(question.get("label"), "label", where, problems, required=True)
        for field in ("label_en", "help_text", "help_text_en"):
            _text(question.get(field), field, where, problems)
        try:
            kind = QuestionKind(str(question.get("kind")))
        except ValueError:
            problems.append(f"{where} : type « {question.get('kind')} » inconnu (types possibles : {KIND_NAMES}).")
            continue
        if question.get("is_overall"):
            overall += 1
            if kind != QuestionKind.SATISFACTION:
                problems.append(f"{where} : la question de satisfaction globale doit être une échelle de satisfaction.")
        for flag in ("is_overall", "is_required"):
            if flag in question and not isinstance(question[flag], bool):
                problems.append(f"{where} : « {flag} » doit valoir true ou false.")
        problems.extend(_option_problems(question.get("options"), kind, where))

    for code, count in codes.items():
        if count > 1:
            problems.append(f"Le code « {code} » est utilisé par {count} questions : chaque code doit être unique.")
    if overall > 1:
        problems.append(f"{overall} questions sont marquées « satisfaction globale » : il en faut exactement une.")
    elif overall == 0 and require_overall:
        problems.append("Aucune question n'est marquée « satisfaction globale » : il en faut exactement une.")
    return problems


def _option_problems(options: Any, kind: QuestionKind, where: str) -> list[str]:
    if not kind.needs_options:
        if options:
            return [f"{where} : une question de ce type n'a pas d'options."]
        return []
    if not isinstance(options, list) or not options:
        return [f"{where} : une question à choix doit proposer au moins une option."]
    if len(options) > MAX_OPTIONS:
        return [f"{where} : {len(options)} options, {MAX_OPTIONS} au maximum."]
    problems: list[str] = []
    values: Counter[str] = Counter()
    for number, option in enumerate(options, start=1):
        spot = f"{where}, option {number}"
        if not isinstance(option, dict):
            problems.append(f"{spot} : doit être un objet JSON.")
            continue
        value = option.get("value")
        if not isinstance(value, str) or not CODE.fullmatch(value):
            problems.append(f"{spot} : valeur manquante ou invalide.")
        else:
            values[value] += 1
            if kind == QuestionKind.RATING and not value.isdigit():
                problems.append(f"{spot} : les niveaux d'une note sont des nombres (1, 2, 3...).")
        _text(option.get("label"), "label", spot, problems, required=True)
        _text(option.get("label_en"), "label_en", spot, problems)
    problems.extend(f"{where} : la valeur « {v} » est utilisée {n} fois." for v, n in values.items() if n > 1)
    return problems

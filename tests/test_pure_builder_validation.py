"""Publishing and importing refuse a broken questionnaire with every problem listed in French."""

import copy

import pytest

from feedback.builder.validation import MAX_QUESTIONS, definition_problems
from feedback.catalogue.library import LIBRARY


@pytest.mark.parametrize("definition", LIBRARY, ids=lambda d: d["family"])
def test_every_shipped_starting_point_is_valid(definition):
    assert definition_problems(definition) == []


def with_questions(questions):
    return {"title": "Test", "questions": questions}


OVERALL = {"code": "overall", "kind": "satisfaction", "label": "Globalement ?", "is_overall": True}


@pytest.mark.parametrize(
    ("definition", "expected"),
    [
        ({"title": "Vide", "questions": []}, "aucune question"),
        (with_questions([OVERALL, {**OVERALL, "code": "again"}]), "2 questions sont marquées"),
        (with_questions([{**OVERALL, "is_overall": False}]), "Aucune question n'est marquée"),
        (with_questions([OVERALL, {"code": "p", "kind": "single_choice", "label": "Profil"}]), "au moins une option"),
        (with_questions([OVERALL, {**OVERALL, "is_overall": False}]), "« overall » est utilisé par 2 questions"),
        (with_questions([OVERALL, {"code": "x", "kind": "stars", "label": "?"}]), "type « stars » inconnu"),
        (with_questions([OVERALL, {"code": "x", "kind": "short_text"}]), "« label » est obligatoire"),
        (with_questions([OVERALL, {"code": "Bad Code!", "kind": "short_text", "label": "?"}]), "code manquant"),
        (with_questions([{**OVERALL, "kind": "recommendation"}]), "doit être une échelle de satisfaction"),
        (with_questions([OVERALL] * (MAX_QUESTIONS + 1)), f"{MAX_QUESTIONS} au maximum"),
        ([1, 2], "doit être un objet JSON"),
        (with_questions([OVERALL, "texte"]), "Question 2 : doit être un objet JSON"),
        (
            with_questions(
                [OVERALL, {"code": "r", "kind": "rating", "label": "?", "options": [{"value": "a", "label": "A"}]}]
            ),
            "sont des nombres",
        ),
    ],
)
def test_each_problem_is_named(definition, expected):
    problems = definition_problems(definition)
    assert any(expected in p for p in problems), problems


def test_all_problems_are_listed_at_once():
    broken = copy.deepcopy(LIBRARY[0])
    broken["questions"][1]["is_overall"] = True  # a second overall question
    broken["questions"][-1]["options"] = []  # a choice without options
    broken["questions"][2]["code"] = "overall"  # a duplicate code
    problems = definition_problems(broken)
    assert len(problems) >= 3


def test_a_control_character_in_a_text_is_refused_with_its_place():
    """PostgreSQL refuses NUL in a text: found by the import's fuzz test, now a clear message instead of an error."""
    definition = {
        "title": "Essai",
        "questions": [
            {"code": "overall", "kind": "satisfaction", "label": "Satisfait·e ?", "is_overall": True},
            {"code": "a", "kind": "single_choice", "label": "Choix", "options": [{"value": "b", "label": "\x00"}]},
        ],
    }
    problems = definition_problems(definition)
    assert len(problems) == 1 and "caractère de contrôle" in problems[0] and "label" in problems[0]

"""Counts are printed with the word in the right number (Babel's ngettext): « 1 session », « 2 sessions »."""

from __future__ import annotations

from datetime import date

from feedback.models import Role
from tests.dashboard.conftest import add_responses
from tests.htmltree import parse


def figures(client, url: str) -> list[str]:
    return [
        " ".join(node.text.split()) for node in parse(client.get(url).get_data(as_text=True)).find_all(class_="figure")
    ]


def test_one_session_and_one_answer_are_singular(client, auth, make_user, make_training, make_session):
    add_responses(make_session(make_training(), start_date=date(2025, 3, 3), present=4), [4])
    auth.login(make_user(Role.MANAGER))
    shown = figures(client, "/scores/?annee=2025")
    assert "1 session" in shown and "1 réponse" in shown


def test_two_sessions_are_plural(client, auth, make_user, make_training, make_session):
    training = make_training()
    for month in (3, 4):
        add_responses(make_session(training, start_date=date(2025, month, 3), present=4), [4, 3])
    auth.login(make_user(Role.MANAGER))
    shown = figures(client, "/scores/?annee=2025")
    assert "2 sessions" in shown and "4 réponses" in shown

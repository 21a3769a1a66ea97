"""`flask create-user`: a working account, or a French refusal and a non-zero exit."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from feedback.db import db
from feedback.models import Role, User


def count_users() -> int:
    return db.session.scalar(select(func.count(User.id)))


def test_a_generated_password_is_printed_and_logs_in(runner, client):
    result = runner.invoke(args=["create-user", "Lea.Martin@Example.org", "--role", "trainer", "--generate"])
    assert result.exit_code == 0, result.output
    assert "Compte trainer créé pour lea.martin@example.org." in result.output
    match = re.search(r"^Mot de passe : (\S+)$", result.output, re.MULTILINE)
    assert match, result.output
    password = match.group(1)
    assert len(password) >= 12

    user = db.session.scalar(select(User).where(User.email == "lea.martin@example.org"))
    assert user.role == Role.TRAINER and user.password_hash.startswith("scrypt:")
    page = client.post("/login", data={"email": "lea.martin@example.org", "password": password})
    assert page.status_code == 302
    assert client.get("/scores/mine").status_code == 200


def test_a_given_password_is_not_printed(runner, client):
    result = runner.invoke(args=["create-user", "cam@example.org", "--role", "manager", "--password", "un long secret"])
    assert result.exit_code == 0, result.output
    assert "un long secret" not in result.output
    assert client.post("/login", data={"email": "cam@example.org", "password": "un long secret"}).status_code == 302


def test_a_duplicate_address_is_refused(runner, make_user):
    existing = make_user(Role.TRAINER, email="dup@example.org")
    result = runner.invoke(args=["create-user", "DUP@example.org", "--role", "admin", "--password", "un long secret"])
    assert result.exit_code != 0
    assert "Un compte existe déjà pour" in result.output
    assert count_users() == 1
    db.session.refresh(existing)
    assert existing.role == Role.TRAINER and existing.check_password("correct-horse-battery")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["pas-une-adresse", "--password", "un long secret"], "adresse e-mail invalide"),
        (["cam@", "--generate"], "adresse e-mail invalide"),
        (["cam@example.org", "--password", "court"], "au moins 8 caractères"),
        (["cam@example.org", "--password", "motdepasse"], "trop courant"),
        (["cam@example.org", "--password", "x" * 129], "ne peut dépasser 128 caractères"),
    ],
    ids=["no-at", "no-domain", "short-password", "common-password", "long-password"],
)
def test_bad_input_is_refused_in_french_and_creates_nothing(runner, args, message):
    result = runner.invoke(args=["create-user", *args[:1], "--role", "manager", *args[1:]])
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert count_users() == 0

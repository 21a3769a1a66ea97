"""The disclosure rule (feedback/disclosure.py), everywhere a figure can be shown.

A session of an anonymous questionnaire with 2 responses (« Très satisfait » and « Pas du tout satisfait »,
recommendation 9 and 10, a comment each, consent to be quoted, both approved): every page and download of the
score pages, the quotes workspace and the report, walked as the manager, the communication staff and the
session's trainer, and `flask report --json`, must show none of its figures but how many answered. The same walk at
a threshold of 2 (the rule then discloses them) and as an admin finds each of them: the detectors are live.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date

import pytest
from docx import Document
from flask import current_app
from openpyxl import load_workbook
from sqlalchemy import select

from feedback.db import db
from feedback.disclosure import TOO_FEW_ANSWERS, discloses, discloses_comments
from feedback.models import Answer, QuoteStatus, Role
from feedback.quotes.operations import change_status
from tests.htmltree import parse

#: The two comments; their rare word is what any trace of them (text, theme, word cloud) would show.
COMMENTS = ("Les ateliers de xylophone étaient passionnants.", "Le xylophone géant, une découverte passionnante.")
RARE_WORD = re.compile(r"xylophon", re.IGNORECASE)
#: With answers 4 and 1 every hidden share and rate is 50 % (0.5 in files); the recommendation's mean is 9,5.
HALF = re.compile(r"(?<![\d,.])50\s?[\u202f\u00a0]?%")
MEAN = re.compile(r"9,5\b")
#: A rate shown comes with its 95 % interval (« 9 %–91 % »); hidden, it says why in words (and its n).
INTERVAL = re.compile(r"\d+\s?[\u202f\u00a0]?%\s*[–-]\s*\d+\s?[\u202f\u00a0]?%")


def test_the_rule_itself():
    assert discloses(5, 5) and not discloses(4, 5) and not discloses(0, 0) and not discloses(None, 5)
    assert discloses(1, 0)  # an admin's threshold
    assert discloses_comments(2, False, 5) and not discloses_comments(2, True, 5) and discloses_comments(2, True, 0)


@dataclass
class Findings:
    """What a walk found, by kind of figure, with where."""

    found: dict[str, list[str]] = field(default_factory=dict)
    walked: list[str] = field(default_factory=list)

    def add(self, kind: str, where: str) -> None:
        self.found.setdefault(kind, []).append(where)

    def check_text(self, text: str, where: str) -> None:
        if RARE_WORD.search(text):
            self.add("comment", where)
        if HALF.search(text):
            self.add("share or rate", where)
        if MEAN.search(text):
            self.add("mean", where)
        if INTERVAL.search(text):
            self.add("rate", where)
        if "+100" in text:
            self.add("net score", where)

    def check_html(self, body: str, where: str) -> None:
        # Attributes count too: a word cloud's alt text, a chart's title.
        self.check_text(body, where)
        tree = parse(body)
        if tree.find("caption", class_="visually-hidden") and "Répartition des réponses" in body:
            self.add("distribution", where)
        if re.search(r"moyenne\s+\d", tree.text):
            self.add("mean", where)
        for chart in tree.find_all("svg", class_="chart"):
            if chart.find("rect") is not None and "Taux de satisfaction" in (chart.find("title") or chart).text:
                self.add("chart", where)

    def check_numbers(self, values, where: str) -> None:
        """Cells of a spreadsheet or values of a JSON document: a hidden rate or share is 0.5 there."""
        for value in values:
            if isinstance(value, float) and abs(value - 0.5) < 1e-9:
                self.add("share or rate", where)
            elif isinstance(value, str):
                self.check_text(value, where)
                if re.fullmatch(r"0,5", value.strip()):
                    self.add("share or rate", where)


def _json_values(data):
    if isinstance(data, dict):
        for value in data.values():
            yield from _json_values(value)
    elif isinstance(data, list):
        for value in data:
            yield from _json_values(value)
    else:
        yield data


def _urls(app, ids: dict[str, int]) -> list[str]:
    """Every page and download of the score pages, the quotes workspace and the report, from the URL map, and each
    breakdown of the overview with its CSV and XLSX."""
    adapter = app.url_map.bind("localhost")
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(("dashboard.", "quotes.", "report.")) or "GET" not in rule.methods:
            continue
        if "file_id" in rule.arguments:
            # A report file the job queue made for a large scope: the same bytes as the immediate download walked
            # here (tests/report/test_prepared_files.py compares them).
            continue
        values = {**(rule.defaults or {}), **{a: ids[a] for a in rule.arguments if a not in (rule.defaults or {})}}
        urls.append(adapter.build(rule.endpoint, values, method="GET"))
    for view in ("axe", "formation", "session", "intervenant", "modalite", "dept", "profil", "mois", "trimestre"):
        urls.append(f"/scores/?vue={view}")
        urls += [f"/scores/export?vue={view}&format={file_format}" for file_format in ("csv", "xlsx")]
    return sorted(set(urls))


def _walk(app, client, ids: dict[str, int]) -> Findings:
    findings = Findings()
    for url in _urls(app, ids):
        response = client.get(url)
        if response.status_code != 200:
            continue  # not this role's page (the access sweep of tests/dashboard/test_access.py checks which)
        findings.walked.append(url)
        content_type = response.headers["Content-Type"]
        if content_type.startswith("text/html"):
            findings.check_html(response.get_data(as_text=True), url)
        elif content_type.startswith("text/csv"):
            rows = csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
            findings.check_numbers([cell for row in rows for cell in row], url)
        elif "spreadsheetml" in content_type:
            workbook = load_workbook(io.BytesIO(response.data))
            findings.check_numbers(
                [cell for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row], url
            )
        elif "wordprocessingml" in content_type:
            document = Document(io.BytesIO(response.data))
            texts = [paragraph.text for paragraph in document.paragraphs]
            texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
            findings.check_text("\n".join(texts), url)
        else:  # Markdown, SVG and PNG of the word cloud
            findings.check_text(response.data.decode("utf-8", errors="replace"), url)
    return findings


def _report_json(runner) -> Findings:
    findings = Findings()
    result = runner.invoke(args=["report", "--json"])
    assert result.exit_code == 0, result.output
    findings.check_numbers(list(_json_values(json.loads(result.output))), "flask report --json")
    return findings


@pytest.fixture
def small_session(make_user, make_speaker, make_training, make_session, answer_form):
    """2 responses to the default (anonymous) questionnaire, today; their comments consented and approved."""
    trainer = make_user(Role.TRAINER, email="formatrice@example.org")
    speaker = make_speaker("Aline Dupont", user=trainer)
    training = make_training("Accueil des primo-arrivants")
    session = make_session(training, speakers=[speaker], start_date=date.today())
    for overall, recommend, text in (("4", "9", COMMENTS[0]), ("1", "10", COMMENTS[1])):
        data = {"q-overall": overall, "q-contents": overall, "q-recommend": recommend, "q-liked": text}
        assert answer_form(session, {**data, "consent": "yes"}).status_code == 303
    answers = db.session.scalars(select(Answer.id).where(Answer.text.in_(COMMENTS))).all()
    assert len(answers) == 2
    communication = make_user(Role.COMMUNICATION, email="quotes@example.org")
    for answer_id in answers:
        change_status(answer_id, QuoteStatus.SHORTLISTED, communication)
        change_status(answer_id, QuoteStatus.APPROVED, communication)
    db.session.commit()
    assert session.questionnaire.is_anonymous
    return {
        "trainer": trainer,
        "ids": {
            "session_id": session.id,
            "training_id": training.id,
            "answer_id": answers[0],
        },
    }


ROLES = (Role.MANAGER, Role.COMMUNICATION, Role.TRAINER)


def _login(role: Role, small_session, make_user, auth):
    user = small_session["trainer"] if role == Role.TRAINER else make_user(role)
    auth.login(user)


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role.value)
def test_no_page_or_download_shows_a_figure_from_two_answers(app, client, auth, runner, make_user, small_session, role):
    _login(role, small_session, make_user, auth)
    findings = _walk(app, client, small_session["ids"])
    assert findings.found == {}, findings.found
    # The walk did reach this role's pages: the session's, and the downloads of those who have any.
    assert f"/scores/sessions/{small_session['ids']['session_id']}" in findings.walked
    session_page = client.get(f"/scores/sessions/{small_session['ids']['session_id']}").get_data(as_text=True)
    assert TOO_FEW_ANSWERS in session_page  # a hidden figure says why, rather than a 0
    assert "2 réponses" in session_page  # how many answered is always said
    if role == Role.TRAINER:
        mine = client.get("/scores/mine").get_data(as_text=True)
        assert "commentaires cachés (2 réponses" in mine
    else:
        assert any(url.endswith(".docx") for url in findings.walked)
        assert any("format=xlsx" in url for url in findings.walked)
        assert TOO_FEW_ANSWERS in client.get("/scores/export?vue=session&format=csv").get_data(as_text=True)
    assert _report_json(runner).found == {}


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role.value)
def test_the_same_walk_finds_every_figure_once_the_rule_discloses_them(
    app, client, auth, make_user, small_session, role, monkeypatch
):
    """The control: at a threshold of 2 the same detectors find the figures on this role's pages."""
    monkeypatch.setitem(current_app.config, "MIN_ANSWERS_FOR_RATE", 2)
    _login(role, small_session, make_user, auth)
    found = set(_walk(app, client, small_session["ids"]).found)
    assert {"comment", "distribution", "share or rate", "mean", "rate"} <= found
    if role != Role.TRAINER:
        assert {"net score", "chart"} <= found


def test_an_admin_sees_every_figure_and_the_json_of_a_lower_threshold_shows_the_rate(
    app, client, auth, runner, make_user, small_session, monkeypatch
):
    auth.login(make_user(Role.ADMIN))
    found = set(_walk(app, client, small_session["ids"]).found)
    assert {"comment", "distribution", "share or rate", "mean", "rate", "net score", "chart"} <= found
    monkeypatch.setitem(current_app.config, "MIN_ANSWERS_FOR_RATE", 2)
    assert "share or rate" in _report_json(runner).found


def test_downloads_name_their_charset_once(client, auth, make_user, small_session):
    auth.login(make_user(Role.MANAGER))
    csv_download = client.get("/scores/export?vue=axe&format=csv")
    assert csv_download.headers["Content-Type"] == "text/csv; charset=utf-8"
    markdown = client.get("/quotes/citations.md")
    assert markdown.headers["Content-Type"] == "text/markdown; charset=utf-8"
    xlsx = client.get("/scores/export?vue=axe&format=xlsx")
    assert xlsx.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

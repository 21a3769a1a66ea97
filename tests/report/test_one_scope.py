"""One scope everywhere: the same URL parameters mean the same sessions on every page, download and command.

- a reversed range gives the same answer on every page and file (scores, « Mes résultats », quotes, report, CSV,
  XLSX, DOCX, `flask report --json`): swapped, with one notice, never reset to the default year nor refused;
- a property test over random scopes (a year, a quarter, dates in either order, an axis, a modality, a
  département or « sans département »): the satisfaction by axis is the same in the report page, its XLSX, its
  DOCX, `flask report --json` and the scores' CSV, and equal to a count made here in Python over the rows.

Run on SQLite, and on PostgreSQL with TEST_DATABASE_URL.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import select

from feedback.db import db
from feedback.labels import AXIS_LABELS, NO_DEPARTMENT
from feedback.models import Axis, Department, Modality, Response, Role, TrainingSession
from tests.htmltree import parse

ORDERED = {"du": "2025-01-01", "au": "2025-04-30"}
REVERSED = {"du": "2025-04-30", "au": "2025-01-01"}
NOTICE = "Dates inversées : la période affichée va du 01/01/2025 au 30/04/2025."


def _main(client, path: str, args: dict) -> tuple[str, str]:
    """(the page's main content as text, without the notices; the notices) of a GET."""
    response = client.get(path, query_string=args)
    assert response.status_code == 200, path
    tree = parse(response.get_data(as_text=True))
    main = tree.by_id("main")
    notices = [node.text for node in main.find_all("p", class_="scope-notice")]
    text = main.text
    for notice in notices:
        text = text.replace(notice, "")
    # The cloud's and the downloads' links carry the same parameters in either case.
    return re.sub(r"\s+", " ", text), " ".join(notices)


def _file(client, path: str, args: dict) -> object:
    """A download's content as values: CSV rows, XLSX cells, DOCX paragraphs and tables."""
    response = client.get(path, query_string=args)
    assert response.status_code == 200, path
    if path.endswith("docx"):
        document = Document(io.BytesIO(response.data))
        return [p.text for p in document.paragraphs], [
            [[cell.text for cell in row.cells] for row in table.rows] for table in document.tables
        ]
    if path.endswith("xlsx") or args.get("format") == "xlsx":
        workbook = load_workbook(io.BytesIO(response.data))
        return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))


def test_a_reversed_range_gives_the_same_answer_on_every_page_and_file(
    client, auth, make_user, make_speaker, runner, quoted
):
    trainer = make_user(Role.TRAINER)
    speaker = make_speaker("Aïcha Benali", user=trainer)
    quoted["lang_mar"].speakers.append(speaker)
    quoted["city_jun"].speakers.append(speaker)  # June: outside the range
    db.session.commit()

    auth.login(make_user(Role.MANAGER))
    pages = ["/scores/", "/quotes/", "/quotes/themes", "/quotes/suggestions", "/report/"]
    for path in pages:
        ordered, no_notice = _main(client, path, ORDERED)
        swapped, notice = _main(client, path, REVERSED)
        assert no_notice == "" and notice == NOTICE, path
        assert swapped == ordered, path
        assert "01/01/2025 au 30/04/2025" in swapped, path  # the range, not the default year (2025)
    # Figures of the range itself: January, March (6 responses) and April (the 3 quoted comments); June's are outside.
    assert "3 sessions 9 réponses" in _main(client, "/scores/", REVERSED)[0]
    verbatims = _main(client, "/quotes/", REVERSED)[0]
    assert "échanges très riches" in verbatims  # the April session's comments are in the range

    files = [
        ("/scores/export", {"format": "csv", "vue": "mois"}),
        ("/scores/export", {"format": "xlsx", "vue": "axe"}),
        ("/quotes/citations.csv", {}),
        ("/quotes/citations.docx", {}),
        ("/report/rapport.xlsx", {}),
        ("/report/rapport.docx", {}),
    ]
    for path, extra in files:
        assert _file(client, path, {**REVERSED, **extra}) == _file(client, path, {**ORDERED, **extra}), path
    months = _file(client, "/scores/export", {**REVERSED, "format": "csv", "vue": "mois"})
    assert [row[0] for row in months[1:]] == ["janv. 2025", "mars 2025", "avr. 2025"]

    auth.logout()
    auth.login(trainer)
    ordered, _ = _main(client, "/scores/mine", ORDERED)
    swapped, notice = _main(client, "/scores/mine", REVERSED)
    assert swapped == ordered and notice == NOTICE
    assert "Mes résultats du 01/01/2025 au 30/04/2025" in swapped and "6 réponses" in swapped
    # The catalogue filters narrow their totals and their sessions' table alike.
    webinars, _ = _main(client, "/scores/mine", {"annee": "2025", "modalite": "webinaire"})
    assert "1 session 3 réponses" in webinars and "Webinaire QPV" in webinars and "Droit des étrangers" not in webinars

    reversed_run = runner.invoke(args=["report", "--period", "2025-04-30:2025-01-01", "--json"])
    ordered_run = runner.invoke(args=["report", "--period", "2025-01-01:2025-04-30", "--json"])
    assert reversed_run.exit_code == ordered_run.exit_code == 0
    assert NOTICE in reversed_run.stderr and NOTICE not in ordered_run.stderr
    as_reversed, as_ordered = json.loads(reversed_run.stdout), json.loads(ordered_run.stdout)
    assert as_reversed.pop("notices") == [NOTICE] and as_ordered.pop("notices") == []
    assert as_reversed == as_ordered
    assert as_ordered["period"] == {"start": "2025-01-01", "end": "2025-04-30", "label": "du 01/01/2025 au 30/04/2025"}


# --- The property test --------------------------------------------------------------------------------------------

DAYS = st.dates(min_value=date(2023, 11, 1), max_value=date(2026, 2, 28))
PERIODS = st.one_of(
    st.sampled_from([2024, 2025]).map(lambda year: {"annee": str(year)}),
    st.tuples(st.sampled_from([2024, 2025]), st.integers(1, 4)).map(lambda t: {"trimestre": f"{t[0]}-T{t[1]}"}),
    st.tuples(DAYS, DAYS).map(lambda t: {"du": t[0].isoformat(), "au": t[1].isoformat()}),
)
SCOPES = st.fixed_dictionaries(
    {},
    optional={
        "axe": st.sampled_from([Axis.LANGUAGE_INTEGRATION.value, Axis.CITY_POLICY.value, Axis.NATIONAL.value]),
        "modalite": st.sampled_from([Modality.TRAINING.value, Modality.WEBINAR.value]),
        "dept": st.sampled_from([d.value for d in Department] + [NO_DEPARTMENT]),
    },
)


def _cli_args(args: dict) -> list[str]:
    if "annee" in args:
        period = args["annee"]
    elif "trimestre" in args:
        period = args["trimestre"]
    else:
        period = f"{args['du']}:{args['au']}"
    options = {"axe": "--axis", "modalite": "--modality", "dept": "--department"}
    return ["--period", period, *[part for key, flag in options.items() if key in args for part in (flag, args[key])]]


def _hand_count(rows: list, args: dict) -> dict[str, tuple[int, int, int]]:
    """{axis label: (sessions, responses, answers to the overall question)} counted here, row by row."""
    if "annee" in args:
        start, end = date(int(args["annee"]), 1, 1), date(int(args["annee"]), 12, 31)
    elif "trimestre" in args:
        year, quarter = int(args["trimestre"][:4]), int(args["trimestre"][-1])
        start = date(year, 3 * quarter - 2, 1)
        end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
        end = date.fromordinal(end.toordinal() - 1)
    else:
        start, end = sorted([date.fromisoformat(args["du"]), date.fromisoformat(args["au"])])
    counts: dict[str, list[int]] = {}
    for session, levels in rows:
        department = session.department.value if session.department else NO_DEPARTMENT
        if not start <= session.start_date <= end:
            continue
        if args.get("axe", session.training.axis.value) != session.training.axis.value:
            continue
        if args.get("modalite", session.training.modality.value) != session.training.modality.value:
            continue
        if args.get("dept", department) != department:
            continue
        figures = counts.setdefault(AXIS_LABELS[session.training.axis], [0, 0, 0])
        figures[0] += 1
        figures[1] += len(levels)
        figures[2] += sum(level is not None for level in levels)
    return {label: tuple(values) for label, values in counts.items()}


@settings(
    max_examples=8,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(period=PERIODS, filters=SCOPES)
def test_random_scopes_give_the_same_figures_in_the_page_the_files_and_the_json(
    client, auth, make_user, runner, centre, period, filters
):
    args = {**period, **filters}
    if not getattr(client, "logged_in_as_admin", False):  # the client and the database live across examples
        auth.login(make_user(Role.ADMIN))
        client.logged_in_as_admin = True
    sessions = db.session.scalars(select(TrainingSession)).all()
    levels = {session.id: [] for session in sessions}
    for session_id, level in db.session.execute(select(Response.session_id, Response.overall_level)):
        levels[session_id].append(level)
    expected = _hand_count([(session, levels[session.id]) for session in sessions], args)

    page = parse(client.get("/report/", query_string=args).get_data(as_text=True))
    table = page.by_id("t-satisfaction_axis")
    in_page = {}
    for row in table.find_all("tr") if table else []:
        cells = [cell.text for cell in row.find_all("td")]
        if len(cells) >= 4:
            answered = re.search(r"n = (\d+)", cells[3])
            in_page[row.find("th").text] = (int(cells[0]), int(cells[1]), int(answered.group(1)) if answered else 0)
    assert in_page == expected, args

    workbook = _file(client, "/report/rapport.xlsx", args)
    in_workbook = {row[0]: (row[1], row[2], row[4]) for row in workbook["Satisfaction par axe"][1:]}
    assert in_workbook == expected, args

    _paragraphs, tables = _file(client, "/report/rapport.docx", args)
    by_axis = [t for t in tables if t[0][0] == "Axe" and "Réponses à la question globale" in t[0]]
    in_document = {}
    for row in by_axis[0][1:] if by_axis else []:
        in_document[row[0]] = (int(row[1]), int(row[2]), int(row[4]))
    assert in_document == expected, args

    result = runner.invoke(args=["report", *_cli_args(args), "--json"])
    assert result.exit_code == 0, result.output
    in_json = {
        row["label"]: (row["sessions"], row["responses"], row["satisfaction"]["n"])
        for row in json.loads(result.stdout)["satisfaction_by_axis"]
    }
    assert in_json == expected, args

    rows = _file(client, "/scores/export", {**args, "format": "csv", "vue": "axe"})
    in_csv = {row[0]: (int(row[1]), int(row[2]), int(row[5])) for row in rows[1:]}
    assert in_csv == expected, args

"""Hostile input, generated: arbitrary Unicode, huge strings, control characters, wrong types and field names.

Posted to the public form, the builder's JSON import and the catalogue and attendance imports. Whatever is sent,
the server never answers 500, and a refused request writes nothing (rows are counted before and after).
Example counts stay modest so that the suite stays fast; `deadline=None` because a database is involved.
"""

from __future__ import annotations

import gc
import io
import json

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from feedback.db import db
from feedback.models import (
    Answer,
    Attendance,
    CommentAnalysis,
    Question,
    Questionnaire,
    Response,
    Role,
    Training,
    TrainingSession,
)
from tests.conftest import form_token

FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: Every character Unicode has but surrogates (which no browser can send), control characters included.
ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=80)
CONTROL = st.text(
    alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F) | st.sampled_from("\x7f\ufeff\uffff\u202e")
)
NUMBERS = st.sampled_from(["4", "0", "-1", "5", "99", "4.0", "1e3", "", " 4 ", "٤", "４", "NaN", "4\x00", "0x4", "²"])
HUGE = st.builds(
    lambda c, n: c * n, st.sampled_from(["a", "é", "😀", "\x00", "<script>", "=1+1"]), st.integers(4990, 6000)
)
VALUES = st.one_of(ANY_TEXT, CONTROL, NUMBERS, HUGE)
KNOWN_FIELDS = [
    "q-overall",
    "q-contents",
    "q-speakers",
    "q-recommend",
    "q-liked",
    "q-improve",
    "q-profile",
    "consent",
    "token",
    "invitation",
    "session_id",
    "submitted_dt",
    "overall_level",
]
FIELD_NAMES = st.one_of(st.sampled_from(KNOWN_FIELDS), ANY_TEXT)
REFUSALS = {400, 409, 410, 413, 422, 429}


def mostly(valid, anything):
    """Three times in four something a real user could send, once in four anything: the fuzz reaches deep code."""
    return st.one_of(valid, valid, valid, anything)


def counts(*models) -> tuple[int, ...]:
    db.session.rollback()  # read what the requests committed
    return tuple(db.session.scalar(select(func.count()).select_from(model)) for model in models)


STORED = (Response, Answer, CommentAnalysis)


# -- the public form ---------------------------------------------------------------------------------------------


@pytest.fixture
def open_form(make_session):
    return f"/s/{make_session().public_code}"


#: Answers a phone could send, each of which may be replaced by anything: the fuzz reaches the storing code.
PLAUSIBLE = st.fixed_dictionaries(
    {"q-overall": st.sampled_from(["1", "2", "3", "4"]) | NUMBERS},
    optional={
        "q-liked": VALUES,
        "q-improve": VALUES,
        "q-recommend": st.sampled_from([str(n) for n in range(11)]) | NUMBERS,
        "q-contents": st.sampled_from(["1", "4"]) | NUMBERS,
        "q-profile": st.sampled_from(["association", "pre", "autre"]) | ANY_TEXT,
        "consent": st.sampled_from(["yes", "no", ""]) | ANY_TEXT,
    },
)


@FUZZ
@given(
    answers=PLAUSIBLE,
    fields=st.lists(st.tuples(FIELD_NAMES, VALUES), max_size=6),
    with_token=st.sampled_from([True, True, True, False]),
)
def test_the_public_form_never_fails_and_stores_all_or_nothing(client, open_form, answers, fields, with_token):
    pairs = list(answers.items()) + list(fields)
    if with_token:
        pairs.append(("token", form_token(client.get(open_form).get_data(as_text=True))))
    before = counts(*STORED)
    page = client.post(open_form, data=MultiDict(pairs))
    after = counts(*STORED)
    event(f"status {page.status_code}")  # shown by --hypothesis-show-statistics
    assert page.status_code != 500
    if page.status_code == 303:  # stored: one response, with its answers and their analyses
        assert after[0] == before[0] + 1
    else:
        assert page.status_code in REFUSALS, page.status_code
        assert after == before
        if page.status_code in (400, 422):  # the form comes back, never a bare error page
            assert 'name="token"' in page.get_data(as_text=True)


@FUZZ
@given(body=st.binary(max_size=3000))
def test_raw_bytes_posted_to_the_form_never_fail(client, open_form, body):
    token = form_token(client.get(open_form).get_data(as_text=True))
    before = counts(*STORED)
    page = client.post(
        open_form, data=body + b"&token=" + token.encode(), content_type="application/x-www-form-urlencoded"
    )
    assert page.status_code == 303 or (page.status_code in REFUSALS and counts(*STORED) == before)


@pytest.mark.parametrize(
    "content_type", ["multipart/form-data; boundary=x", "application/json", "text/plain", "multipart/form-data"]
)
def test_other_encodings_are_refused_without_an_error(client, open_form, content_type):
    page = client.post(open_form, data=b'{"q-overall": 4}\r\n--x--', content_type=content_type)
    assert page.status_code in REFUSALS and counts(*STORED) == (0, 0, 0)


# -- the builder's JSON import -----------------------------------------------------------------------------------

JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), ANY_TEXT, HUGE)
ANY_JSON = st.recursive(
    JSON_SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(ANY_TEXT, children, max_size=4),
    max_leaves=20,
)
KINDS = st.sampled_from(["satisfaction", "recommendation", "single_choice", "long_text", "grid", "rating", "nope", ""])
LABELS = st.one_of(*[st.text(alphabet=st.characters(exclude_categories=["Cs"]), min_size=1, max_size=60)] * 3, VALUES)
CODES = st.from_regex(r"[a-z][a-z0-9_]{0,15}", fullmatch=True)
OPTIONS = st.lists(
    st.fixed_dictionaries({"value": st.from_regex(r"[a-z]{1,8}", fullmatch=True), "label": LABELS}),
    min_size=2,
    max_size=3,
    unique_by=lambda option: option["value"],
)
VALID_QUESTIONS = st.lists(
    st.fixed_dictionaries(
        {"code": CODES, "kind": st.sampled_from(["long_text", "short_text", "recommendation"]), "label": LABELS},
        optional={"is_required": st.booleans(), "help_text": VALUES},
    )
    | st.fixed_dictionaries({"code": CODES, "kind": st.just("single_choice"), "label": LABELS, "options": OPTIONS}),
    max_size=3,
    unique_by=lambda question: question["code"],
).map(
    lambda questions: [
        {"code": "overall", "kind": "satisfaction", "label": "Satisfait·e ?", "is_overall": True},
        *questions,
    ]
)
QUESTION = st.fixed_dictionaries(
    {"code": st.one_of(ANY_TEXT, st.sampled_from(["overall", "liked"])), "kind": KINDS, "label": VALUES},
    optional={
        "options": st.lists(st.fixed_dictionaries({"value": VALUES, "label": VALUES}) | ANY_JSON, max_size=4),
        "is_overall": ANY_JSON,
        "is_required": ANY_JSON,
        "label_en": ANY_JSON,
    },
)
EXPORTED = st.fixed_dictionaries(
    {
        "format": st.just("retours-questionnaire"),
        "title": LABELS,
        "questions": mostly(VALID_QUESTIONS, st.lists(QUESTION, max_size=5)),
    },
    optional={
        "intro": mostly(ANY_TEXT, ANY_JSON),
        "consent_text": mostly(ANY_TEXT, ANY_JSON),
        "is_anonymous": mostly(st.booleans(), ANY_JSON),
        "format_version": ANY_JSON,
    },
)


@pytest.fixture
def manager(client, auth, make_user):
    auth.login(make_user(Role.MANAGER))
    return client


# Werkzeug's test client spools a multipart body over 500 KB to a temporary file that it leaves to the garbage
# collector when the app refuses the request on its Content-Length (413) without reading it; under gunicorn the body
# is the socket and no such file exists. The warning is about the test client, not the app.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@FUZZ
@given(document=mostly(EXPORTED, ANY_JSON), raw=mostly(st.none(), st.binary(max_size=500)))
def test_the_questionnaire_import_never_fails_and_creates_all_or_nothing(manager, document, raw):
    content = raw if raw is not None else json.dumps(document, ensure_ascii=False).encode("utf-8", "surrogatepass")
    before = counts(Questionnaire, Question)
    page = manager.post(
        "/manage/questionnaires/import",
        data={"file": (io.BytesIO(content), "questionnaire.json")},
        content_type="multipart/form-data",
    )
    gc.collect()  # the test client's spooled body is finalised here, under this test's warning filter
    after = counts(Questionnaire, Question)
    event(f"status {page.status_code}")
    assert page.status_code != 500
    if page.status_code == 302:  # imported whole: one new draft
        assert after[0] == before[0] + 1
    else:
        assert page.status_code in {200, 422} | REFUSALS and after == before


# -- the catalogue and attendance imports ------------------------------------------------------------------------

CELLS = st.one_of(VALUES, st.sampled_from(["2025-03-10", "10/03/2025", "15 mai 2025", "formation", "regional", "91"]))
TITLES = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters=';\r\n"'), min_size=1, max_size=40
)
#: Rows of a catalogue that can be read (any title, a real axis, modality and date) or not (anything in a cell).
CATALOGUE_ROWS = st.lists(
    st.tuples(
        mostly(TITLES, CELLS),
        mostly(st.sampled_from(["regional", "politique-ville", "precarite-sante"]), CELLS),
        mostly(st.sampled_from(["formation", "webinaire", "conference"]), CELLS),
        mostly(st.sampled_from(["2025-03-10", "12/11/2025", "1 avril 2025"]), CELLS),
        mostly(st.sampled_from(["91", "94", "", "77"]), CELLS),
    ).map(list),
    min_size=1,
    max_size=5,
)
PEOPLE = st.lists(st.tuples(mostly(st.emails() | TITLES, CELLS)).map(list), min_size=1, max_size=6)
HEADERS = st.lists(
    st.sampled_from(
        ["titre", "axe", "modalite", "date_debut", "departement", "participants", "email", "nom", "session"]
    )
    | ANY_TEXT,
    min_size=1,
    max_size=6,
)


def _csv(headers: list[str], rows: list[list[str]]) -> bytes:
    lines = [";".join(headers)] + [";".join(row) for row in rows]
    return "\r\n".join(lines).encode("utf-8", "surrogatepass")


UPLOADS = st.one_of(
    st.tuples(st.just("catalogue"), st.just(["titre", "axe", "modalite", "date_debut", "departement"]), CATALOGUE_ROWS),
    st.tuples(st.just("attendance"), st.sampled_from([["email"], ["nom"], ["prénom", "nom"]]), PEOPLE),
    st.tuples(st.sampled_from(["catalogue", "attendance"]), HEADERS, st.lists(st.lists(CELLS, max_size=6), max_size=6)),
)


@pytest.fixture
def a_session(make_session):
    return make_session()


# As for the questionnaire import above: a generated CSV over 500 KB is spooled by the test client to a temporary
# file that only the garbage collector closes (seen once at the end of a whole run, after every test had passed).
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@FUZZ
@given(
    upload=UPLOADS,
    raw=mostly(st.none(), st.binary(max_size=800)),
    filename=mostly(
        st.just("liste.csv"), st.sampled_from(["liste.xlsx", "liste.txt", "", "../../etc/passwd", "a\x00.csv"])
    ),
    extra=st.dictionaries(st.sampled_from(["year", "token", "kind"]), VALUES, max_size=2),
    own_session=st.booleans(),
)
def test_the_imports_never_fail_and_write_nothing_until_confirmed(
    app, manager, a_session, monkeypatch, tmp_path, upload, raw, filename, extra, own_session
):
    monkeypatch.setitem(app.config, "IMPORT_PENDING_DIR", str(tmp_path))
    kind, headers, rows = upload
    if kind == "attendance" and own_session:
        extra = {**extra, "session_id": str(a_session.id)}
    content = raw if raw is not None else _csv(headers, rows)
    tables = (Training, TrainingSession, Attendance)
    before = counts(*tables)
    page = manager.post(
        f"/manage/imports/{kind}",
        data={**extra, "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )
    gc.collect()  # the test client's spooled body is finalised here, under this test's warning filter
    assert page.status_code != 500
    assert counts(*tables) == before  # an upload only previews
    html = page.get_data(as_text=True)
    previewed = 'name="token"' in html and page.status_code == 200
    event(f"status {page.status_code}, preview {previewed}")
    if previewed:
        token = html.split('name="token"')[1].split('value="')[1].split('"')[0]
        confirmed = manager.post("/manage/imports/confirm", data={"token": token})
        assert confirmed.status_code in (200, 302)
        if confirmed.status_code == 200:  # refused while writing: nothing written
            assert counts(*tables) == before


@FUZZ
@given(fields=st.dictionaries(st.sampled_from(["token", "kind", "data", "lists"]) | ANY_TEXT, VALUES, max_size=4))
def test_a_forged_confirmation_writes_nothing(manager, fields):
    before = counts(Training, TrainingSession, Attendance)
    page = manager.post("/manage/imports/confirm", data=fields)
    assert page.status_code == 302 and counts(Training, TrainingSession, Attendance) == before


# -- a malformed stored value never breaks an aggregate page --------------------------------------------------------


@settings(FUZZ, max_examples=15)  # five pages an example
@given(
    number=st.integers(-32768, 32767),
    # PostgreSQL refuses NUL in text: not something any version could have stored.
    text=st.one_of(st.none(), ANY_TEXT, HUGE).map(lambda t: t and t.replace("\x00", "")),
    code=st.sampled_from(KNOWN_FIELDS[:7]),
)
def test_a_stored_value_out_of_range_never_breaks_the_score_pages(
    client, auth, make_user, make_session, number, text, code
):
    """As if written by an older version or a bug: a number outside its scale, text where none belongs."""
    from feedback.models import Question

    session = make_session()
    if client.get("/scores/mine").status_code != 200:  # logged in once for all the examples
        auth.login(make_user(Role.ADMIN))
    question = db.session.scalar(
        select(Question).where(Question.questionnaire_id == session.questionnaire_id, Question.code == code[2:])
    )
    response = Response(
        session_id=session.id,
        session_date=session.start_date,
        questionnaire_id=session.questionnaire_id,
        submission_token=f"stored-{session.id}",
    )
    db.session.add(response)
    db.session.flush()
    db.session.add(Answer(response_id=response.id, question_id=question.id, number=number, text=text))
    db.session.commit()
    for url in (
        f"/scores/sessions/{session.id}",
        f"/scores/trainings/{session.training_id}",
        "/scores/?annee=toutes",
        "/scores/export?format=xlsx&annee=toutes",
        "/report/",
    ):
        page = client.get(url)
        assert page.status_code == 200, url

"""The public form /s/<code>: what a participant sees, what is stored, and that no answer is ever lost or doubled."""

from __future__ import annotations

import time
import unicodedata
from datetime import timedelta

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, inspect, select

from feedback.catalogue import operations
from feedback.db import db, utcnow
from feedback.form_tokens import SALT
from feedback.models import Answer, Response
from feedback.models.domain import PROFILES
from tests.conftest import form_token
from tests.htmltree import form_state, parse

#: One answer to every question of the default questionnaire, as a phone would send it.
FULL = {
    "q-overall": "4",
    "q-contents": "3",
    "q-speakers": "2",
    "q-organisation": "1",
    "q-usefulness": "4",
    "q-recommend": "9",
    "q-liked": "Les études de cas,\nsurtout la deuxième.",
    "q-improve": "Plus de pauses",
    "q-wishes": "Droit au séjour",
    "q-profile": "adulte-relais",
    "consent": "yes",
}
HOSTILE_SCRIPT = "<script>alert(1)</script>"
HOSTILE_ATTRIBUTE = '"><img src=x onerror=alert(1)>'


def count_responses() -> int:
    return db.session.scalar(select(func.count(Response.id)))


def count_answers() -> int:
    return db.session.scalar(select(func.count(Answer.id)))


def get_form(client, session, query: str = ""):
    page = client.get(f"/s/{session.public_code}{query}")
    assert page.status_code == 200
    return page


def post(client, session, data, **kwargs):
    return client.post(f"/s/{session.public_code}", data=data, **kwargs)


def survey_form(page):
    form = parse(page.get_data(as_text=True)).find("form", class_="survey")
    assert form is not None, "the form is not on the page"
    return form


def assert_answers_kept(page, sent: dict[str, str], *, except_fields=()):
    """Every answer sent is filled in again: radios checked, texts typed, consent ticked."""
    state = form_state(survey_form(page))
    for name, value in sent.items():
        if name in except_fields or name == "token":
            continue
        assert state.get(name) == [value], f"{name} lost: {state.get(name)!r} instead of {value!r}"


def only_response() -> Response:
    responses = db.session.scalars(select(Response)).all()
    assert len(responses) == 1
    return responses[0]


def answer_texts(response: Response) -> dict[str, str]:
    return {a.question.code: a.text for a in response.answers if a.text is not None}


# -- states of the form ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["inconnu", "x" * 33, "%00"])
def test_an_unknown_code_is_404(client, make_session, code):
    make_session()
    assert client.get(f"/s/{code}").status_code == 404
    assert client.post(f"/s/{code}", data=FULL).status_code == 404
    assert count_responses() == 0


def test_a_session_not_yet_open_says_so_without_a_form(client, make_session):
    session = make_session(is_open=False)
    page = client.get(f"/s/{session.public_code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "pas encore ouvert" in html
    assert parse(html).find("form") is None


def test_a_closed_session_is_410_with_a_clear_page(client, make_session):
    session = make_session()
    operations.close_session(session)
    db.session.commit()
    page = client.get(f"/s/{session.public_code}")
    assert page.status_code == 410
    assert "Ce questionnaire est fermé" in page.get_data(as_text=True)
    assert parse(page.get_data(as_text=True)).find("form") is None


def test_a_late_post_to_a_closed_form_shows_the_participants_text_back_escaped(client, make_session):
    session = make_session()
    token = form_token(get_form(client, session).get_data(as_text=True))
    operations.close_session(session)
    db.session.commit()

    comment = f"Très bien {HOSTILE_SCRIPT} merci"
    page = post(client, session, {**FULL, "token": token, "q-liked": comment, "q-wishes": HOSTILE_ATTRIBUTE})
    html = page.get_data(as_text=True)

    assert page.status_code == 410
    assert "Ce questionnaire est fermé" in html
    tree = parse(html)
    kept = [t.raw_text for t in tree.find_all("textarea")]
    assert comment in kept and HOSTILE_ATTRIBUTE in kept
    assert not [s for s in tree.find_all("script") if "src" not in s.attrs] and tree.find("img") is None
    assert HOSTILE_SCRIPT not in html and "&lt;script&gt;" in html
    assert count_responses() == 0


def test_a_post_before_the_opening_says_not_yet_open_and_keeps_the_text(client, make_session):
    session = make_session()
    token = form_token(get_form(client, session).get_data(as_text=True))
    session.opens_dt = utcnow() + timedelta(hours=2)  # the manager moved the opening later meanwhile
    db.session.commit()

    page = post(client, session, {**FULL, "token": token, "q-liked": "Les ateliers"})
    html = page.get_data(as_text=True)
    assert page.status_code == 409
    assert "pas encore ouvert" in html and "fermé" not in html
    assert "Les ateliers" in [t.raw_text for t in parse(html).find_all("textarea")]
    assert count_responses() == 0


def test_opening_the_link_never_creates_a_response(client, make_session):
    session = make_session()
    for _ in range(3):
        get_form(client, session)
    assert count_responses() == 0


# -- what the participant sees -----------------------------------------------------------------------------------


def test_every_question_is_a_fieldset_with_a_legend_and_labelled_controls(client, make_session):
    session = make_session()
    tree = parse(get_form(client, session).get_data(as_text=True))
    assert tree.find("html").get("lang") == "fr"
    form = survey_form(get_form(client, session))

    kinds = set()
    for question in session.questionnaire.questions:
        kinds.add(question.kind)
        fieldset = form.by_id(f"q-{question.code}")
        assert fieldset is not None and fieldset.tag == "fieldset", question.code
        legend = fieldset.find("legend")
        assert legend is not None and question.label in legend.text
        if question.is_required:
            assert "obligatoire" in legend.text
        controls = [n for n in fieldset.iter() if n.tag in ("input", "textarea")]
        assert controls and all(c.get("name") == f"q-{question.code}" for c in controls)
        for control in controls:
            wrapping = next((a for a in control.ancestors() if a.tag == "label"), None)
            by_for = fieldset.find("label", for_=control.get("id")) if control.get("id") else None
            label = wrapping or by_for
            assert label is not None and label.text, f"{question.code}: a control without a label"
        expected = {"satisfaction": 4, "recommendation": 11, "single_choice": len(question.options)}
        if question.kind in expected:
            assert len(controls) == expected[question.kind]
            assert {c.get("type") for c in controls} == {"radio"}
    assert kinds == {"satisfaction", "recommendation", "long_text", "short_text", "single_choice"}
    assert len(form.by_id("q-profile").find_all("input")) == len(PROFILES)

    consent = form.find("input", name="consent")
    assert consent is not None and "checked" not in consent.attrs  # never ticked by default
    assert "cité anonymement" in next(a for a in consent.ancestors() if a.tag == "label").text


def test_english_shows_the_english_wording(client, make_session):
    session = make_session()
    page = get_form(client, session, "?lang=en")
    tree = parse(page.get_data(as_text=True))
    assert tree.find("html").get("lang") == "en"
    fieldset = tree.by_id("q-overall")
    assert "Overall, how satisfied are you with this session?" in fieldset.find("legend").text
    assert "Very satisfied" in fieldset.text and "Très satisfait" not in fieldset.text
    assert "Adult mediator" in tree.by_id("q-profile").text
    # The choice sticks for the next page of the same phone.
    assert parse(get_form(client, session).get_data(as_text=True)).find("html").get("lang") == "en"


# -- validation --------------------------------------------------------------------------------------------------

LONG_COMMENT = "Trop long. " * 545 + "Fin !"  # 6,000 characters: above the 5,000 allowed


@pytest.mark.parametrize(
    ("changed", "question", "message"),
    [
        ({"q-overall": None}, "overall", "Cette question est obligatoire."),
        ({"q-overall": "7"}, "overall", "Choisissez l'une des quatre réponses proposées."),
        ({"q-overall": "4.0"}, "overall", "Choisissez l'une des quatre réponses proposées."),
        ({"q-recommend": "11"}, "recommend", "Choisissez une note entre 0 et 10."),
        ({"q-profile": "inconnu"}, "profile", "Choisissez parmi les réponses proposées."),
        ({"q-improve": LONG_COMMENT}, "improve", "Votre réponse est trop longue"),
        ({"q-wishes": "x" * 301}, "wishes", "Votre réponse est trop longue"),
    ],
    ids=[
        "overall-missing",
        "overall-7",
        "overall-decimal",
        "recommend-11",
        "profile-unknown",
        "comment-6000",
        "short-text-301",
    ],
)
def test_an_invalid_answer_is_shown_next_to_its_question_and_every_other_answer_is_kept(
    client, make_session, changed, question, message
):
    session = make_session()
    data = {**FULL, **changed}
    sent = {k: v for k, v in data.items() if v is not None}
    page = post(client, session, {"token": form_token(get_form(client, session).get_data(as_text=True)), **sent})

    assert page.status_code == 422
    tree = parse(page.get_data(as_text=True))
    fieldset = tree.by_id(f"q-{question}")
    error = fieldset.find(class_="error")
    assert error is not None and message in error.text
    assert f"q-{question}-err" in fieldset.get("aria-describedby")
    summary = tree.by_id("error-summary")
    link = summary.find("a", href=f"#q-{question}")
    assert link is not None and message in link.text
    assert len(summary.find_all("a")) == 1  # only the wrong answer is flagged

    text_kept = question in ("improve", "wishes")  # a too-long text stays, to be shortened rather than retyped
    assert_answers_kept(page, sent, except_fields=() if text_kept else (f"q-{question}",))
    assert count_responses() == 0

    # The participant corrects that one answer and sends the very page they got back.
    fixed = form_state(survey_form(page))
    fixed[f"q-{question}"] = [FULL[f"q-{question}"]]
    assert post(client, session, fixed).status_code == 303
    assert count_responses() == 1


def test_two_profiles_for_a_single_choice_question_are_refused(client, answer_form, make_session):
    session = make_session()
    page = answer_form(session, {**FULL, "q-profile": ["elu", "habitant"]})
    assert page.status_code == 422
    assert "Choisissez une seule réponse." in parse(page.get_data(as_text=True)).by_id("q-profile").text
    assert count_responses() == 0


# -- storing -----------------------------------------------------------------------------------------------------


def test_a_valid_post_redirects_to_the_thank_you_page(client, answer_form, make_session):
    session = make_session()
    posted = answer_form(session, FULL)
    assert posted.status_code == 303
    assert posted.headers["Location"].endswith(f"/s/{session.public_code}/merci")
    thanks = client.get(posted.headers["Location"])
    assert thanks.status_code == 200
    assert "Merci" in thanks.get_data(as_text=True) and session.training.title in thanks.get_data(as_text=True)
    assert count_responses() == 1


def test_stored_answers_are_typed_and_copied_onto_the_response(answer_form, make_session):
    session = make_session()
    assert answer_form(session, FULL).status_code == 303
    response = only_response()
    assert response.session_id == session.id and response.questionnaire_id == session.questionnaire_id
    assert (response.overall_level, response.recommendation, response.profile) == (4, 9, "adulte-relais")
    numbers = {a.question.code: a.number for a in response.answers if a.number is not None}
    assert numbers == {"overall": 4, "contents": 3, "speakers": 2, "organisation": 1, "usefulness": 4, "recommend": 9}
    assert answer_texts(response) == {
        "liked": "Les études de cas,\nsurtout la deuxième.",
        "improve": "Plus de pauses",
        "wishes": "Droit au séjour",
    }
    assert [a.option.value for a in response.answers if a.option is not None] == ["adulte-relais"]


def test_the_consent_is_stored_with_its_date_and_wording_version_only_when_ticked(client, answer_form, make_session):
    session = make_session()
    before = utcnow()
    assert answer_form(session, FULL).status_code == 303
    with_consent = only_response()
    assert with_consent.consents_to_quote is True
    assert with_consent.consent_version == session.questionnaire.consent_version
    assert before - timedelta(seconds=1) <= with_consent.consent_dt <= utcnow()

    db.session.delete(with_consent)
    db.session.commit()
    without = {k: v for k, v in FULL.items() if k != "consent"}
    assert answer_form(session, without).status_code == 303
    response = only_response()
    assert (response.consents_to_quote, response.consent_dt, response.consent_version) == (False, None, None)


def test_an_optional_question_left_blank_stores_no_answer(answer_form, make_session):
    session = make_session()
    assert answer_form(session, {"q-overall": "2", "q-liked": "   "}).status_code == 303
    response = only_response()
    assert [a.question.code for a in response.answers] == ["overall"]
    assert (response.overall_level, response.recommendation, response.profile) == (2, None, None)


def test_fields_the_participant_may_not_set_are_ignored(client, answer_form, make_session):
    session = make_session()
    other = make_session()
    smuggled = {
        "id": "999999",
        "session_id": str(other.id),
        "questionnaire_id": "999",
        "submitted_dt": "2001-01-01T00:00:00+00:00",
        "consents_to_quote": "1",
        "consent_dt": "2001-01-01T00:00:00+00:00",
        "consent_version": "99",
        "overall_level": "1",
        "recommendation": "0",
        "profile": "elu",
        "submission_token": "chosen-by-the-participant",
    }
    without_consent = {k: v for k, v in FULL.items() if k != "consent"}
    assert answer_form(session, {**without_consent, **smuggled}).status_code == 303
    response = only_response()
    assert response.id != 999999
    assert response.session_id == session.id and response.questionnaire_id == session.questionnaire_id
    assert response.submitted_dt > utcnow() - timedelta(minutes=1)
    assert (response.consents_to_quote, response.consent_dt, response.consent_version) == (False, None, None)
    assert (response.overall_level, response.recommendation, response.profile) == (4, 9, "adulte-relais")
    assert response.submission_token != "chosen-by-the-participant"


def test_an_anonymous_response_keeps_no_ip_address_user_agent_or_account(client, make_session):
    session = make_session()
    assert session.questionnaire.is_anonymous
    ip, agent = "203.0.113.77", "Mozilla/5.0 (TelephoneDeTest/42)"
    environ = {"REMOTE_ADDR": ip}
    page = client.get(f"/s/{session.public_code}", headers={"User-Agent": agent}, environ_base=environ)
    data = {**FULL, "token": form_token(page.get_data(as_text=True))}
    posted = client.post(f"/s/{session.public_code}", data=data, headers={"User-Agent": agent}, environ_base=environ)
    assert posted.status_code == 303

    identifying = {"ip", "addr", "address", "agent", "ua", "user", "account", "email", "remote", "host", "cookie"}
    for table in ("responses", "answers"):
        columns = [c["name"] for c in inspect(db.engine).get_columns(table)]
        suspicious = [c for c in columns if identifying & set(c.lower().split("_"))]
        assert suspicious == [], f"{table} has identifying columns {suspicious}"
    stored = [
        *db.session.execute(select(Response.__table__)).all(),
        *db.session.execute(select(Answer.__table__)).all(),
    ]
    assert stored
    for row in stored:
        for value in row:
            assert ip not in str(value) and "TelephoneDeTest" not in str(value)


# -- never lost, never doubled -----------------------------------------------------------------------------------


def test_a_double_submit_stores_one_response_and_both_land_on_the_thank_you_page(client, make_session):
    session = make_session()
    data = {**FULL, "token": form_token(get_form(client, session).get_data(as_text=True))}
    first = post(client, session, data)
    second = post(client, session, data)
    replay = client.application.test_client().post(f"/s/{session.public_code}", data=data)  # another device
    for posted in (first, second, replay):
        assert posted.status_code == 303
        assert posted.headers["Location"].endswith(f"/s/{session.public_code}/merci")
    assert post(client, session, data, follow_redirects=True).status_code == 200
    assert count_responses() == 1
    assert count_answers() == len(only_response().answers) == 10


def test_the_same_form_sent_by_two_requests_at_once_stores_one_response_and_both_thank(
    client, make_session, before_insert_into
):
    session = make_session()
    data = {**FULL, "token": form_token(get_form(client, session).get_data(as_text=True))}
    other: list = []
    before_insert_into(
        "responses", lambda: other.append(client.application.test_client().post(f"/s/{session.public_code}", data=data))
    )
    first = post(client, session, data)
    for posted in (first, other[0]):
        assert posted.status_code == 303
        assert posted.headers["Location"].endswith(f"/s/{session.public_code}/merci")
    assert count_responses() == 1
    assert count_answers() == 10


def test_two_participants_on_one_phone_store_two_responses(client, answer_form, make_session):
    session = make_session()
    assert answer_form(session, FULL).status_code == 303
    assert answer_form(session, {**FULL, "q-overall": "1"}).status_code == 303
    levels = db.session.scalars(select(Response.overall_level).order_by(Response.overall_level)).all()
    assert levels == [1, 4]


def test_a_form_opened_three_hours_ago_is_still_accepted(client, make_session, monkeypatch):
    session = make_session()
    real_now = time.time()
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: real_now - 3 * 3600)
    token = form_token(get_form(client, session).get_data(as_text=True))
    monkeypatch.undo()

    posted = post(client, session, {**FULL, "token": token})
    assert posted.status_code == 303
    assert only_response().overall_level == 4


def test_an_expired_form_is_shown_again_with_every_answer_and_nothing_stored(app, client, make_session, monkeypatch):
    session = make_session()
    token = form_token(get_form(client, session).get_data(as_text=True))
    monkeypatch.setitem(app.config, "SURVEY_TOKEN_MAX_AGE", -1)
    page = post(client, session, {**FULL, "token": token})
    assert page.status_code == 400
    assert "vos réponses sont conservées" in page.get_data(as_text=True)
    assert_answers_kept(page, FULL)
    assert count_responses() == 0
    monkeypatch.undo()

    # The page carries a fresh token: sending it again stores the answers.
    assert post(client, session, form_state(survey_form(page))).status_code == 303
    assert only_response().overall_level == 4


def _tampered(token: str) -> str:
    payload, rest = token.split(".", 1)
    middle = len(payload) // 2
    swapped = "A" if payload[middle] != "A" else "B"
    return f"{payload[:middle]}{swapped}{payload[middle + 1 :]}.{rest}"


@pytest.mark.parametrize("kind", ["tampered", "wrong-key", "other-session", "missing", "garbage"])
def test_a_token_that_does_not_belong_to_this_form_reshows_it_and_stores_nothing(app, client, make_session, kind):
    session = make_session()
    token = form_token(get_form(client, session).get_data(as_text=True))
    if kind == "tampered":
        token = _tampered(token)
    elif kind == "wrong-key":
        token = URLSafeTimedSerializer("another-key", salt=SALT).dumps({"s": session.public_code, "n": "x" * 24})
    elif kind == "other-session":
        token = form_token(get_form(client, make_session()).get_data(as_text=True))
    elif kind == "missing":
        token = ""
    else:
        token = "x" * 5000
    page = post(client, session, {**FULL, "token": token})
    assert page.status_code == 400
    assert "vos réponses sont conservées" in page.get_data(as_text=True)
    assert_answers_kept(page, FULL)
    assert count_responses() == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "http://localhost.evil.example", "Sec-Fetch-Site": "cross-site"},
    ],
    ids=["origin", "sec-fetch-site", "both"],
)
def test_a_post_from_another_site_is_refused_and_the_answers_kept(answer_form, make_session, headers):
    session = make_session()
    page = answer_form(session, FULL, headers=headers)
    assert page.status_code == 400
    assert "depuis la page du questionnaire" in page.get_data(as_text=True)
    assert_answers_kept(page, FULL)
    assert count_responses() == 0


@pytest.mark.parametrize(
    "headers",
    [{"Origin": "http://localhost"}, {"Sec-Fetch-Site": "same-origin"}, {"Origin": "null"}, {}],
    ids=["same-origin", "sec-fetch-same", "privacy-null-origin", "no-header"],
)
def test_a_post_from_the_form_itself_is_accepted(answer_form, make_session, headers):
    session = make_session()
    assert answer_form(session, FULL, headers=headers).status_code == 303
    assert count_responses() == 1


# -- participant text is inert and clean -------------------------------------------------------------------------


def test_hostile_text_is_stored_as_typed_and_shown_back_as_text(client, answer_form, make_session):
    session = make_session()
    hostile = {
        "q-liked": HOSTILE_SCRIPT,
        "q-improve": f"javascript:alert(1) {HOSTILE_ATTRIBUTE}",
        "q-wishes": HOSTILE_ATTRIBUTE,
    }
    page = answer_form(session, {**FULL, "q-overall": "", **hostile})  # overall missing: the form comes back
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    tree = parse(html)
    assert not [s for s in tree.find_all("script") if "src" not in s.attrs] and tree.find("img") is None
    assert HOSTILE_SCRIPT not in html and HOSTILE_ATTRIBUTE not in html
    assert_answers_kept(page, {**FULL, **hostile}, except_fields=("q-overall",))

    fixed = form_state(survey_form(page))
    fixed["q-overall"] = ["3"]
    assert client.post(f"/s/{session.public_code}", data=fixed).status_code == 303
    texts = answer_texts(only_response())
    assert texts == {"liked": HOSTILE_SCRIPT, "improve": hostile["q-improve"], "wishes": HOSTILE_ATTRIBUTE}


def test_control_characters_are_stripped_and_text_is_stored_composed(answer_form, make_session):
    session = make_session()
    decomposed = unicodedata.normalize("NFD", "Très réussi, café offert")
    assert decomposed != "Très réussi, café offert"
    sent = {
        "q-overall": "3",
        "q-liked": f"{decomposed}\x00\x07\x1b",
        "q-improve": "Ligne 1\r\nLigne\x0b 2\tfin\ufffe",
        "q-wishes": "\x01Accueil\x7f des publics\x08",
    }
    assert answer_form(session, sent).status_code == 303
    texts = answer_texts(only_response())
    assert texts == {
        "liked": "Très réussi, café offert",
        "improve": "Ligne 1\nLigne 2\tfin",
        "wishes": "Accueil des publics",
    }
    assert unicodedata.is_normalized("NFC", texts["liked"])
    composed_e = db.session.scalar(select(func.count(Answer.id)).where(Answer.text.contains("é")))
    assert composed_e == 1


def test_each_opening_of_a_cached_blank_form_carries_its_own_token_and_the_current_title(client, make_session):
    session = make_session()
    first = form_token(get_form(client, session).get_data(as_text=True))
    second = form_token(get_form(client, session).get_data(as_text=True))
    assert first != second
    for token in (first, second):
        assert post(client, session, {**FULL, "token": token}).status_code == 303
    assert count_responses() == 2

    session.training.title = "Nouveau titre de la formation"
    db.session.commit()
    assert "Nouveau titre de la formation" in get_form(client, session).get_data(as_text=True)


def test_a_change_made_by_another_worker_is_seen_within_the_cache_delay(client, make_session, monkeypatch):
    """Another worker's change reaches this one's cache of sessions after SURVEY_SESSION_CACHE_SECONDS."""
    from sqlalchemy import update

    import feedback.survey.queries as survey_queries
    from feedback.db import db, utcnow
    from feedback.models import TrainingSession

    clock = [1000.0]
    monkeypatch.setattr(survey_queries.time, "monotonic", lambda: clock[0])
    session = make_session()
    assert client.get(f"/s/{session.public_code}").status_code == 200
    # Closed by a statement this process's ORM does not see, as a request served by another worker would be.
    db.session.execute(update(TrainingSession).where(TrainingSession.id == session.id).values(closes_dt=utcnow()))
    db.session.commit()
    clock[0] += 1.5
    assert client.get(f"/s/{session.public_code}").status_code == 200
    clock[0] += 1.0
    assert client.get(f"/s/{session.public_code}").status_code == 410


def test_a_form_closed_by_hand_here_is_closed_at_the_next_request(client, auth, make_user, make_session):
    session = make_session()
    assert client.get(f"/s/{session.public_code}").status_code == 200
    auth.login(make_user())
    assert client.post(f"/manage/sessions/{session.id}/close").status_code == 302
    auth.logout()
    assert client.get(f"/s/{session.public_code}").status_code == 410


def test_a_body_with_a_stray_invalid_byte_keeps_every_answer(client, make_session):
    """A phone that sends one byte of Latin-1 in a url-encoded body: the answers are stored, the byte replaced
    (Werkzeug alone gives an empty form, so the token and every answer were lost)."""
    session = make_session()
    page = client.get(f"/s/{session.public_code}")
    token = form_token(page.get_data(as_text=True))
    body = f"token={token}&q-overall=4&q-liked=".encode() + b"caf\xe9 tr%C3%A8s bon"
    sent = client.post(f"/s/{session.public_code}", data=body, content_type="application/x-www-form-urlencoded")
    assert sent.status_code == 303
    response = db.session.scalars(select(Response)).one()
    assert response.overall_level == 4
    assert db.session.scalar(select(Answer.text).where(Answer.text.is_not(None))) == "caf\ufffd très bon"

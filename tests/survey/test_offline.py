"""Send later and kiosk mode, through HTTP: the token endpoint keeps a form's nonce (one response however many
resends), the service worker is served where its scope covers the forms, and the kiosk link is staff's alone.
The browser side (network cut, cache, three people at a tablet) is in tests/browser/test_offline_form.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from feedback.catalogue import operations
from feedback.db import db
from feedback.form_tokens import read_token
from feedback.kiosk_links import sign_kiosk
from feedback.models import Response
from feedback.web import CSP
from tests.conftest import form_token
from tests.htmltree import parse

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
ANSWERS = {"q-overall": "4", "q-liked": "Les échanges <b>entre pairs</b>"}


def count_responses() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(Response.id)))


def blank_token(client, session) -> str:
    return form_token(client.get(f"/s/{session.public_code}").get_data(as_text=True))


def renew(client, session, token: str, **headers):
    return client.post(f"/s/{session.public_code}/jeton", data={"token": token}, headers=headers)


def test_a_renewed_token_keeps_its_nonce_so_a_resend_after_a_lost_reply_stores_nothing_more(app, client, make_session):
    session = make_session()
    token = blank_token(client, session)
    # Stored, but the reply never reached the phone (the network dropped on the way back)...
    assert client.post(f"/s/{session.public_code}", data={**ANSWERS, "token": token}).status_code == 303

    # ...so the phone sends it again later, with its token renewed: told it has gone, nothing stored twice.
    renewed = renew(client, session, token)
    assert renewed.status_code == 200 and renewed.headers["Cache-Control"] == "no-store"
    data = renewed.get_json()
    assert data["open"] is True and data["wait"] == 0
    code = session.public_code
    assert read_token(data["token"], code).nonce == read_token(token, code).nonce
    resent = client.post(f"/s/{session.public_code}", data={**ANSWERS, "token": data["token"]})
    assert resent.status_code == 303 and resent.headers["Location"].endswith(f"/s/{session.public_code}/merci")
    assert count_responses() == 1


def test_an_expired_token_is_renewed_and_the_waiting_answers_are_stored(app, client, make_session, monkeypatch):
    session = make_session()
    token = blank_token(client, session)
    monkeypatch.setitem(app.config, "SURVEY_TOKEN_MAX_AGE", -1)
    assert client.post(f"/s/{session.public_code}", data={**ANSWERS, "token": token}).status_code == 400
    renewed = renew(client, session, token).get_json()["token"]
    monkeypatch.undo()

    assert client.post(f"/s/{session.public_code}", data={**ANSWERS, "token": renewed}).status_code == 303
    [response] = db.session.scalars(select(Response))
    assert response.overall_level == 4


@pytest.mark.parametrize("token", ["", "pas-un-jeton", "x" * 400])
def test_without_a_token_of_ours_the_endpoint_gives_a_new_one_to_wait_for(app, client, make_session, token):
    session = make_session()
    app.config["SURVEY_MIN_ANSWER_SECONDS"] = 3
    try:
        data = renew(client, session, token).get_json()
    finally:
        app.config["SURVEY_MIN_ANSWER_SECONDS"] = 0
    assert data["open"] is True and data["wait"] == 3
    assert read_token(data["token"], session.public_code).nonce


def test_another_sessions_token_is_not_renewed_into_this_one(client, make_session):
    first, second = make_session(), make_session()
    token = blank_token(client, first)
    data = renew(client, second, token).get_json()
    assert read_token(data["token"], second.public_code).nonce != read_token(token, first.public_code).nonce


def test_a_form_closed_meanwhile_is_said_so_and_a_cross_site_request_is_refused(client, make_session):
    session = make_session()
    token = blank_token(client, session)
    assert renew(client, session, token, **{"Sec-Fetch-Site": "cross-site"}).status_code == 400
    assert renew(client, session, token, Origin="https://evil.example").status_code == 400

    operations.close_session(session)
    db.session.commit()
    closed = renew(client, session, token)
    assert closed.status_code == 410 and closed.get_json() == {"open": False}
    assert client.post("/s/nope!/jeton").status_code == 404


def test_the_service_worker_is_served_from_the_forms_path_under_the_csp(client):
    worker = client.get("/s/sw.js")
    assert worker.status_code == 200
    assert worker.mimetype == "text/javascript"
    assert worker.headers["Service-Worker-Allowed"] == "/s/"
    assert worker.headers["Cache-Control"] == "no-cache"
    assert "script-src 'self'" in worker.headers["Content-Security-Policy"]
    source = worker.get_data(as_text=True)
    assert 'addEventListener("sync"' in source
    # What it serves from its cache, without network, carries the server's own policy.
    assert f'var CSP="{CSP}";' in source and "__CSP__" not in source


@pytest.mark.parametrize("path", ["/static/survey.js", "/s/sw.js"])
def test_the_scripts_go_to_phones_without_their_comments_and_are_not_downloaded_twice(client, path):
    written = (STATIC_DIR / ("survey.js" if path.endswith("survey.js") else "survey-sw.js")).read_text()
    served = client.get(path)
    source = served.get_data(as_text=True)
    assert served.status_code == 200 and served.mimetype == "text/javascript"
    assert "/*" not in source and "// " not in source and "\n  " not in source
    assert len(source) < 0.75 * len(written)
    assert '"use strict";' in source and "retours-outbox" in source  # the code itself, as written
    # Asked again at each visit, and answered « not modified » while it is the same.
    assert served.headers["Cache-Control"] == "no-cache"
    again = client.get(path, headers={"If-None-Match": served.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""


def test_an_edited_script_is_served_as_edited(app, client, tmp_path, monkeypatch):
    (tmp_path / "survey.js").write_text('/* first */ var version = "one";\n')
    monkeypatch.setattr(app, "static_folder", str(tmp_path))
    first = client.get("/static/survey.js")
    assert first.get_data(as_text=True) == 'var version="one";'

    script = tmp_path / "survey.js"
    script.write_text('/* then */ var version = "two";\n')
    changed = script.stat().st_mtime_ns + 1_000_000_000  # a second later, whatever the filesystem's resolution
    os.utime(script, ns=(changed, changed))
    second = client.get("/static/survey.js", headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200 and second.get_data(as_text=True) == 'var version="two";'


def test_the_public_form_offers_send_later_and_the_follow_up_form_does_not(client, make_session):
    session = make_session()
    form = parse(client.get(f"/s/{session.public_code}").get_data(as_text=True)).find("form", class_="survey")
    assert form.get("data-offline") == f"/s/{session.public_code}/jeton"
    assert form.get("data-autosave") == session.public_code and "data-kiosk" not in form.attrs


# -- kiosk mode --------------------------------------------------------------------------------------------------


def kiosk_path(session) -> str:
    return f"/s/{session.public_code}/borne?k={sign_kiosk(session.public_code)}"


def test_the_session_page_gives_managers_a_kiosk_link_that_opens_the_kiosk(client, auth, make_user, make_session):
    session = make_session()
    auth.login(make_user())
    page = parse(client.get(f"/scores/sessions/{session.id}").get_data(as_text=True))
    [link] = [a.get("href") for a in page.iter() if a.tag == "a" and "/borne?k=" in (a.get("href") or "")]
    assert link.startswith(f"http://retours.test/s/{session.public_code}/borne?k=")
    auth.logout()

    kiosk = client.get(link.removeprefix("http://retours.test"))
    assert kiosk.status_code == 200
    form = parse(kiosk.get_data(as_text=True)).find("form", class_="survey")
    # Nothing one person typed is kept for the next: no saved copy, no autofill, the form marked for the script.
    assert form.get("autocomplete") == "off" and "data-kiosk" in form.attrs
    assert form.get("data-autosave") is None
    assert "Quitter le mode borne" in kiosk.get_data(as_text=True)


@pytest.mark.parametrize("k", [None, "", "forged", "other-session"])
def test_a_kiosk_link_that_is_not_genuine_is_refused_with_a_clear_page(client, make_session, k):
    session, other = make_session(), make_session()
    query = {None: "", "other-session": f"?k={sign_kiosk(other.public_code)}"}.get(k, f"?k={k}")
    page = client.get(f"/s/{session.public_code}/borne{query}")
    assert page.status_code == 403
    assert "Ce lien de borne n’est pas valable" in page.get_data(as_text=True)
    assert 'name="token"' not in page.get_data(as_text=True)


def test_one_answer_per_device_does_not_stop_the_next_person_at_a_kiosk(client, make_session):
    session = make_session()
    session.questionnaire.is_one_per_device = True
    db.session.commit()
    for level in ("4", "3", "2"):
        page = client.get(kiosk_path(session))
        assert page.status_code == 200 and 'name="q-overall"' in page.get_data(as_text=True)
        kiosk = parse(page.get_data(as_text=True)).find("input", name="kiosk").get("value")
        data = {"q-overall": level, "token": form_token(page.get_data(as_text=True)), "kiosk": kiosk}
        sent = client.post(f"/s/{session.public_code}", data=data)
        assert sent.status_code == 303
        # Nothing ties the next person to this response: no follow-up pairing, no "answered" mark.
        assert "Set-Cookie" not in sent.headers
    assert count_responses() == 3

    # The ordinary form on the same browser still counts one answer per device, and a forged kiosk field is ignored.
    ordinary = client.get(f"/s/{session.public_code}")
    assert 'name="q-overall"' in ordinary.get_data(as_text=True)
    data = {"q-overall": "4", "token": form_token(ordinary.get_data(as_text=True))}
    assert client.post(f"/s/{session.public_code}", data=data).status_code == 303
    again = client.get(f"/s/{session.public_code}")
    assert "déjà répondu" in again.get_data(as_text=True)
    page = client.get(f"/s/{session.public_code}")
    forged = {"q-overall": "4", "token": form_token(client.get(kiosk_path(session)).get_data(as_text=True))}
    forged["kiosk"] = "forged"
    assert client.post(f"/s/{session.public_code}", data=forged).status_code == 200  # "already answered"
    assert count_responses() == 4


def test_a_kiosk_refusal_stays_in_kiosk_mode(client, make_session):
    session = make_session()
    page = client.get(kiosk_path(session))
    kiosk = parse(page.get_data(as_text=True)).find("input", name="kiosk").get("value")
    refused = client.post(
        f"/s/{session.public_code}", data={"token": form_token(page.get_data(as_text=True)), "kiosk": kiosk}
    )
    assert refused.status_code == 422
    form = parse(refused.get_data(as_text=True)).find("form", class_="survey")
    assert "data-kiosk" in form.attrs and form.get("data-autosave") is None

"""Webhooks delivered through the job queue to a real HTTP receiver on loopback that checks the signatures."""

from __future__ import annotations

import os
import signal
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from feedback.catalogue import operations as manage_operations
from feedback.db import db, utcnow
from feedback.models import Role, WebhookDelivery, WebhookEndpoint
from feedback.webhooks import operations
from feedback.webhooks.tasks import deliver_one
from tests.htmltree import parse
from tests.queue_helpers import Receiver, start_worker_process, wait_until

ANSWERS = {"q-overall": "4", "q-recommend": "9", "q-liked": "Les études de cas <script>alert(1)</script>"}


def register(admin, url: str, events: list[str], *, private: bool = True) -> WebhookEndpoint:
    """An admin registers the endpoint on the page; returns it (its secret is on its page)."""
    data = {"url": url, "events": events, "description": "Tableau de bord"}
    if private:
        data["allows_private_network"] = "y"
    page = admin.post("/admin/webhooks", data=data)
    assert page.status_code == 302, page.get_data(as_text=True)
    db.session.rollback()
    endpoint = db.session.scalar(select(WebhookEndpoint).order_by(WebhookEndpoint.id.desc()))
    shown = parse(admin.get(f"/admin/webhooks/{endpoint.id}").get_data(as_text=True)).find("code", id="secret").text
    assert shown == endpoint.secret and shown.startswith("whsec_")
    return endpoint


def deliveries() -> list[WebhookDelivery]:
    db.session.rollback()
    return db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()


def test_a_submitted_response_reaches_the_receiver_signed_with_ids_and_scores_only(
    admin, make_session, answer_form, receiver, consumer
):
    endpoint = register(admin, receiver.url, ["response.submitted"])
    receiver.secret = endpoint.secret
    session = make_session()

    sent = answer_form(session, ANSWERS)
    assert sent.status_code == 303

    [receipt] = wait_until(lambda: receiver.receipts, "the delivery")
    assert receipt["verified"], "the standardwebhooks verifier refused our signature"
    payload = receipt["payload"]
    assert payload["type"] == "response.submitted"
    assert payload["data"]["session_id"] == session.id
    assert payload["data"]["overall_level"] == 4 and payload["data"]["recommendation"] == 9
    assert "études" not in str(payload) and "script" not in str(payload)  # no free text ever leaves
    [delivery] = wait_until(lambda: [d for d in deliveries() if d.status == "delivered"], "the delivery recorded")
    assert delivery.message_id == receipt["id"] and delivery.response_code == 200

    log = parse(admin.get(f"/admin/webhooks/{endpoint.id}").get_data(as_text=True)).find("table", id="deliveries")
    [row] = log.find("tbody").find_all("tr")
    assert "reçu" in row.find("td", class_="status").text and row.find("td", class_="code").text == "200"


def test_each_event_is_delivered_with_its_own_id_to_the_endpoints_that_want_it(admin, make_session, receiver):
    """Tasks run inside the request here (immediate mode): the same task code as the consumer's."""
    wanted = register(admin, receiver.url, ["session.opened", "session.closed"])
    register(admin, receiver.url, ["quote.approved"])
    receiver.secret = wanted.secret
    session = make_session(is_open=False)
    manage_operations.open_session(session)
    db.session.commit()
    manage_operations.close_session(session)
    db.session.commit()

    assert [r["payload"]["type"] for r in receiver.receipts] == ["session.opened", "session.closed"]
    assert all(r["verified"] for r in receiver.receipts)
    assert len({r["id"] for r in receiver.receipts}) == 2
    assert [d.endpoint_id for d in deliveries()] == [wanted.id, wanted.id]


def test_an_event_rolled_back_is_never_delivered(admin, make_session, receiver):
    endpoint = register(admin, receiver.url, ["session.closed"])
    receiver.secret = endpoint.secret
    session = make_session()
    manage_operations.close_session(session)
    db.session.rollback()
    assert deliveries() == [] and receiver.receipts == []


def test_a_loopback_receiver_gets_nothing_unless_an_admin_allows_the_private_network(admin, make_session, receiver):
    endpoint = register(admin, receiver.url, ["session.closed"], private=False)
    manage_operations.close_session(make_session())
    db.session.commit()

    assert receiver.receipts == []
    [delivery] = deliveries()
    assert delivery.status == "pending" and delivery.response_code is None
    assert "adresse privée ou locale (127.0.0.1)" in delivery.error
    page = parse(admin.get(f"/admin/webhooks/{endpoint.id}").get_data(as_text=True))
    assert "adresse privée ou locale" in page.find("table", id="deliveries").text


def test_a_failing_receiver_is_retried_with_the_same_id_until_it_accepts(app, admin, make_session, receiver, consumer):
    saved = app.config["WEBHOOK_RETRY_DELAYS"]
    app.config["WEBHOOK_RETRY_DELAYS"] = (0, 0)  # the backoff's own figures are tested below
    try:
        endpoint = register(admin, receiver.url, ["session.closed"])
        receiver.secret = endpoint.secret
        receiver.fail_next = 2
        manage_operations.close_session(make_session())
        db.session.commit()

        [delivery] = wait_until(lambda: [d for d in deliveries() if d.status == "delivered"], "the third attempt")
    finally:
        app.config["WEBHOOK_RETRY_DELAYS"] = saved
    assert delivery.attempts == 3
    assert [r["id"] for r in receiver.receipts] == [delivery.message_id] * 3
    assert receiver.effects == [delivery.message_id]


def test_backoff_grows_then_stops_after_24_hours_and_a_day_of_failures_disables_the_endpoint(
    admin, make_user, smtp_server
):
    make_user(Role.ADMIN, email="admin2@exemple.fr")
    endpoint = register(admin, "http://127.0.0.1:9/hook", ["session.closed"])
    start = utcnow()
    operations.queue_event("session.closed", {"session_id": 1}, now=start)
    db.session.commit()  # the first attempt runs at once (immediate mode here), and fails: nothing listens on port 9
    delivery = db.session.scalar(select(WebhookDelivery))
    assert delivery.attempts == 1 and delivery.status == "pending" and delivery.response_code is None

    moment, waits = start, [5]
    while delivery.status == "pending":
        moment = delivery.next_attempt_dt
        assert not operations.record_attempt(delivery, operations.attempt(delivery), now=moment)
        db.session.commit()
        if delivery.next_attempt_dt is not None:
            waits.append(int((delivery.next_attempt_dt - moment).total_seconds()))
    assert waits == [5, 60, 300, 1800, 7200, 21600, 21600, 21600]  # exponential, then every 6 hours
    assert delivery.status == "failed" and moment - start <= timedelta(hours=24)
    page = parse(admin.get(f"/admin/webhooks/{endpoint.id}").get_data(as_text=True))
    assert "en échec" in page.find("table", id="deliveries").text

    # Still failing a day after the first failure: the endpoint is disabled, and every admin told.
    operations.queue_event("session.closed", {"session_id": 2}, now=start + timedelta(hours=24))
    later = db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id.desc())).first()
    disabled = operations.record_attempt(later, operations.attempt(later), now=start + timedelta(hours=24, seconds=1))
    db.session.commit()
    db.session.refresh(endpoint)
    assert disabled and not endpoint.is_active and endpoint.disabled_dt is not None
    operations.tell_admins_endpoint_disabled(endpoint)
    told = sorted(m["To"] for m in smtp_server.messages)
    assert len(told) == 2 and "admin2@exemple.fr" in told
    assert "http://127.0.0.1:9/hook" in smtp_server.messages[0].get_content()
    # A disabled endpoint gets no new deliveries.
    assert operations.queue_event("session.closed", {"session_id": 2}) == 0


def test_resend_sends_the_same_message_again(admin, make_session, receiver):
    endpoint = register(admin, receiver.url, ["session.closed"])
    receiver.secret = endpoint.secret
    manage_operations.close_session(make_session())
    db.session.commit()
    [delivery] = deliveries()
    assert delivery.status == "delivered"

    page = parse(admin.get(f"/admin/webhooks/{endpoint.id}").get_data(as_text=True))
    button = page.find("table", id="deliveries").find("form")
    assert button.find("button").text == "Renvoyer"
    admin.post(button.get("action"))
    assert [r["id"] for r in receiver.receipts] == [delivery.message_id] * 2
    assert receiver.effects == [delivery.message_id]  # the receiver dropped the repeat


def test_a_worker_killed_mid_delivery_loses_nothing_and_the_receiver_acts_once(
    admin, make_session, receiver, queue_file, database_url
):
    """A `flask queue-worker` process, killed (SIGKILL) while the receiver holds its request, then restarted."""
    endpoint = register(admin, receiver.url, ["session.closed"])
    receiver.secret = endpoint.secret
    receiver.hold = held = threading.Event()
    worker = start_worker_process(database_url, queue_file, QUEUE_CLAIM_SECONDS="2")
    restarted = None
    try:
        manage_operations.close_session(make_session())
        db.session.commit()  # the delivery is stored, and its task waits in the queue file for the worker

        wait_until(lambda: receiver.effects, "the first request, held open by the receiver")
        os.kill(worker.pid, signal.SIGKILL)  # mid-delivery: the receiver acted, the worker never hears back
        worker.wait()
        held.set()
        [delivery] = deliveries()
        assert delivery.status == "pending" and delivery.claimed_dt is not None

        restarted = start_worker_process(database_url, queue_file, QUEUE_CLAIM_SECONDS="2")
        wait_until(lambda: [d for d in deliveries() if d.status == "delivered"], "the delivery, by the new worker")
    finally:
        held.set()
        for process in (worker, restarted):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGINT)
                process.wait(60)
    [delivery] = deliveries()
    assert [r["id"] for r in receiver.receipts] == [delivery.message_id] * 2  # delivered again, same id
    assert receiver.effects == [delivery.message_id]  # acted upon once


def test_deliver_one_does_nothing_for_a_delivery_already_delivered(admin, make_session, receiver):
    endpoint = register(admin, receiver.url, ["session.closed"])
    receiver.secret = endpoint.secret
    manage_operations.close_session(make_session())
    db.session.commit()
    [delivery] = deliveries()
    deliver_one(delivery.id)  # a duplicate task: the claim finds nothing to do
    assert len(receiver.receipts) == 1


def test_a_redirect_is_not_followed(admin, make_session, receiver):
    with Receiver() as elsewhere:
        endpoint = register(admin, receiver.url, ["session.closed"])
        receiver.secret = endpoint.secret
        receiver.redirect_to = elsewhere.url
        manage_operations.close_session(make_session())
        db.session.commit()
        [delivery] = deliveries()
        assert delivery.status == "pending" and delivery.response_code == 302
        assert delivery.error == "redirection non suivie"
        assert elsewhere.receipts == []


@pytest.mark.parametrize("role", [None, Role.MANAGER, Role.COMMUNICATION, Role.TRAINER])
def test_only_admins_reach_the_webhooks_pages(client, auth, make_user, role):
    endpoint = operations.create_endpoint("https://hooks.example.org/x", ["session.closed"])
    db.session.commit()
    if role is not None:
        auth.login(make_user(role))
    for method, path in [
        ("get", "/admin/webhooks"),
        ("post", "/admin/webhooks"),
        ("get", f"/admin/webhooks/{endpoint.id}"),
        ("post", f"/admin/webhooks/{endpoint.id}/active"),
        ("post", f"/admin/webhooks/{endpoint.id}/deliveries/1/resend"),
    ]:
        response = getattr(client, method)(path)
        assert response.status_code in (302, 403, 404), (method, path, response.status_code)
        assert endpoint.secret not in response.get_data(as_text=True)
    db.session.refresh(endpoint)
    assert endpoint.is_active


def test_an_unsafe_url_is_refused_with_a_french_message(app, admin):
    app.config["WEBHOOK_ALLOW_HTTP"] = False
    try:
        page = admin.post("/admin/webhooks", data={"url": "http://hooks.example.org/x", "events": ["session.closed"]})
    finally:
        app.config["WEBHOOK_ALLOW_HTTP"] = True
    assert page.status_code == 200
    assert "L'adresse doit commencer par https://." in parse(page.get_data(as_text=True)).text
    page = admin.post("/admin/webhooks", data={"url": "https://hooks.example.org/x"})
    assert "Choisissez au moins un événement." in parse(page.get_data(as_text=True)).text
    assert db.session.scalar(select(WebhookEndpoint)) is None

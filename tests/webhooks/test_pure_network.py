"""Where a delivery may go: the URL rules and the addresses refused (server-side request forgery)."""

from __future__ import annotations

import base64
import time

import pytest
from standardwebhooks.webhooks import Webhook

from feedback.webhooks import network, signing


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.10",
        "169.254.169.254",
        "0.0.0.0",  # noqa: S104 (an address refused, not bound)
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "100.64.0.1",
        "224.0.0.1",
    ],
)
def test_private_loopback_link_local_and_mapped_addresses_are_not_public(address):
    assert not network.is_public(address)


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"])
def test_internet_addresses_are_public(address):
    assert network.is_public(address)


def test_a_name_that_resolves_to_loopback_is_refused_unless_allowed():
    with pytest.raises(network.UnsafeUrl, match="adresse privée ou locale"):
        network.resolve("localhost", 443, allow_private=False)
    assert network.resolve("localhost", 443, allow_private=True) in {"127.0.0.1", "::1"}


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://hooks.example.org/x", "https://"),
        ("javascript:alert(1)", "https://"),
        ("ftp://hooks.example.org/", "https://"),
        ("https:///nohost", "nom d'hôte"),
        ("https://user:pw@hooks.example.org/", "identifiants"),
        ("https://hooks.example.org:99999/", "invalide"),
    ],
)
def test_only_https_urls_without_credentials_are_accepted_in_production(url, message):
    with pytest.raises(network.UnsafeUrl, match=message):
        network.check_url(url, allow_http=False)


def test_plain_http_only_where_allowed():
    assert network.check_url("http://127.0.0.1:8080/h?a=1", allow_http=True) == ("http", "127.0.0.1", 8080, "/h?a=1")


def test_a_refused_address_is_reported_without_raising():
    """Refused before any connection: the delivery reports why."""
    attempt = network.post("https://localhost/x", "{}", {}, timeout=1, allow_http=False, allow_private=False)
    assert attempt.status is None and "adresse privée ou locale" in attempt.error


def test_our_signature_is_the_standard_webhooks_one():
    secret = signing.new_secret()
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    body = '{"type": "session.closed", "data": {"session_id": 1}}'
    timestamp = int(time.time())
    headers = signing.headers(secret, "msg_1", timestamp, body)
    assert Webhook(secret).verify(body, headers) == {"type": "session.closed", "data": {"session_id": 1}}
    tampered = body.replace("1}", "2}")
    with pytest.raises(Exception, match="No matching signature"):
        Webhook(secret).verify(tampered, headers)

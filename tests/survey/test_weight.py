"""The form page stays light for a weak phone signal: HTML, CSS, script and service worker under 30 KB, no web font,
nothing from another site."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from feedback.kiosk_links import sign_kiosk
from tests.htmltree import parse

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
#: Uncompressed budget for everything a phone downloads for the form, its script and service worker included.
PAGE_BUDGET = 30_000
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "srcset", "poster", "data")
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)""")


def is_on_site(url: str) -> bool:
    """Relative or root-relative: a link that cannot leave the site (no scheme, no host, no `//host`).

    An inline `data:` URL requests nothing (the empty favicon that spares phones a /favicon.ico round trip).
    """
    parts = urlsplit(url.strip())
    return parts.scheme == "data" or (not parts.scheme and not parts.netloc)


def page_urls(html: str) -> list[str]:
    urls = []
    for node in parse(html).iter():
        for attribute in URL_ATTRIBUTES:
            value = node.get(attribute)
            if value is not None:
                urls.extend(value.split(",") if attribute == "srcset" else [value])
    return urls


def stylesheet_paths(html: str) -> list[str]:
    return [n.get("href") for n in parse(html).iter() if n.tag == "link" and n.get("rel") == "stylesheet"]


def script_paths(html: str) -> list[str]:
    return [n.get("src") for n in parse(html).iter() if n.tag == "script" and n.get("src")]


@pytest.mark.parametrize("mode", ["form", "kiosk"])
def test_the_whole_form_page_with_its_css_script_and_service_worker_weighs_under_30_kb(client, make_session, mode):
    """Everything a phone downloads for the form: the page, its stylesheet, its script and the service worker
    (registered once the page is shown; it keeps the page for a visit without network)."""
    session = make_session()
    path = f"/s/{session.public_code}" + (f"/borne?k={sign_kiosk(session.public_code)}" if mode == "kiosk" else "")
    page = client.get(path)
    assert page.status_code == 200
    html = page.get_data()

    # The stylesheet comes inside the page (one round trip less on a weak signal): counted with the page.
    assert stylesheet_paths(html.decode()) == [], "the form's stylesheet is inlined, no other is loaded"
    assert (STATIC_DIR / "survey.css").read_bytes() in html
    assert script_paths(html.decode()) == ["/static/survey.js"], "the form must load survey.js, and only it"
    script, worker = client.get("/static/survey.js"), client.get("/s/sw.js")
    assert script.status_code == worker.status_code == 200
    files = {"page": html, "survey.js": script.get_data(), "sw.js": worker.get_data()}
    weight = sum(len(content) for content in files.values())
    assert weight < PAGE_BUDGET, " + ".join(f"{name} {len(content)} B" for name, content in files.items())


def test_the_form_page_requests_nothing_from_another_site_and_no_web_font(client, make_session):
    session = make_session()
    html = client.get(f"/s/{session.public_code}").get_data(as_text=True)
    css = (STATIC_DIR / "survey.css").read_text()

    urls = page_urls(html) + CSS_URL.findall(css)
    assert urls, "the page should at least link its script"
    assert [u for u in urls if not is_on_site(u)] == []
    assert "@font-face" not in css and "@import" not in css


def test_an_outside_address_would_be_caught():
    """The check above must be able to fail: absolute and protocol-relative URLs are outside the site."""
    html = '<link rel="stylesheet" href="//cdn.example/x.css"><img src="https://cdn.example/a.png"><a href="/s/x">'
    assert [u for u in page_urls(html) if not is_on_site(u)] == ["//cdn.example/x.css", "https://cdn.example/a.png"]
    assert is_on_site("?lang=en") and is_on_site("#q-overall") and is_on_site("/static/survey.js")

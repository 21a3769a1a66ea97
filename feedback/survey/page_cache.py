"""The public form's pages that are the same for every participant of a session, rendered once per process.

A room answering at once asks for the same blank form hundreds of times: it is rendered once with a placeholder
where the signed form token goes, and each request gets the cached page with its own fresh token.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from flask_babel import get_locale

from feedback.survey.queries import clear_snapshots

#: Pages that are the same for every participant of a session (the blank form, the thank-you page), rendered
#: once per process and served with a fresh signed token: the hot path of a room answering at once.
_PAGES: OrderedDict[tuple, str] = OrderedDict()
_PAGES_LOCK = threading.Lock()
_TOKEN_PLACEHOLDER = "__retours_form_token__"  # noqa: S105 (a marker replaced at each request, not a secret)


def page_key(kind: str, session) -> tuple:
    """Everything such a page shows; a change to any of it (title, place, flags, language) is a new entry."""
    q = session.questionnaire
    return (
        kind,
        session.id,
        session.public_code,
        session.start_date,
        session.end_date,
        session.place,
        session.training.title,
        q.id,
        q.created_dt,
        q.status,
        q.is_anonymous,
        str(get_locale()),
    )


def cached_page(key: tuple, render: Callable[[str], str], token: str) -> str:
    with _PAGES_LOCK:
        html = _PAGES.get(key)
    if html is None:
        html = render(_TOKEN_PLACEHOLDER)
        with _PAGES_LOCK:
            _PAGES[key] = html
            while len(_PAGES) > 1024:
                _PAGES.popitem(last=False)
    return html.replace(_TOKEN_PLACEHOLDER, token, 1)


def clear_cached_pages() -> None:
    """Forget the rendered pages and the sessions read for them (tests, and a change of configuration)."""
    with _PAGES_LOCK:
        _PAGES.clear()
    clear_snapshots()

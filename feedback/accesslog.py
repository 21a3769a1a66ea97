"""Gunicorn's access log without what would tie a participant to their answers (`logger_class` in gunicorn.conf.py).

A line of the public form (/s/...) would otherwise hold the phone's address next to the session's code and the
minute of the answer, and the personal links carry a token naming the person: `?i=<token>` (an invitation) and
`/s/suivi/<token>` (the follow-up). For those requests, and for any request whose Referer is such a page (the
form's own stylesheet and script), the line keeps the time, method, path, status, size, duration and user agent;
the client address becomes "-", every token "[redacted]", and request headers, response headers and WSGI
environment atoms (X-Forwarded-For, Location, Set-Cookie...) are left out. Staff pages are logged as usual.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from gunicorn.glogging import Logger

PUBLIC_PREFIX = "/s/"
REDACTED = "[redacted]"
#: Query parameters of public pages that identify nobody; any other value is redacted (?i= above all).
SAFE_PARAMETERS = frozenset({"lang", "suivi"})
#: The follow-up link's token is the path segment after /s/suivi/.
_FOLLOWUP_TOKEN = re.compile(r"^(/s/suivi/)[^/]+")
#: Atoms that stay on a public line; %(h)s (address), %(u)s (user) and the {header}i/o/e atoms print "-".
_KEPT = frozenset("tsmHbBaTDMLp")


def _redact_path(path: str) -> str:
    # Decoded first: /s/%73uivi/<token> reaches the same view as /s/suivi/<token>.
    return _FOLLOWUP_TOKEN.sub(rf"\g<1>{REDACTED}", unquote(path))


def _redact_query(query: str) -> str:
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(key, value if key in SAFE_PARAMETERS else REDACTED) for key, value in pairs], safe="[]")


def _is_public(path: str) -> bool:
    return unquote(path).startswith(PUBLIC_PREFIX)


def _redact_referer(referer: str) -> str:
    parts = urlsplit(referer)
    if not _is_public(parts.path):
        return referer
    return urlunsplit(parts._replace(path=_redact_path(parts.path), query=_redact_query(parts.query), fragment=""))


class PrivateAccessLogger(Logger):
    """The access log of the public form without client addresses or personal tokens."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = environ.get("PATH_INFO") or ""
        referer = environ.get("HTTP_REFERER") or ""
        if not (_is_public(path) or _is_public(urlsplit(referer).path)):
            return atoms
        # Gunicorn prints "-" for any atom missing from the dict.
        public = {key: value for key, value in atoms.items() if key in _KEPT}
        query = _redact_query(environ.get("QUERY_STRING") or "")
        target = _redact_path(path) + (f"?{query}" if query else "")
        public["U"] = _redact_path(path)
        public["q"] = query
        public["r"] = f"{environ['REQUEST_METHOD']} {target} {environ['SERVER_PROTOCOL']}"
        public["f"] = _redact_referer(referer) if referer else "-"
        return public

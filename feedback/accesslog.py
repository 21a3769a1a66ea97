"""Gunicorn's access log without what would tie a participant to their answers (`logger_class` in gunicorn.conf.py).

A line of the public form (/s/...) would otherwise hold the phone's address next to the session's code and the
minute of the answer, and the personal links carry a token naming the person: `?i=<token>` (an invitation) and
`/s/suivi/<token>` (the follow-up). For those requests, and for any request whose Referer is such a page (the
form's own stylesheet and script), the line keeps the time, method, path, status, size, duration and user agent;
the client address becomes "-", every token "[redacted]", and request headers, response headers and WSGI
environment atoms (X-Forwarded-For, Location, Set-Cookie...) are left out. Staff pages are logged as usual,
except the tokens of the account links sent by e-mail (/account/invitation/<token>, /account/reset/<token>):
whoever reads the log could otherwise use a link before its owner.
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
#: The staff account links' tokens (invitation, password reset).
_ACCOUNT_TOKEN = re.compile(r"^(/account/(?:invitation|reset)/)[^/]+")
#: Atoms that stay on a public line; %(h)s (address), %(u)s (user) and the {header}i/o/e atoms print "-".
_KEPT = frozenset("tsmHbBaTDMLp")


def _redact_path(path: str) -> str:
    # Decoded first: /s/%73uivi/<token> reaches the same view as /s/suivi/<token>.
    return _FOLLOWUP_TOKEN.sub(rf"\g<1>{REDACTED}", unquote(path))


def _redact_account_link(url_or_path: str) -> str:
    parts = urlsplit(url_or_path)
    path = _ACCOUNT_TOKEN.sub(rf"\g<1>{REDACTED}", unquote(parts.path))
    return urlunsplit(parts._replace(path=path))


def _has_account_token(url_or_path: str) -> bool:
    return bool(_ACCOUNT_TOKEN.match(unquote(urlsplit(url_or_path).path)))


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
            if _has_account_token(path) or _has_account_token(referer):
                # A staff line keeps its address; only the account link's token goes.
                atoms = dict(atoms)
                atoms["U"] = _redact_account_link(path)
                atoms["r"] = f"{environ['REQUEST_METHOD']} {atoms['U']} {environ['SERVER_PROTOCOL']}"
                atoms["f"] = _redact_account_link(referer) if referer else "-"
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

"""Password guessing: failed logins counted per account and per client address, in the rate limiter's storage.

The counters live where the rate limits do (RATELIMIT_STORAGE_URI): by default a SQLite file in instance/ that
every gunicorn worker of the machine shares (feedback/ratelimit_storage.py), or Redis when several machines serve
the app. So the count is the server's, whichever worker answers: LOGIN_FAILURES_PER_ACCOUNT (5 by default) locks the
account for all of them.
memory:// would count in each worker (N workers, N times the failures); production refuses it with 2+ workers.
An address that matches no account is counted exactly like a real one: the answer never tells whether an account
exists. The account's key is a hash of the address typed, so the storage holds no e-mail address.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from limits import parse

from feedback.extensions import limiter


def _account_key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode("utf-8", "replace")).hexdigest()[:32]


def _checks(email: str, address: str | None):
    config = current_app.config
    prefix = config["RATELIMIT_KEY_PREFIX"]
    yield parse(config["LOGIN_FAILURES_PER_ACCOUNT"]), (prefix, "login-failures-account", _account_key(email))
    yield parse(config["LOGIN_FAILURES_PER_ADDRESS"]), (prefix, "login-failures-address", address or "unknown")


def is_blocked(email: str, address: str | None) -> bool:
    """Too many recent failures for this account or from this address: refuse even the right password."""
    return any(not limiter.limiter.test(item, *keys) for item, keys in _checks(email, address))


def record_failure(email: str, address: str | None) -> None:
    for item, keys in _checks(email, address):
        limiter.limiter.hit(item, *keys)


def clear_account(email: str) -> None:
    """A successful login (or a new password) forgets the account's failures; the address keeps its own."""
    item, keys = next(_checks(email, None))
    limiter.limiter.clear(item, *keys)

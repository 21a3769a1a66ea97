"""A `limits` storage in a SQLite file: rate-limit counters shared by every worker of one machine, with no server.

`memory://` counts in each process, so with gunicorn's 2+ workers every limit silently doubles (or more); Redis
shares the counters but is one more server to install and run. This backend keeps them in one SQLite file (WAL,
busy timeout): every worker on the machine reads and increments the same rows, each increment is one atomic
statement, and a window that has expired starts again from zero. It is the default (instance/ratelimits.sqlite);
set RATELIMIT_STORAGE_URI to redis://... when several machines serve the app.

URI: ``sqlite:///relative/path`` or ``sqlite:////absolute/path`` (SQLAlchemy's convention). Registered under the
``sqlite`` scheme through limits' storage registry, so `limits.storage.storage_from_string` (and Flask-Limiter's
RATELIMIT_STORAGE_URI) find it once this module is imported. It supports the fixed-window strategy (the one this
app uses, Flask-Limiter's default); the moving and sliding window strategies refuse it when the app starts.
"""

from __future__ import annotations

import os
import random
import sqlite3
import threading
import time
from pathlib import Path

from limits.storage import Storage

SCHEME = "sqlite"
#: One increment in this many also deletes the expired rows, so the file stays as small as the live counters.
_SWEEP_ONE_IN = 200
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS counters ("
    " key TEXT PRIMARY KEY, value INTEGER NOT NULL, expires_at REAL NOT NULL) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS ix_counters_expires_at ON counters (expires_at)",
)
# One statement: a live window is incremented, an expired (or missing) one starts again with this amount.
_INCREMENT = """
INSERT INTO counters (key, value, expires_at) VALUES (:key, :amount, :now + :expiry)
ON CONFLICT (key) DO UPDATE SET
    value = CASE WHEN counters.expires_at <= :now THEN excluded.value ELSE counters.value + excluded.value END,
    expires_at = CASE WHEN counters.expires_at <= :now THEN excluded.expires_at ELSE counters.expires_at END
RETURNING value
"""


def path_from_uri(uri: str) -> Path:
    """``sqlite:///relative`` or ``sqlite:////absolute``: the path after the third slash."""
    prefix = f"{SCHEME}:///"
    if not uri.startswith(prefix) or len(uri) == len(prefix):
        raise ValueError(f"Rate-limit storage: expected {prefix}path/to/file.sqlite, got {uri!r}.")
    path = uri[len(prefix) :].split("?", 1)[0]
    if path == ":memory:":
        raise ValueError("Rate-limit storage: a SQLite database in memory would count per process; give a file.")
    return Path(path)


class SQLiteStorage(Storage):
    """Fixed-window counters in a SQLite file that every process of the machine shares."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str, wrap_exceptions: bool = False, timeout: float = 5.0, **options) -> None:
        self.path = path_from_uri(uri)
        self.timeout = float(timeout)
        self._local = threading.local()
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        """One connection per thread and per process: a connection must not cross a fork (gunicorn's workers)."""
        connection = getattr(self._local, "connection", None)
        if connection is not None and self._local.pid == os.getpid():
            return connection
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit: each statement is its own transaction, as short as SQLite allows.
        connection = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        for statement in _SCHEMA:
            connection.execute(statement)
        self._local.connection, self._local.pid = connection, os.getpid()
        return connection

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        connection = self._connection()
        now = time.time()
        rows = connection.execute(_INCREMENT, {"key": key, "amount": amount, "now": now, "expiry": expiry}).fetchall()
        if random.randrange(_SWEEP_ONE_IN) == 0:  # noqa: S311 (housekeeping, not security)
            connection.execute("DELETE FROM counters WHERE expires_at <= ?", (now,))
        return int(rows[0][0])

    def get(self, key: str) -> int:
        row = (
            self._connection()
            .execute("SELECT value FROM counters WHERE key = ? AND expires_at > ?", (key, time.time()))
            .fetchone()
        )
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        row = (
            self._connection()
            .execute("SELECT expires_at FROM counters WHERE key = ? AND expires_at > ?", (key, now))
            .fetchone()
        )
        return float(row[0]) if row else now

    def check(self) -> bool:
        try:
            self._connection().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        return self._connection().execute("DELETE FROM counters").rowcount

    def clear(self, key: str) -> None:
        self._connection().execute("DELETE FROM counters WHERE key = ?", (key,))

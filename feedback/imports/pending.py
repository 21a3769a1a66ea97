"""Imports waiting for their confirmation, kept server-side under instance/imports/ (or IMPORT_PENDING_DIR) an hour.

The preview page only carries a random token (192 bits); the confirmation finds the upload by that token, for
the same account only. A catalogue file is kept as it was sent (it is read again on confirmation); an attendance
list is kept only as its sessions' hashes: names and e-mails never reach the disk.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from pathlib import Path
from typing import Any

from flask import current_app

MAX_AGE_SECONDS = 3600
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


def _directory() -> Path:
    path = Path(current_app.config.get("IMPORT_PENDING_DIR") or Path(current_app.instance_path) / "imports")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _path(token: str) -> Path | None:
    """The file of a token; None for anything that is not a token (no path ever built from user text)."""
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        return None
    return _directory() / f"{token}.json"


def _purge_expired(now: float) -> None:
    for path in _directory().glob("*.json"):
        try:
            if now - path.stat().st_mtime > MAX_AGE_SECONDS:
                path.unlink()
        except FileNotFoundError:
            pass  # another worker purged it first


def save(user_id: int, payload: dict[str, Any]) -> str:
    """Keep `payload` (JSON-serialisable) for `user_id`; returns its token."""
    now = time.time()
    _purge_expired(now)
    token = secrets.token_urlsafe(24)
    path = _path(token)
    assert path is not None
    content = json.dumps({"user_id": user_id, "created": now, **payload})
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(content)
    return token


def load(token: str, user_id: int) -> dict[str, Any] | None:
    """The payload of a token saved by this account within the hour; None otherwise."""
    path = _path(token)
    if path is None or not path.exists():
        return None
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if payload.get("user_id") != user_id or time.time() - payload.get("created", 0) > MAX_AGE_SECONDS:
        return None
    return payload


def discard(token: str) -> None:
    path = _path(token)
    if path is not None:
        path.unlink(missing_ok=True)

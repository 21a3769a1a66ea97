"""Standard Webhooks signatures (https://www.standardwebhooks.com): any of its verifiers checks ours."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"


def new_secret() -> str:
    """32 random bytes, base64, with the spec's prefix: what the receiver configures in its verifier."""
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def new_message_id() -> str:
    return f"msg_{secrets.token_hex(16)}"


def sign(secret: str, message_id: str, timestamp: int, body: str) -> str:
    """`v1,` + base64 of HMAC-SHA256, keyed with the secret's bytes, of "id.timestamp.body"."""
    key = base64.b64decode(secret.removeprefix(PREFIX))
    digest = hmac.new(key, f"{message_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, message_id: str, timestamp: int, body: str) -> dict[str, str]:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, message_id, timestamp, body),
        "Content-Type": "application/json",
        "User-Agent": "Retours-Webhooks/1",
    }

"""The API's fixtures: a real token of a real account, and a client that sends it."""

from __future__ import annotations

import pytest

from feedback.auth.api_tokens import create_api_token
from feedback.db import db


class ApiClient:
    def __init__(self, client, secret: str) -> None:
        self.client, self.secret = client, secret

    def _headers(self, headers: dict | None) -> dict:
        return {"Authorization": f"Bearer {self.secret}", **(headers or {})}

    def get(self, url: str, headers: dict | None = None):
        return self.client.get(url, headers=self._headers(headers))

    def post(self, url: str, json: dict | None = None, headers: dict | None = None):
        return self.client.post(url, json=json if json is not None else {}, headers=self._headers(headers))

    def patch(self, url: str, json: dict, headers: dict | None = None):
        return self.client.patch(url, json=json, headers=self._headers(headers))


@pytest.fixture
def api_as(client, make_user):
    """api_as(role or user) -> an ApiClient with a new token of that account."""

    def make(role_or_user, **token):
        user = make_user(role_or_user) if not hasattr(role_or_user, "id") else role_or_user
        secret = create_api_token(user, name=token.pop("name", "tests"), **token).secret
        db.session.commit()
        return ApiClient(client, secret)

    return make

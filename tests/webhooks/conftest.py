"""The queue's real consumer and a webhook receiver on loopback (tests/queue_helpers.py)."""

import pytest

from feedback.models import Role
from tests.queue_helpers import consumer, queue_file, receiver  # noqa: F401


@pytest.fixture
def admin(client, auth, make_user):
    auth.login(make_user(Role.ADMIN))
    return client

"""The report's fixtures: the hand-made centre of tests/report/helpers.py."""

from __future__ import annotations

import pytest

from tests.queue_helpers import consumer, queue_file  # noqa: F401  (a real consumer, the queue on a file)
from tests.report.helpers import approve_quotes, build_centre


@pytest.fixture
def centre(make_training, make_session):
    return build_centre(make_training, make_session)


@pytest.fixture
def quoted(centre, answer_form, make_user):
    """The centre, and three comments on its April 2025 session, the first two approved."""
    approve_quotes(centre["lang_apr"], answer_form, make_user)
    return centre

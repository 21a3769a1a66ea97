"""The queue's real consumer (tests/queue_helpers.py)."""

from tests.queue_helpers import consumer, queue_file  # noqa: F401

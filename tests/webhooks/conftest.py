"""The queue's real consumer and a webhook receiver on loopback (tests/queue_helpers.py)."""

from tests.queue_helpers import consumer, queue_file, receiver  # noqa: F401

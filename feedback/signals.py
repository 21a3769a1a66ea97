"""Signals between areas that must not import each other (blinker, as Flask's own signals).

The public form announces what it stored; the quotes area listens and analyses the comments once the
participant's response has been sent, so no participant waits on the language pipeline.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: Sent inside the submit's transaction by survey.operations.submit_response with `response_id`, when the
#: response holds free-text answers. Receivers must not write in that transaction (it may still roll back).
comments_submitted = _signals.signal("comments-submitted")

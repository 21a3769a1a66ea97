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

# Events of the webhooks area (feedback/webhooks/events.py listens). Each is sent by the operation that makes the
# change, inside its transaction, with plain values (ids, scores, counts, never free text): the webhooks area writes
# its deliveries in the same transaction, so an event that rolls back is never delivered.

#: survey.operations.submit_response: `response_id`, `session_id`, `questionnaire_id`, `submitted_dt`,
#: `overall_level`, `recommendation`, `is_followup`.
response_submitted = _signals.signal("response-submitted")
#: manage.operations.open_session / close_session: `session_id`, `at` (datetime).
session_opened = _signals.signal("session-opened")
session_closed = _signals.signal("session-closed")
#: quotes.operations.change_status, when a quote becomes approved: `answer_id`.
quote_approved = _signals.signal("quote-approved")
#: imports.operations.import_catalogue / import_attendance: `kind` ("catalogue" or "attendance"), `summary` (counts).
import_completed = _signals.signal("import-completed")

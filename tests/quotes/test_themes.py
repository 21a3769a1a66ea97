"""Themes counted by the database from stored phrases: exact counts per training, trainer, axis and period."""

from __future__ import annotations

from datetime import date

import pytest

from feedback.analysis.comments import analyse_comment
from feedback.analysis.themes import build_themes
from feedback.comments.filters import CommentFilters
from feedback.comments.themes import count_comments, emerging_for, family_keys, theme_frequencies, themes_for
from feedback.models import Axis, Department, Modality
from feedback.quotes.queries import comment_page
from feedback.scope import Scope

YEAR_2025 = CommentFilters(Scope.for_year(2025))
YEAR_2024 = CommentFilters(Scope.for_year(2024))

#: (session, comment, consents to be quoted)
COMMENTS = [
    ("s1", "Des échanges riches et des cas pratiques.", True),
    ("s1", "Échanges riches, merci.", True),
    ("s1", "Trop de théorie, pas assez de cas pratiques.", False),
    ("s2", "Les echanges riches entre collègues.", True),
    ("s2", "Bonne organisation.", True),
    ("s3", "Cas pratiques utiles.", False),
    ("s3", "Organisation parfaite.", True),
    ("s4", "Échanges riches et réseau.", True),
    ("s4", "Réseau de collègues, cas pratiques.", True),
    ("s4", "Réseau utile.", True),
]


@pytest.fixture
def scope(make_training, make_session, make_speaker, comment):
    """Two trainings, two trainers, four sessions over 2024-2025, ten comments."""
    t1 = make_training("Droit des étrangers", Axis.LANGUAGE_INTEGRATION, Modality.TRAINING)
    t2 = make_training("Webinaire QPV", Axis.CITY_POLICY, Modality.WEBINAR)
    a, b = make_speaker("Aïcha Benali"), make_speaker("Bruno Lefèvre")
    sessions = {
        "s1": make_session(t1, start_date=date(2025, 3, 10), department=Department.ESSONNE, speakers=[a]),
        "s2": make_session(t1, start_date=date(2025, 7, 1), department=Department.VAL_DE_MARNE, speakers=[a]),
        "s3": make_session(t2, start_date=date(2025, 3, 20), department=Department.ESSONNE, speakers=[b]),
        "s4": make_session(t2, start_date=date(2024, 5, 5), department=Department.ESSONNE, speakers=[b]),
    }
    for key, text, consents in COMMENTS:
        comment(sessions[key], text, consent=consents)
    return {"t1": t1, "t2": t2, "a": a, "b": b}


def counts(themes) -> dict[str, int]:
    return {theme.phrase: theme.count for theme in themes}


def expected(keys: set[str]):
    """The pure analysis (analysis.themes.build_themes) of the same comments: the reference."""
    return build_themes([analyse_comment(text).for_themes() for key, text, _ in COMMENTS if key in keys])


def test_themes_of_a_year_are_counted_once_per_comment(scope):
    themes = themes_for(YEAR_2025)
    # "Échanges riches" and "echanges riches" are one theme; "cas" is absorbed by "cas pratiques" (same count).
    assert counts(themes) == {"échanges": 3, "cas pratiques": 3, "organisation": 2}
    assert [t.phrase for t in themes] == ["cas pratiques", "échanges", "organisation"]  # count, length, a-z
    by_phrase = {t.phrase: t for t in themes}
    assert by_phrase["cas pratiques"].tones == {"negative": 1, "positive": 2}
    assert by_phrase["échanges"].share == pytest.approx(3 / 7)
    assert count_comments(YEAR_2025.response_conditions()) == 7


def test_the_database_counts_what_the_pure_analysis_counts(scope):
    for filters, sessions in ((YEAR_2025, {"s1", "s2", "s3"}), (CommentFilters(), {"s1", "s2", "s3", "s4"})):
        stored = [(t.key, t.phrase, t.count, round(t.share, 6), t.tones) for t in themes_for(filters, limit=None)]
        reference = [(t.key, t.phrase, t.count, round(t.share, 6), t.tones) for t in expected(sessions)]
        assert stored == reference


def test_examples_come_only_from_authors_who_consented(scope):
    examples = {t.phrase: t.examples for t in themes_for(YEAR_2025)}
    assert examples["cas pratiques"] == ("Des échanges riches et des cas pratiques.",)
    # Comments of a quotable length (5 to 40 words) first, then in the order they came.
    assert examples["échanges"] == (
        "Des échanges riches et des cas pratiques.",
        "Les echanges riches entre collègues.",
        "Échanges riches, merci.",
    )


def test_themes_per_training_trainer_axis_period_and_departement(scope):
    assert counts(themes_for(CommentFilters(Scope.every_year(training_id=scope["t1"].id)))) == {
        "échanges": 3,
        "cas pratiques": 2,
    }
    trainer_b = themes_for(CommentFilters(Scope.every_year(speaker_id=scope["b"].id)))
    assert counts(trainer_b) == {"réseau": 2, "cas pratiques": 2}  # « réseau de collègues » is a theme of its own
    assert counts(themes_for(CommentFilters(Scope.every_year(axis=Axis.CITY_POLICY)))) == counts(trainer_b)
    assert counts(themes_for(CommentFilters(Scope.every_year(modality=Modality.TRAINING)))) == {
        "échanges": 3,
        "cas pratiques": 2,
    }
    essonne_2025 = CommentFilters(Scope.for_year(2025, department=Department.ESSONNE))
    assert counts(themes_for(essonne_2025)) == {"cas pratiques": 3, "échanges": 2}
    assert counts(themes_for(YEAR_2024)) == {"réseau": 2}


def test_emerging_themes_against_the_previous_year(scope):
    emerging = emerging_for(YEAR_2025)
    assert emerging.previous == YEAR_2024
    assert (emerging.comments, emerging.previous_comments) == (7, 3)
    grown = {t.phrase: (t.count, t.previous_count) for t in emerging.themes}
    # "organisation" is new (0 of 3 in 2024); "cas pratiques" goes from 1/3 to 3/7; "échanges" from 1/3 to 3/7.
    assert grown == {"organisation": (2, 0), "cas pratiques": (3, 1), "échanges": (3, 1)}
    assert emerging.themes[0].phrase == "organisation"
    assert emerging_for(CommentFilters()).previous is None  # every year: nothing to compare with


def test_the_word_cloud_is_drawn_from_theme_counts(scope):
    assert theme_frequencies(YEAR_2025) == {"cas pratiques": 3, "échanges": 3, "organisation": 2}


def test_each_theme_carries_the_tone_of_its_own_clauses_counted_in_sql(make_session, comment):
    """The stored aspect tone, not the comment's: « salle : critiquée dans 2 commentaires, saluée dans 1 »."""
    from sqlalchemy import update

    from feedback.db import db
    from feedback.models import CommentPhrase

    session = make_session(start_date=date(2025, 4, 1))
    ids = [comment(session, text)["liked"] for text in ("La salle.", "Une salle.", "Cette salle.", "Les salles.")]
    # Three comments praised overall, each criticising the room in a clause of its own; one neutral about it.
    db.session.execute(update(CommentPhrase).where(CommentPhrase.answer_id.in_(ids[:3])).values(tone="positive"))
    db.session.execute(update(CommentPhrase).where(CommentPhrase.answer_id.in_(ids[:2])).values(aspect_tone="negative"))
    db.session.execute(update(CommentPhrase).where(CommentPhrase.answer_id == ids[2]).values(aspect_tone="positive"))
    db.session.execute(update(CommentPhrase).where(CommentPhrase.answer_id == ids[3]).values(aspect_tone="neutral"))
    db.session.commit()
    (room,) = themes_for(YEAR_2025)
    assert (room.count, room.tones) == (4, {"negative": 2, "neutral": 1, "positive": 1})
    assert (room.criticised, room.praised, room.dominant_tone) == (2, 1, "negative")


def test_close_forms_are_one_theme_counted_and_filtered_together(make_session, comment):
    from sqlalchemy import update

    from feedback.db import db
    from feedback.models import CommentPhrase

    session = make_session(start_date=date(2025, 4, 1))
    ids = [comment(session, text)["liked"] for text in ("La pédagogie.", "Une pédagogie claire.", "Pédagogie.")]
    # A form of the same family stored under a key of its own (« pédagogique » used as a noun).
    db.session.execute(
        update(CommentPhrase)
        .where(CommentPhrase.answer_id == ids[2])
        .values(phrase_key="pedagogiqu", phrase="pédagogique")
    )
    db.session.commit()
    (theme,) = themes_for(YEAR_2025)
    assert (theme.key, theme.phrase, theme.count) == ("pedagogi", "pédagogie", 3)
    assert family_keys({theme.key}) == ["pedagogi", "pedagogiqu"]
    assert comment_page(CommentFilters(theme=theme.key), 1, include_original=False).total == 3


def test_the_examples_of_a_criticised_theme_are_criticisms_first(make_session, comment):
    session = make_session(start_date=date(2025, 4, 1))
    praise = "La salle était vraiment très agréable et lumineuse, merci."
    comment(session, praise)  # the oldest, and the only praise
    criticisms = [
        "La salle était beaucoup trop petite pour nous.",
        "Une salle trop bruyante pour travailler.",
        "Salle froide.",
    ]
    for text in criticisms:
        comment(session, text)
    (room,) = themes_for(YEAR_2025)
    assert room.tones == {"negative": 3, "positive": 1} and room.dominant_tone == "negative"
    assert set(room.examples) == set(criticisms) and praise not in room.examples
    assert room.examples[-1] == "Salle froide."  # too short to quote: last among the criticisms

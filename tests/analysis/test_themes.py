"""Themes as aspects: noun phrases of the parse, variants merged, fillers, idioms, question words and names left out,
each theme with the tone of its own clauses; exact counts on a small set, examples, determinism, emerging themes."""

from __future__ import annotations

import random
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from feedback.analysis.aspects import Aspect, extract_aspects
from feedback.analysis.comments import analyse_comments
from feedback.analysis.language import parse
from feedback.analysis.theme_words import phrase_key, question_words
from feedback.analysis.themes import CommentPhrases, PhraseCounts, build_themes, emerging_themes


def aspects(text: str, question: str | None = None, masked=()) -> list[str]:
    return [a.phrase for a in extract_aspects(parse(text), masked=masked, question_words=question_words(question))]


def keys(text: str, question: str | None = None) -> list[str]:
    return [a.key for a in extract_aspects(parse(text), question_words=question_words(question))]


def themes_of(texts: list[str], **kwargs) -> list:
    return build_themes([analysis.for_themes() for analysis in analyse_comments(texts)], **kwargs)


#: Counted by hand: each comment's aspects are in the comment.
FIXTURE = [
    ("Des cas pratiques très concrets.", "positive"),  # cas pratiques
    ("Les cas pratiques étaient utiles", "positive"),  # cas pratiques
    ("Plus de cas pratiques !", "negative"),  # cas pratiques (« plus de » hands it over)
    ("Échanges riches entre collègues.", "positive"),  # échanges, collègues
    ("echanges riches", "positive"),  # the same without accent
    ("L'échange avec les collègues", "mixed"),  # échange, collègues
    ("RAS", "neutral"),  # nothing
    ("Merci, globalement bien.", "positive"),  # nothing: fillers only
]


def fixture_comments() -> list[CommentPhrases]:
    analyses = analyse_comments([text for text, _tone in FIXTURE])
    return [
        CommentPhrases(a.masked.text, tone, tuple(Aspect(x.key, x.phrase, x.start, x.end, tone) for x in a.aspects))
        for a, (_text, tone) in zip(analyses, FIXTURE, strict=True)
    ]


def test_exact_counts_shares_and_tones_on_a_small_set():
    themes = build_themes(fixture_comments())
    assert [(t.phrase, t.count) for t in themes] == [("cas pratiques", 3), ("échanges", 3), ("collègues", 2)]
    assert [t.share for t in themes] == [3 / 8, 3 / 8, 2 / 8]
    assert themes[0].tones == {"negative": 1, "positive": 2}
    assert themes[1].tones == {"mixed": 1, "positive": 2}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("La mise en pratique était top.", ["mise en pratique"]),
        (
            "Des cas pratiques, des jeux de rôle et un temps d'échange.",
            ["cas pratiques", "jeux de rôle", "temps d'échange"],
        ),
        ("Le manque de temps.", ["temps"]),
        ("Une formation très pratique.", ["pratique"]),
        ("Le côté théorique était lourd.", ["théorie"]),
        ("La qualité des intervenants.", ["intervenants"]),
        ("Le contenu de la formation, le support de cours.", ["contenu", "support"]),
    ],
)
def test_a_theme_is_a_noun_phrase_of_the_parse(text, expected):
    assert aspects(text) == expected


def test_la_plupart_du_temps_is_no_theme_but_the_lack_of_time_is():
    assert "temp" not in keys("La plupart du temps, les intervenants lisaient leurs notes.")
    assert "temp" not in keys("De temps en temps, en même temps, tout le temps.")
    assert "temp" in keys("Il a manqué de temps pour les questions.")
    themes = themes_of(["La plupart du temps c'était clair.", "La plupart du temps, bien.", "Manque de temps."] * 2)
    assert [(t.phrase, t.count) for t in themes] == [("temps", 2)]


@pytest.mark.parametrize(
    "text",
    [
        "Merci beaucoup, bravo et bonne continuation !",
        "Peut-être, vraiment, globalement : suite à la journée, rien à dire.",
        "J'ai apprécié, j'ai aimé, j'ai tout compris.",
        "Une belle formation, une bonne session, une journée, un atelier, un webinaire, une séance, un module.",
        "RAS",
        "Merci pour tout !",
    ],
)
def test_politeness_hedges_appreciation_and_the_session_s_own_names_are_no_theme(text):
    assert aspects(text) == []


def test_the_words_of_the_question_are_no_theme_of_its_answers():
    question = "Quels thèmes souhaitez-vous pour de prochaines sessions ?"
    assert aspects("Des thèmes sur le logement", question) == ["logement"]
    assert aspects("Des thèmes sur le logement") == ["thèmes sur le logement"]
    assert aspects("Les points forts : les points forts de l'animation", "Quels sont les points forts ?") == [
        "animation"
    ]
    assert "appreci" in question_words("Qu'avez-vous apprécié ?") and question_words(None) == frozenset()


@pytest.mark.parametrize(
    "text",
    [
        "Merci à Sandrine Leroy pour la salle.",
        "Bravo à Mehdi pour la salle.",
        "merci sandrine pour la salle",
        "La salle. Marc Petit",
    ],
)
def test_people_s_names_are_never_a_theme(text):
    assert keys(text) == ["sall"]


def test_masked_spans_are_skipped():
    text = "Merci Claire Dubois pour la salle"
    start = text.index("Claire")
    assert aspects(text, masked=[(start, start + len("Claire Dubois"), "name")]) == ["salle"]
    assert aspects("Joindre [nom] au [téléphone] pour la salle") == ["salle"]


@pytest.mark.parametrize(
    "variants",
    [
        ["La visio.", "La visioconférence.", "Les visios."],
        ["Les jeux de rôles.", "Le jeu de rôle.", "Des jeux de rôle."],
        ["La pratique.", "La mise en pratique.", "Le côté pratique."],
        ["Le formateur.", "La formatrice."],
        ["La pédagogie.", "L'approche pédagogique."],
        ["Les exos.", "Les exercices."],
        [
            "Échanges riches",
            "ÉCHANGES RICHES",
            "echanges riches",
            "des échanges",
            unicodedata.normalize("NFD", "Échange"),
        ],
    ],
)
def test_variants_abbreviations_and_close_forms_are_one_theme(variants):
    themes = themes_of(variants * 2)
    assert len(themes) == 1, [(t.phrase, t.count) for t in themes]
    assert themes[0].count == 2 * len(variants)
    assert unicodedata.is_normalized("NFC", themes[0].phrase)


def test_close_forms_merge_in_a_process_that_never_loads_the_language_pipeline():
    """Themes are built in the web workers, which never load spaCy (~4 s, ~500 MB): the word vectors that decide a
    merge are read without it, and decide as spaCy's own would (« pédagogie » / « pédagogique »: 0.81)."""
    script = (
        "import sys\n"
        "from feedback.analysis.themes import close_keys\n"
        "labels = {'pedagogi': 'pédagogie', 'pedagogiqu': 'pédagogique', 'pratiqu': 'pratique',\n"
        "          'praticien': 'praticien'}\n"
        "print(close_keys(labels, {'pedagogi': 5, 'pedagogiqu': 3, 'pratiqu': 4, 'praticien': 2}))\n"
        "print('spacy' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parents[2]
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=root)
    assert run.stdout.split("\n")[:2] == ["{'pedagogiqu': 'pedagogi'}", "False"]


@pytest.mark.parametrize(
    ("first", "second"),
    [("pédagogie", "pédagogique"), ("convivial", "convivialité"), ("Formateur", "formatrice"), ("salle", "Xyzzq")],
)
def test_the_word_vectors_read_without_spacy_are_spacy_s_own(first, second):
    from spacy.strings import hash_string

    from feedback.analysis.language import pipeline, string_key, word_vectors

    vocab = pipeline().vocab
    for word in (first, second, "interactivité", "é", ""):  # tails of 0 to 7 bytes, and whole 8-byte blocks
        assert string_key(word) == hash_string(word)
    a, b = vocab[first], vocab[second]
    expected = float(a.similarity(b)) if a.has_vector and b.has_vector else 0.0
    assert word_vectors().similarity(first, second) == pytest.approx(expected, abs=1e-6)


def test_the_label_is_the_phrase_written_most():
    themes = themes_of(["La visio.", "La visio encore.", "La visioconférence."])
    assert [(t.phrase, t.count) for t in themes] == [("visio", 3)]
    assert phrase_key("visio") == phrase_key("visioconférence") == themes[0].key


def test_each_theme_has_the_tone_of_its_own_clauses_not_the_comment_s():
    room = [Aspect("sall", "salle", 0, 5, "negative")]
    welcome = [Aspect("accueil", "accueil", 10, 17, "positive")]
    comments = [CommentPhrases(f"La salle, l'accueil {i}.", "mixed", [*room, *welcome]) for i in range(3)]
    comments.append(CommentPhrases("La salle, oui.", "positive", [Aspect("sall", "salle", 3, 8, "positive")]))
    by_phrase = {t.phrase: t for t in build_themes(comments)}
    assert by_phrase["salle"].tones == {"negative": 3, "positive": 1}
    assert (by_phrase["salle"].criticised, by_phrase["salle"].praised) == (3, 1)
    assert by_phrase["accueil"].tones == {"positive": 3}
    # Said in a praising and in a criticising clause of one comment: mixed for that comment.
    said_twice = [Aspect("sall", "salle", 0, 1, "positive"), Aspect("sall", "s", 5, 6, "negative")]
    twice = CommentPhrases("x", "mixed", said_twice)
    assert twice.keyed() == {"sall": ("salle", "mixed")}


def test_examples_show_the_dominant_tone_first_then_quotable_ones():
    def said(text: str, tone: str, quotable: bool = False) -> CommentPhrases:
        return CommentPhrases(text, tone, [Aspect("sall", "salle", 0, 5, tone)], quotable)

    comments = [
        said("Salle parfaite, vraiment très agréable pour travailler.", "positive", True),
        said("Salle.", "negative"),
        said("La salle était bien trop petite pour nous tous.", "negative"),
        said("La salle était froide et bruyante toute la journée.", "negative", True),
    ]
    (room,) = build_themes(comments)
    assert room.dominant_tone == "negative"
    assert room.examples == (
        "La salle était froide et bruyante toute la journée.",  # dominant tone, quotable
        "La salle était bien trop petite pour nous tous.",  # dominant tone, of a quotable length
        "Salle.",  # dominant tone, too short
    )


def test_a_theme_is_counted_once_per_comment():
    themes = themes_of(["Pratique, pratique, encore de la pratique", "La pratique"])
    assert [(t.phrase, t.count) for t in themes] == [("pratique", 2)]


def test_themes_are_deterministic_whatever_the_order_of_comments(demo_comments):
    comments = [a.for_themes() for a in analyse_comments(demo_comments[:300])]
    first = build_themes(comments)
    # Without themes the comparisons below would hold trivially.
    assert len(first) >= 5, [t.phrase for t in first]
    assert build_themes(comments) == first
    shuffled = comments[:]
    random.Random(5).shuffle(shuffled)
    assert [(t.phrase, t.count, t.share) for t in build_themes(shuffled)] == [
        (t.phrase, t.count, t.share) for t in first
    ]


def test_no_filler_in_the_themes_of_many_comments(demo_comments):
    from benchmarks.themes_quality import FILLER_WORDS

    themes = build_themes([a.for_themes() for a in analyse_comments(demo_comments)], limit=60)
    assert len(themes) >= 30
    assert [t.phrase for t in themes if set(t.key.split()) & FILLER_WORDS] == []


def test_limit_and_minimum():
    comments = fixture_comments()
    assert [t.phrase for t in build_themes(comments, limit=2)] == ["cas pratiques", "échanges"]
    assert [t.phrase for t in build_themes(comments, min_count=3)] == ["cas pratiques", "échanges"]


def phrase_counts(comments: list[list[str]]) -> PhraseCounts:
    """Comments' themes counted once per comment, as the quotes area's query counts them."""
    counts = Counter(key for phrases in comments for key in {phrase_key(phrase) for phrase in phrases})
    labels = {phrase_key(phrase): phrase for phrases in comments for phrase in phrases}
    return PhraseCounts(counts, len(comments), labels)


class TestEmerging:
    def test_themes_that_grew_most_in_share_come_first(self):
        previous = phrase_counts([["horaire"], ["horaire"], ["micro"], [], [], [], [], [], [], []])  # 10 comments
        current = phrase_counts([["micro"], ["micro"], ["micro"], ["connexion"], ["connexion"], ["horaire"]])  # 6
        emerging = emerging_themes(current, previous)
        # micro: 10 % -> 50 %; connexion: 0 % -> 33 %; horaire: 20 % -> 17 % (no growth, left out)
        assert [(e.phrase, e.count, e.previous_count) for e in emerging] == [("micro", 3, 1), ("connexion", 2, 0)]
        assert emerging[0].growth == pytest.approx(0.5 - 0.1)
        assert emerging[1].previous_share == 0

    def test_a_theme_needs_enough_comments_now_and_variants_count_as_one(self):
        previous = phrase_counts([["cas pratique"], [], [], [], [], [], [], [], [], []])
        current = phrase_counts([["cas pratiques"], ["Cas pratique"], ["son"], [], [], [], [], [], [], []])
        assert [(e.key, e.count) for e in emerging_themes(current, previous)] == [(phrase_key("cas pratique"), 2)]
        assert emerging_themes(current, previous, min_count=3) == []


@pytest.fixture(scope="module")
def demo_comments() -> list[str]:
    from feedback.demo_comments import AXIS_TOPICS, compose_comment

    rng = random.Random(11)
    axes = sorted(AXIS_TOPICS)
    return [
        compose_comment(rng, rng.choice(["liked", "improve", "wishes"]), rng.randint(1, 4), rng.choice(axes))
        for _ in range(600)
    ]

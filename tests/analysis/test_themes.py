"""Themes: exact counts on a small set counted by hand, merging of spelling variants, stop words, examples,
determinism, and emerging themes between two periods."""

from __future__ import annotations

import random
import unicodedata

import pytest

from feedback.analysis.lexicon import load_stopwords
from feedback.analysis.text import fold
from feedback.analysis.themes import (
    CommentPhrases,
    build_themes,
    count_phrases,
    emerging_themes,
    extract_phrases,
    phrase_key,
)

#: Counted by hand (see the comments): phrases are cut at stop words and lemmatised.
FIXTURE = [
    CommentPhrases("Des cas pratiques très concrets.", (), "positive"),  # cas, pratique, cas pratique, concret
    CommentPhrases("Les cas pratiques étaient utiles", (), "positive"),  # cas, pratique, cas pratique, utile
    CommentPhrases("Plus de cas pratiques !", (), "negative"),  # cas, pratique, cas pratique
    CommentPhrases("Échanges riches entre collègues.", (), "positive"),  # échange, riche, échange riche, collègue
    CommentPhrases("echanges riches", (), "positive"),  # the same without accent: échange, riche, échange riche
    CommentPhrases("L'échange avec les collègues", (), "mixed"),  # échange, collègue
    CommentPhrases("RAS", (), "neutral"),  # nothing: "ras" is a filler
    CommentPhrases("Merci, globalement bien.", (), "positive"),  # nothing: fillers only
]


def with_phrases(comments: list[CommentPhrases]) -> list[CommentPhrases]:
    return [CommentPhrases(c.text, extract_phrases(c.text), c.tone) for c in comments]


def test_exact_counts_shares_and_tones_on_a_small_set():
    themes = build_themes(with_phrases(FIXTURE))
    # "cas" and "pratique" (3 each) are absorbed by "cas pratique" (3); "riche" (2) by "échange riche" (2);
    # "échange" (3) stays beside "échange riche" (2). Said once only: "concret", "utile".
    assert [(t.phrase, t.count) for t in themes] == [
        ("cas pratique", 3),
        ("échange", 3),
        ("échange riche", 2),
        ("collègue", 2),
    ]
    assert [t.share for t in themes] == [3 / 8, 3 / 8, 2 / 8, 2 / 8]
    assert themes[0].tones == {"negative": 1, "positive": 2}
    assert themes[1].tones == {"mixed": 1, "positive": 2}


def test_examples_are_real_input_comments_that_say_the_theme():
    comments = with_phrases(FIXTURE)
    texts = [c.text for c in comments]
    for theme in build_themes(comments):
        assert 2 <= len(theme.examples) <= 3
        assert len(set(theme.examples)) == len(theme.examples)
        for example in theme.examples:
            assert example in texts
            assert theme.key in {phrase_key(p) for p in extract_phrases(example)}


def test_examples_prefer_quotable_lengths():
    long = "Le temps d'échange " + "vraiment " * 50 + "utile"
    comments = with_phrases(
        [CommentPhrases(t, ()) for t in ["Échange", long, "Un temps d'échange entre pairs précieux", "Échange bref"]]
    )
    theme = next(t for t in build_themes(comments) if t.phrase == "échange")
    # 5 to 40 words first, then the closest to that length: the 52-word comment comes last, here not at all.
    assert theme.examples == ("Un temps d'échange entre pairs précieux", "Échange bref", "Échange")


@pytest.mark.parametrize(
    "variants",
    [
        ["Échanges riches", "ÉCHANGES RICHES", "echanges riches", "des échanges riches"],
        ["l'échange", "l’échange", "d'échanges", "L’ÉCHANGE"],
        [unicodedata.normalize("NFD", "Réseau de pairs"), "réseau de pairs", "RESEAU de pairs", "Réseaux"],
    ],
)
def test_accent_case_apostrophe_and_elision_variants_are_one_theme(variants):
    themes = build_themes(with_phrases([CommentPhrases(v, ()) for v in variants]))
    assert themes[0].count == len(variants)
    assert len([t for t in themes if t.count == len(variants)]) == 1
    assert unicodedata.is_normalized("NFC", themes[0].phrase)


def test_the_shown_phrase_is_the_accented_spelling():
    themes = build_themes(with_phrases([CommentPhrases(v, ()) for v in ["echanges", "échanges", "Echanges"]]))
    assert [(t.phrase, t.count) for t in themes] == [("échange", 3)]


def test_no_stop_word_or_filler_is_a_theme(demo_comments):
    cut, alone = load_stopwords()
    themes = build_themes(with_phrases([CommentPhrases(text, ()) for text in demo_comments]), min_count=2)
    assert len(themes) > 50
    for theme in themes:
        words = theme.phrase.split()
        assert 1 <= len(words) <= 3
        assert not any(fold(word) in cut for word in words), theme.phrase
        assert not (len(words) == 1 and fold(words[0]) in alone), theme.phrase


def test_phrases_are_cut_at_stop_words_and_punctuation():
    phrases = extract_phrases("Merci pour la qualité des échanges, vraiment super ; le temps d'échange était court.")
    assert set(phrases) == {"qualité", "échange", "temps", "court"}
    assert extract_phrases("RAS, merci, globalement très bien !") == ()
    assert "journée" not in extract_phrases("Une journée")  # never a theme alone
    assert "journée départementale" in extract_phrases("La journée départementale")


def test_masked_data_and_numbers_make_no_phrase():
    phrases = extract_phrases("Merci [nom], joindre [e-mail] ou [téléphone] ; 12 stagiaires, www.exemple.fr/x")
    assert phrases == ("joindre", "stagiaire")


def test_a_phrase_is_counted_once_per_comment():
    comments = with_phrases([CommentPhrases("Pratique, pratique, encore de la pratique", ()), CommentPhrases("x", ())])
    assert count_phrases(c.phrases for c in comments).counts[phrase_key("pratique")] == 1


def test_themes_are_deterministic_whatever_the_order_of_comments(demo_comments):
    comments = with_phrases([CommentPhrases(text, ()) for text in demo_comments[:400]])
    first = build_themes(comments)
    assert build_themes(comments) == first
    shuffled = comments[:]
    random.Random(5).shuffle(shuffled)
    ranking = [(t.phrase, t.count, t.share) for t in first]
    assert [(t.phrase, t.count, t.share) for t in build_themes(shuffled)] == ranking
    assert extract_phrases(demo_comments[0]) == extract_phrases(demo_comments[0])


def test_limit_and_minimum():
    comments = with_phrases(FIXTURE)
    assert [t.phrase for t in build_themes(comments, limit=2)] == ["cas pratique", "échange"]
    assert [t.phrase for t in build_themes(comments, min_count=3)] == ["cas pratique", "échange"]


class TestEmerging:
    def test_themes_that_grew_most_in_share_come_first(self):
        previous = count_phrases([["horaire"], ["horaire"], ["son"], [], [], [], [], [], [], []])  # 10 comments
        current = count_phrases([["son"], ["son"], ["son"], ["connexion"], ["connexion"], ["horaire"]])  # 6
        emerging = emerging_themes(current, previous)
        # son: 10 % -> 50 %; connexion: 0 % -> 33 %; horaire: 20 % -> 17 % (no growth, left out)
        assert [(e.phrase, e.count, e.previous_count) for e in emerging] == [("son", 3, 1), ("connexion", 2, 0)]
        assert emerging[0].growth == pytest.approx(0.5 - 0.1)
        assert emerging[1].previous_share == 0

    def test_plain_counters_need_the_number_of_comments(self):
        current, previous = {"cas pratiques": 4, "Cas pratique": 2, "son": 1}, {"cas pratique": 1}
        emerging = emerging_themes(current, previous, current_total=10, previous_total=10)
        assert [(e.phrase, e.count) for e in emerging] == [("Cas pratique", 6)]
        with pytest.raises(ValueError):
            emerging_themes(current, previous)


@pytest.fixture(scope="module")
def demo_comments() -> list[str]:
    from feedback.demo_comments import AXIS_TOPICS, compose_comment

    rng = random.Random(11)
    axes = sorted(AXIS_TOPICS)
    return [
        compose_comment(rng, rng.choice(["liked", "improve", "wishes"]), rng.randint(1, 4), rng.choice(axes))
        for _ in range(1500)
    ]

"""The sentence polarity scorer learnt from rated reviews: what it weighs, what it says of everyday turns of
phrase no labelled comment taught, what the tone model reads of it, and the leak guard of its training."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

from feedback.analysis import tone_model
from feedback.analysis.language import parse
from feedback.analysis.polarity import SCORER_PATH, grams, load_scorer, polarity_features
from feedback.analysis.tone import rule_tone


@pytest.fixture(scope="module")
def scorer():
    loaded = load_scorer()
    assert loaded is not None, "the scorer ships with the package"
    return loaded


def test_words_are_folded_and_paired_with_their_neighbour():
    assert grams("Pas TERRIBLE, l’accueil") == {
        *("pas", "not_terrible", "l", "accueil"),  # the negation reaches up to the comma
        *("pas_terrible", "terrible_l", "l_accueil"),
    }
    assert grams("Déçu") == grams("decu")


def test_the_shipped_scorer_is_small_plain_json_read_once(scorer):
    assert SCORER_PATH.stat().st_size < 3_000_000
    data = json.loads(SCORER_PATH.read_text(encoding="utf-8"))
    assert set(data) == {"intercept", "weights"}
    assert all(math.isfinite(w) for w in data["weights"].values())
    assert load_scorer() is scorer


@pytest.mark.parametrize(
    ("praise", "criticism"),
    [
        ("Au top, je recommande", "Sans intérêt, je ne recommande pas"),
        ("Accueil chaleureux et souriant", "Accueil désagréable, personne ne répond"),
        ("Rien à redire, parfait", "Rien compris, à revoir"),
        ("Contenu clair et bien organisé", "Contenu brouillon et mal organisé"),
    ],
)
def test_turns_of_phrase_lean_the_way_a_reader_takes_them(scorer, praise, criticism):
    assert scorer.score(praise) > 0 > scorer.score(criticism)


def test_a_negated_word_is_weighed_apart_from_the_word(scorer):
    assert "not_decue" in grams("Je n'ai pas été déçue, vraiment") and "not_vraiment" not in grams(
        "pas déçue, vraiment"
    )
    # Reviews teach what a negated word means: « pas déçue » reads far better than « déçue » (the scorer still
    # leans slightly against it: « pas » and « ne » mostly come with complaints in the reviews).
    assert scorer.score("Je n'ai pas été déçue") > scorer.score("J'ai été déçue") + 1.0


def test_a_comment_with_a_sentence_of_each_kind_is_seen_as_both(scorer):
    mixed = polarity_features(
        scorer,
        "Intervenant passionnant et très clair. Mais quelle déception pour la salle, sans intérêt.",
        ["Intervenant passionnant et très clair.", "Mais quelle déception pour la salle, sans intérêt."],
    )
    praise = polarity_features(
        scorer,
        "Intervenant passionnant et très clair. Je recommande.",
        ["Intervenant passionnant et très clair.", "Je recommande."],
    )
    assert mixed["pol:both"] == 1.0 and praise["pol:both"] == 0.0
    assert mixed["pol:min"] < 0 < mixed["pol:max"]
    assert all(-1.0 < praise[name] < 1.0 for name in ("pol:whole", "pol:min", "pol:max"))


def test_the_tone_model_reads_the_sentences_scores_and_works_without_them(monkeypatch):
    doc = parse("Intervenant passionnant. Mais la salle était glaciale.")
    named = tone_model.features(doc, rule_tone(doc)).named
    assert {"pol:whole", "pol:min", "pol:max", "pol:both"} <= set(named)
    monkeypatch.setattr(tone_model, "load_scorer", lambda: None)
    assert not [name for name in tone_model.features(doc, rule_tone(doc)).named if name.startswith("pol:")]
    assert load_scorer(Path("/nonexistent/polarity.json")) is None


def test_a_masked_name_is_not_read_by_the_scorer():
    # « Modeste » and « Leroy » are words the reviews lean against (« modeste », « Leroy Merlin »): masked, they
    # weigh nothing.
    text = "Merci Modeste Leroy. Parfait"
    doc = parse(text)
    start = text.index("Modeste")
    masked = ((start, start + len("Modeste Leroy"), "[nom]"),)
    read = tone_model.features(doc, rule_tone(doc, masked=masked), masked).named
    blanked = tone_model.features(parse("Merci              . Parfait"), rule_tone(doc, masked=masked)).named
    assert read["pol:whole"] == blanked["pol:whole"] != tone_model.features(doc, rule_tone(doc)).named["pol:whole"]


def test_training_drops_the_labelled_comments_and_their_sources(tmp_path):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from benchmarks.tone_quality import load_real_comments
    from benchmarks.train_polarity import reviews

    real = load_real_comments()
    if not real:
        pytest.skip("no real labelled comments here")
    labelled = real[0]
    corpus = tmp_path / "corpus.tsv"
    corpus.write_text(
        "text\trating\tscale\tlabel\tsource\n"
        f"{labelled['text'].replace(chr(10), ' ').replace(chr(9), ' ')}\t5\t5\tpos\thttps://example.org/a\n"
        f"Service impeccable\t5\t5\tpos\t{labelled['source']}\n"
        "Livraison rapide, produit conforme\t5\t5\tpos\thttps://github.com/nobody-here/reviews/blob/c/r.csv\n"
        "Livraison rapide, produit conforme\t5\t5\tpos\thttps://github.com/nobody-here/reviews/blob/c/r.csv\n"
        "Jamais reçu ma commande\t1\t5\tneg\thttps://github.com/nobody-here/reviews/blob/c/r.csv\n"
        "Correct sans plus\t3\t5\tmid\thttps://github.com/nobody-here/reviews/blob/c/r.csv\n",
        encoding="utf-8",
    )
    texts, praised, dropped = reviews([corpus])
    assert texts == ["Livraison rapide, produit conforme", "Jamais reçu ma commande"]
    assert praised == [True, False]
    assert dropped == {"a labelled real comment": 1, "source of labelled real comments": 1, "duplicate": 1}

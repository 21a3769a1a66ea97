"""Tone of a French comment: positive, negative, mixed (praise and criticism) or neutral, with its reasons.

Clause rules over spaCy's parse (`language.py`) and textblob-fr's lexicon, then a small model (`tone_model.py`).
This module decides and explains; the labels and verdict types are `tone_types.py`, the words the rules look for
and the lexicon engine `tone_words.py`, the clause segmentation and the cues over whole clauses `tone_clauses.py`,
the left-to-right clause rules `tone_scanner.py`, and its rules of excess and lack `tone_amounts.py`:

1. The parse's tokens are normalised and folded (lower case, no accents: "TRES", "tres" and "très" are one
   word); masked spans (names...) are skipped. The comment is cut into clauses: punctuation, sentences the
   parser finds (trusted where a capital or a mark shows them, or a capitalised word after a lower-case one in
   text typed without full stops), contrast markers ("mais", "cependant", "par contre", "en revanche",
   "toutefois", "néanmoins"...), concessions ("malgré", "même si", "bien que", "certes"), a second clause
   joined by "et" with its own finite verb, "sinon", "car", "donc". Each clause keeps its character offsets.
2. Words are looked up in the lexicon (`feedback/analysis/lexicon.py`: textblob-fr corrected by
   `data/lexicon_fr.tsv`). A word neither the lexicon nor simplemma knows may be a typing slip of a lexicon
   word; one the parser's vocabulary knows (often English: "slides", "replay") only by a doubled letter.
3. Phrases of the project list win over single words, longest first: "pas assez" (lack), "il faudrait"
   (suggestion), idioms ("tourne en rond"), "rien à signaler", politeness ("merci par avance": no praise).
4. Negation ("ne ... pas/plus/jamais/rien", "pas", "jamais", "aucun", "sans", "ni", "non") turns the next
   opinion around within the phrase it negates in the parse (its head's subtree, a few words at most):
   negated praise is criticism ("pas clair"), negated criticism is mild praise ("pas mal"). "pas de X",
   "aucun X", "sans X" with X a noun and no opinion is a lack ("pas de pause"), unless X is "remarque"...
5. Excess and lack without a negative word: "trop X" (but "trop bien" is praise), "un peu X", "peu X",
   "peu de X" (but "peu d'attente" is praise), "plus de X" as a request, "davantage", "moins X", "mal X".
6. The conditional, read from the verb's form and lemma (the parser tags "aurais" indicative): in the past
   ("j'aurais aimé", "aurait été utile", "aurait pu") it says what was missing, a criticism; in the present
   ("une session sur X serait utile") a wish, not praise. A clause opening with an infinitive asks for
   something: its praise words are what is asked for.
7. Adverbs before an adjective say how much, not praise ("super rapide", "bien trop long"); "bien" before
   an infinitive says how ("difficile de bien suivre"). Some adjectives are praise only when said of
   something ("la chambre est propre", "très pratique"), not when naming a kind ("cas pratiques").
8. Contrast: a contrast clause with no opinion of its own, after praise, is criticism. A lone cheer before
   a complaint that says it happens again is irony ("Génial, encore une heure d'attente").
9. Emoji, emoticons, "+++"/"---" and "8/10"-style marks carry their polarity; all capitals are noted.

The rules' verdict: no cue is neutral; praise and criticism each of weight `MIXED_MIN` or more is mixed;
otherwise the heavier side wins (a tie goes to criticism). Each clause gets its own label the same way, so a
theme takes the tone of its clause (`Tone.label_at`). The model then reads the rules' output with the
comment's lemmas and gives the comment's label; where it overrules the rules, its strongest words are added
to the notes. Each verdict carries its cues (which words, which rule, which weight), so staff can see why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from feedback.analysis.language import text_of
from feedback.analysis.lexicon import words_of
from feedback.analysis.polarity import load_scorer
from feedback.analysis.text import fold, normalise
from feedback.analysis.tone_clauses import (
    clause_tones,
    contrast_cues,
    is_shouting,
    mark_sarcasm,
    score_cues,
    tokens_from_doc,
)
from feedback.analysis.tone_model import features, load_model
from feedback.analysis.tone_scanner import Scanner
from feedback.analysis.tone_types import (
    LABELS,
    LABELS_FR,
    MIXED,
    NEGATIVE,
    NEUTRAL,
    POSITIVE,
    ClauseTone,
    Cue,
    Tone,
    verdict,
)
from feedback.analysis.tone_words import (
    EMOJI_RE,
    NOTHING_ONLY_RE,
    URL_RE,
    cue_engine,
    is_conditional,
    known_french_words,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc


def analyse_tone(doc: Doc | str, *, masked: Sequence[tuple[int, int, str]] = ()) -> Tone:
    """The tone of one comment, clause by clause, with the cues that decided it.

    The clause rules give each clause its label and the comment its cues; the shipped model (`tone_model.py`)
    then reads the rules' output with the comment's words and gives the comment's label. Where it overrules
    the rules, the words that weighed most in its verdict are added to the notes, so the verdict stays
    explainable.
    """
    if isinstance(doc, str):
        from feedback.analysis.language import parse

        doc = parse(doc)
    rules = rule_tone(doc, masked=masked)
    model = load_model()
    if (
        model is None
        or (not rules.cues and "rien à signaler" in rules.notes)
        or any(c.rule == "score" for c in rules.cues)
    ):
        return rules  # "RAS" and an explicit mark ("8/10") need no model
    values = features(doc, rules, masked)
    label, probabilities = model.decide(values)
    if label == rules.label:
        return replace(rules, confidence=probabilities[label])
    words = ", ".join(f"« {word} »" for word in model.strongest(values, label))
    # A criticism flagged by the threshold says how likely a criticism it is, not its own label's probability.
    likely = probabilities[NEGATIVE] + probabilities[MIXED] if label in (NEGATIVE, MIXED) else probabilities[label]
    note = f"modèle : {LABELS_FR[label]} ({likely:.0%})" + (f", {words}" if words else "")
    clauses = rules.clauses
    if len(clauses) == 1:
        clauses = (replace(clauses[0], label=label),)
    return replace(rules, label=label, notes=(*rules.notes, note), clauses=clauses, confidence=probabilities[label])


def preload() -> None:
    """Read the word lists, the French dictionary and the model now (gunicorn's master, batch commands), not in
    the first participant's request: about 3 s, most of it simplemma's dictionary."""
    engine = cue_engine()
    known_french_words()
    engine.spelling("preload")
    load_model()
    load_scorer()


def rule_tone(doc: Doc, *, masked: Sequence[tuple[int, int, str]] = ()) -> Tone:
    """The clause rules' verdict alone (what the model reads, and what explains its verdict)."""
    text = text_of(doc)
    normalised = URL_RE.sub(" ", normalise(text or ""))
    folded = fold(normalised)
    notes = []
    if NOTHING_ONLY_RE.fullmatch(folded) and not EMOJI_RE.search(folded):
        return Tone(NEUTRAL, notes=("rien à signaler",), clauses=((ClauseTone(0, len(text), NEUTRAL),) if text else ()))
    cues = score_cues(normalised)
    tokens, shown, offsets, parsed = tokens_from_doc(doc, masked)
    scanner = Scanner(cue_engine(), tokens, shown, parsed)
    scanner.scan()
    contrast_cues(scanner.clauses, shown)
    mark_sarcasm(scanner.clauses)
    for clause in scanner.clauses:
        cues.extend(clause.cues)
    label, praise, criticism = verdict(cues)
    if scanner.nothing_to_report and label == NEUTRAL:
        notes.append("rien à signaler")
    if is_shouting(normalised):
        notes.append("tout en majuscules")
    clauses = clause_tones(scanner.clauses, offsets, len(text))
    if len(clauses) == 1:
        clauses = (replace(clauses[0], label=label),)  # marks and scores ("8/10", "+++") belong to it too
    return Tone(label, praise, criticism, tuple(cues), tuple(notes), clauses)


def combine_with_rating(tone: Tone, overall_level: int | None) -> Tone:
    """Use the respondent's own overall rating (1-4, 4 = très satisfait) where the text alone is unsure.

    The text decides; the rating never overturns a clear verdict, it only settles two ambiguous cases:
    - a comment read as positive that also carried some criticism too light to make it mixed, from someone
      not satisfied (1-2), is mixed: the rating confirms that the criticism was meant;
    - a comment read as negative that also carried some praise too light to make it mixed (bare thanks,
      a mild word), from someone satisfied (3-4), is mixed: a satisfied respondent suggesting a change.
    A neutral comment stays neutral ("RAS" says nothing to quote, whatever the rating), and a clear
    disagreement (praise only from someone not at all satisfied) is noted for staff, not "corrected".
    """
    if overall_level is None or not 1 <= int(overall_level) <= 4:
        return tone
    level = int(overall_level)
    note = f"note globale {level}/4"
    if tone.label == POSITIVE and level <= 2 and tone.criticism > 0:
        return replace(tone, label=MIXED, notes=(*tone.notes, note))
    if tone.label == NEGATIVE and level >= 3 and tone.praise > 0:
        return replace(tone, label=MIXED, notes=(*tone.notes, note))
    if (tone.label == POSITIVE and level == 1) or (tone.label == NEGATIVE and level == 4 and tone.criticism >= 0.6):
        return replace(tone, notes=(*tone.notes, f"{note} : contraire au commentaire"))
    return tone


__all__ = [
    "LABELS",
    "LABELS_FR",
    "MIXED",
    "NEGATIVE",
    "NEUTRAL",
    "POSITIVE",
    "ClauseTone",
    "Cue",
    "Tone",
    "analyse_tone",
    "combine_with_rating",
    "cue_engine",
    "is_conditional",
    "preload",
    "rule_tone",
    "verdict",
    "words_of",
]

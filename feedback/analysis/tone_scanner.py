"""The clause rules: a comment's tokens read left to right, clause by clause, into cues.

Phrases of the project list first, then negation (its reach from the parse), lack, excess and requests ("trop",
"peu", "plus de", "davantage", "moins", "mal"), the conditional, adverbs that say how much, adjectives that praise
only when said of something, and each remaining word's polarity (after the typo fixer).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from feedback.analysis.text import fold
from feedback.analysis.tone_amounts import STRUCTURAL
from feedback.analysis.tone_clauses import Clause, is_predicate_or_graded, opens_a_request
from feedback.analysis.tone_types import NEGATION_REACH, Cue
from feedback.analysis.tone_words import (
    ADVERB_INTENSIFIERS,
    BOUNDARIES,
    COLLOQUIAL_PRAISE,
    CONDITIONALS,
    CONTRAST_BY_FIRST_WORD,
    EMOTICONS,
    INTENSIFIERS,
    LACK_SKIP,
    NE,
    NE_PARTICLES,
    NEGATIVE_EMOJI,
    NEGATORS,
    NOT_A_NOUN,
    NOT_CONTRAST_AFTER_MAIS,
    NOTHING_NOUNS,
    POSITIVE_EMOJI,
    PREDICATE_PRAISE,
    SIGHS,
    WISH_LEMMAS,
    CueEngine,
    is_conditional,
    is_past_conditional,
    rule_of,
)

if TYPE_CHECKING:
    from spacy.tokens import Token


class Scanner:
    """Reads the tokens of one comment left to right, clause by clause."""

    def __init__(self, engine: CueEngine, tokens: list[str], shown: list[str], parsed: list[Token | None]) -> None:
        self.engine = engine
        self.tokens = tokens  # folded: what the rules read
        self.shown = shown  # as written: what explanations quote
        self.parsed = parsed  # the spaCy token each comes from (None for a clause break the parse added)
        self.clauses: list[Clause] = [Clause(None)]
        self.nothing_to_report = False
        self._reset_state()

    def _reset_state(self) -> None:
        self.negation_until = -1  # index of the last token a negation reaches
        self.ne_particle = -1  # index of the "pas" that closes a "ne ... pas"
        self.intensity = 1.0
        self.intensity_until = -1
        self.conditional_until = -1
        self.request_until = -1  # "plus de cas concrets": "concrets" is what is asked for, not praise
        self.past_wish_until = -1  # "aurait été utile": praise in the past conditional is what was missing

    @property
    def clause(self) -> Clause:
        return self.clauses[-1]

    def show(self, start: int, end: int) -> str:
        return " ".join(token for token in self.shown[start:end] if token not in BOUNDARIES)

    def take(self, start: int, end: int) -> None:
        self.clause.words.extend(self.tokens[start:end])
        self.clause.positions.extend(range(start, end))

    def word(self, i: int) -> str | None:
        return self.tokens[i] if i < len(self.tokens) and self.tokens[i] not in BOUNDARIES else None

    def emit(self, i: int, words: str, polarity: float, rule: str) -> None:
        """Record an opinion at token i, turned around by a negation and scaled by an intensifier."""
        sign = 1 if polarity > 0 else -1
        weight = abs(polarity)
        if i <= self.intensity_until:
            weight = min(1.0, weight * self.intensity)
        if i <= self.negation_until:
            self.negation_until = -1
            if sign > 0:
                sign, weight, rule = -1, max(0.4, weight), "negation"
            else:
                sign, weight, rule = 1, max(0.3, weight * 0.5), "negation"
        elif rule == "expectation":
            return  # "j'ai suivi la session": no opinion unless negated
        elif sign > 0 and i <= self.past_wish_until:
            sign, weight, rule = -1, max(0.45, weight), "suggestion"
        elif sign > 0 and (i <= self.conditional_until or i <= self.request_until):
            return  # a wish or the object of a request, not praise
        if rule in ("lack", "suggestion", "excess") and sign < 0:
            self.request_until = i + len(words.split()) + 4
        self.clause.cues.append(Cue(words, sign, weight, rule))

    def _open_clause(self, contrast: str | None, at: int = -1) -> None:
        self.clauses.append(Clause(contrast, opened_at=at))
        self._reset_state()

    def _contrast_at(self, i: int) -> tuple[int, str] | None:
        for marker, kind in CONTRAST_BY_FIRST_WORD.get(self.tokens[i], ()):
            if tuple(self.tokens[i : i + len(marker)]) == marker:
                if marker == ("mais",) and self.word(i + 1) in NOT_CONTRAST_AFTER_MAIS:
                    return None
                return len(marker), kind
        return None

    def next_content(self, i: int, skip: frozenset[str]) -> int | None:
        while (word := self.word(i)) is not None and word in skip:
            i += 1
        return i if self.word(i) is not None else None

    def scan(self) -> None:
        tokens, engine = self.tokens, self.engine
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if token in BOUNDARIES:
                if self.clause.words or self.clause.cues:
                    self._open_clause(None)
                i += 1
                continue
            if token in POSITIVE_EMOJI or token in NEGATIVE_EMOJI or token in EMOTICONS:
                polarity = 0.6 if (token in POSITIVE_EMOJI or EMOTICONS.get(token) == 1) else -0.6
                # A smiley softens a complaint as often as it praises: alone it is praise, next to a criticism
                # it weighs less than the mixed threshold.
                weight = 0.3 if token in EMOTICONS and polarity > 0 else 0.6
                self.clause.cues.append(Cue(self.shown[i], 1 if polarity > 0 else -1, weight, "emoji"))
                i += 1
                continue
            if not token[0].isalnum():
                i += 1  # an emoji without a known polarity
                continue
            contrast = self._contrast_at(i)
            if contrast is not None:
                length, kind = contrast
                self._open_clause(kind, at=i)
                i += length
                continue
            if not self.clause.words and opens_a_request(self.parsed[i]):
                self.request_until = len(tokens)  # "Créer une visualisation utile": what is asked for
            self.take(i, i + 1)
            i = self._read(i, token, engine)

    def _read(self, i: int, token: str, engine: CueEngine) -> int:
        """Read from token i; return the index of the next token to read."""
        phrase = engine.lexicon.phrase_at(self.tokens, i)
        if phrase is not None:
            end = i + len(phrase.words)
            self.take(i + 1, end)
            if phrase.words[0] in NEGATORS or phrase.words[0] in NE:
                self.negation_until = -1  # the phrase carries its own negation ("pas assez")
            if phrase.polarity == 0:
                self.nothing_to_report = self.nothing_to_report or phrase.kind == "nothing"
            else:
                self.emit(i, self.show(i, end), phrase.polarity, rule_of(phrase))
            return end
        if token in NE:
            # "ne ... pas": the negation reaches the words between "ne" and its particle, and a few after.
            for j in range(i + 1, min(i + 5, len(self.tokens))):
                if self.word(j) is None:
                    break
                if self.tokens[j] in NE_PARTICLES:
                    self.negation_until = self._negation_reach(j)
                    self.ne_particle = j
                    break
            return i + 1
        if token in NEGATORS:
            return self._read_negator(i, token)
        if token in INTENSIFIERS:
            self.intensity, self.intensity_until = (1.5, i + 2)
            return i + 1
        if token in CONDITIONALS:
            self.conditional_until = i + 5
            return i + 1
        parsed = self.parsed[i]
        if parsed is not None:
            result = self._read_parsed(i, token, parsed)
            if result is not None:
                return result
        handler = STRUCTURAL.get(token)
        if handler is not None:
            result = handler(self, i)
            if result is not None:
                return result
        # A name is no slip; a word the parser's vocabulary knows is one only by a doubled letter.
        if parsed is not None and (parsed.pos_ == "PROPN" or "Foreign=Yes" in parsed.morph):
            word = token
        else:
            word = engine.spelling(token, known=parsed is not None and parsed.has_vector)
        entry = engine.polarity(word)
        if entry is not None:
            if entry.polarity == 0:
                self.nothing_to_report = self.nothing_to_report or entry.kind == "nothing"
            else:
                shown = self.shown[i] if word == token else f"{self.shown[i]} ({word})"
                self.emit(i, shown, entry.polarity, rule_of(entry))
        return i + 1

    def _read_parsed(self, i: int, word: str, parsed: Token) -> int | None:
        """Rules that need the parse: the verb's mood, what an adverb modifies. None: read the token as usual."""
        if is_conditional(parsed):
            if is_past_conditional(parsed):
                # "j'aurais aimé plus d'exemples", "un support aurait été utile": what was missing.
                self.past_wish_until = i + 6
                return i + 1
            if self.engine.polarity(word) is not None:
                return None  # "je le recommanderais" is still praise
            self.conditional_until = i + 5  # "une session sur X serait utile": a wish, not praise
            return i + 1
        if word in ("bon", "bien") and self._is_a_sigh(i):
            return i + 1  # "mais bon, on fera avec", "bon, ...", "et bien !": a sigh or a pause, not praise
        if i <= self.past_wish_until and fold(parsed.lemma_) in WISH_LEMMAS:
            end = i + 1
            self.emit(i, self.show(max(0, i - 1), end), -0.5, "suggestion")
            return end
        if (
            word in PREDICATE_PRAISE
            and parsed.pos_ == "ADJ"
            and (is_predicate_or_graded(parsed) or i <= self.negation_until)
        ):
            self.emit(i, self.shown[i], PREDICATE_PRAISE[word], "lexicon")  # "chambre très propre"
            return i + 1
        if word in ADVERB_INTENSIFIERS and parsed.pos_ == "ADV":
            following = self.parsed[i + 1] if i + 1 < len(self.parsed) else None
            if following is not None and following.pos_ in ("ADJ", "ADV", "VERB") and word != "bien":
                # "super rapide": "super" says how much, the adjective says what.
                self.intensity, self.intensity_until = (1.5, i + 1)
                return i + 1
            if word == "bien":
                head = parsed.head
                if head.pos_ in ("ADJ", "ADV") and head.i > parsed.i:
                    self.intensity, self.intensity_until = (1.3, i + 2)  # "bien trop long", "bien petit"
                    return i + 1
                if head.pos_ in ("VERB", "AUX") and "Inf" in head.morph.get("VerbForm", []):
                    return i + 1  # "difficile de bien suivre": how to follow, not praise
                following_word = self.word(i + 1)
                if following_word and following_word not in COLLOQUIAL_PRAISE:
                    entry = self.engine.polarity(following_word)
                    if entry is not None and entry.polarity < 0:
                        # "j'ai bien perdu mon temps", "bien bas": "bien" stresses the blame that follows.
                        self.intensity, self.intensity_until = (1.3, i + 2)
                        return i + 1
        return None

    def _is_a_sigh(self, i: int) -> bool:
        """Whether « bon » follows a sigh (« mais bon ») or opens a clause before a comma, or « bien » follows « eh »
        or « et » at a clause's start before a punctuation mark (« Et bien !!! Quelle déception »)."""
        previous = self.word(i - 1) if i > 0 else None
        if self.tokens[i] == "bien":
            opens = i == 1 or (i > 1 and self.word(i - 2) is None)
            return previous in ("eh", "et") and opens and self.word(i + 1) is None
        return previous in SIGHS or (previous is None and self.tokens[i + 1 : i + 2] == [","])

    def _negation_reach(self, i: int) -> int:
        """The last token a negation at token i reaches: a few words on, but not past the phrase it negates in
        the parse ("pas" negates its head and what depends on it: "ce n'était pas clair, les autres oui")."""
        window = i + NEGATION_REACH
        parsed = self.parsed[i]
        if parsed is None or parsed.dep_ != "advmod":
            return window
        head = parsed.head
        while head.pos_ == "ADV" and head.dep_ == "advmod" and head.head is not head:
            head = head.head  # "pas super propre", "pas forcément utile": the adverb's head is what is negated
        last = max(token.i for token in head.subtree)
        reach = i
        for k in range(i + 1, min(window, len(self.parsed) - 1) + 1):
            other = self.parsed[k]
            if other is None or other.i > last:
                break
            reach = k
        return reach

    def _read_negator(self, i: int, negator: str) -> int:
        if i == self.ne_particle and self.negation_until == -1:
            # "je ne regrette pas": the negation was already spent on "regrette"; in "ça ne marche pas bien" it
            # was spent on "marche", and the adverbs after "pas" say how it did not work, not that it worked well.
            after = i + 1
            while (
                after < len(self.parsed)
                and self.word(after) not in (None, *NEGATORS)
                and _is_manner_adverb(self.parsed[after])
            ):
                after += 1
            self.take(i + 1, after)
            return after
        if negator == "sans" and self.word(i + 1) == "doute":
            return i + 2  # "sans doute": probably, no lack and no negation
        self.negation_until = max(self.negation_until, self._negation_reach(i))
        if (
            negator == "pas"
            and len(self.clause.words) == 1
            and self.word(i + 1) in ("le", "la", "les", "l", "du")
            and self.word(i + 2) != "tout"
        ):
            # "J'ai apprécié la convivialité, pas le contenu": an elliptic contrast.
            j = self.next_content(i + 2, frozenset())
            end = (j + 1) if j is not None else i + 2
            self.negation_until = -1
            self.take(i + 1, end)
            self.emit(i, self.show(i, end), -0.4, "contrast")
            return end
        if negator in ("pas", "aucun", "aucune", "sans"):
            start = i + 1
            if negator == "pas" and self.word(start) in ("de", "d"):
                start += 1
            elif negator == "pas":
                return i + 1  # "pas clair": the negation reads the next opinion
            j = self.next_content(start, LACK_SKIP)
            if j is None or self.tokens[j] in NOT_A_NOUN:
                return i + 1
            parsed = self.parsed[j]
            if negator == "sans" and parsed is not None and parsed.pos_ not in ("NOUN", "ADJ"):
                return i + 1  # "sans nous enfermer", "sans compter": a way of doing, not a lack
            noun = self.tokens[j]
            if noun in NOTHING_NOUNS:
                self.negation_until = -1
                self.nothing_to_report = True
                self.take(i + 1, j + 1)
                return j + 1
            spelled = self.engine.spelling(noun)
            if self.engine.polarity(spelled) is not None or self.engine.lexicon.phrase_at(self.tokens, j):
                return i + 1  # "aucun intérêt", "pas de problème": the negation turns the opinion around
            self.negation_until = -1
            self.take(i + 1, j + 1)
            self.emit(i, self.show(i, j + 1), -0.4 if negator == "sans" else -0.5, "lack")
            return j + 1
        return i + 1


def _is_manner_adverb(token: Token | None) -> bool:
    """An adverb saying how a verb went (« bien », « très bien », « correctement »)."""
    return token is not None and token.pos_ == "ADV" and token.head.pos_ in ("VERB", "AUX", "ADV")

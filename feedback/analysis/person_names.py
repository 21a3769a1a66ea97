"""People's names in a comment, read off its parse: the spans `masking.mask_document` masks as "[nom]".

Found four ways (`name_spans`): capitalised runs that the pipeline's person entities or the word vectors (nearer
common first names than towns) say are people; the words after « merci à », « bravo à »... even in lower case
(« merci a claire »); a lower-case name after a civility (« mme haddad »); a signature ending the comment.
Precision guards: a capitalised common word opening a sentence (« Claire et précise »), a capitalised word after a
determiner or naming a thing (« la salle Rose », « l'atelier Victor Hugo »), acronyms, places by their vector, and
the organisation's vocabulary (`data/not_names.txt`: « Politique de la ville », « QPV ») are left alone.
A little over 400 lines and kept whole: the four ways share these guards and word lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from feedback.analysis.language import tokens_of
from feedback.analysis.text import fold

if TYPE_CHECKING:
    import numpy
    from numpy.typing import NDArray
    from spacy.tokens import Doc, Token
    from spacy.vocab import Vocab

    _Vector = NDArray[numpy.floating[Any]]

_DATA = Path(__file__).with_name("data")
#: Civilities before a name (a regular expression's alternatives): « Mme Durand », « Dr Martin ».
CIVILITY_WORDS = r"M\.|MM\.|Mr\.?|Mme\.?|Mmes\.?|Mlle\.?|Madame|Monsieur|Mademoiselle|Messieurs|Mesdames|Dr\.?|Docteur|Pr\.?|Professeur|Me\.?|Maître"  # noqa: E501
_CIVILITIES = frozenset(fold(c.rstrip(".\\")) for c in CIVILITY_WORDS.replace("\\.", "").replace("?", "").split("|"))

# Words after which the next words are people: « merci (à) Claire », « bravo à karim et linh ».
_THANKS = frozenset(
    {"merci", "mercis", "bravo", "felicitations", "remerciements", "remercie", "dedicace", "bisous", "bises",
     "kudos", "chapeau", "coucou", "salut", "grace", "pensee"}
)  # fmt: skip
#: Thanks words after which a lower-case word is a name (« grâce à » is followed by things as often as people).
_THANKS_LOWER = _THANKS - {"grace", "pensee", "salut", "coucou"}
_THANKS_SKIP = frozenset({"beaucoup", "encore", "infiniment", "bien", "mille", "fois", "surtout", "particulierement",
                          "speciale", "special", "enorme", "grand", "vraiment", "aussi", "egalement"})  # fmt: skip
# Words that follow « merci à » and are not names.
_NOT_A_NAME = frozenset(
    (
        "tous", "toutes", "tout", "toute", "vous", "toi", "lui", "elle", "elles", "eux", "moi", "nous", "chacun",
        "chacune", "ceux", "celles", "celle", "celui", "l", "la", "le", "les", "un", "une", "des", "du", "de", "d",
        "au", "aux", "a", "à", "mon", "ma", "mes", "ton", "ta", "tes", "son", "sa", "ses", "notre", "nos", "votre",
        "vos", "leur", "leurs", "ce", "cet", "cette", "ces", "quelqu", "qui", "que", "quoi", "pour", "par", "avec",
        "sans", "sur", "dans", "en", "et", "ou", "ni", "mais", "donc", "car", "comme", "y", "beaucoup", "encore",
        "bien", "mille", "infiniment", "vraiment", "surtout", "aussi", "également", "egalement", "enfin", "bref",
        "merci", "bravo", "madame", "monsieur", "mesdames", "messieurs", "mademoiselle", "equipe", "équipe",
        "organisation", "organisateurs", "organisatrices", "formateur", "formatrice", "formateurs", "formatrices",
        "intervenant", "intervenante", "intervenants", "intervenantes", "animateur", "animatrice", "animateurs",
        "animatrices", "participants", "participantes", "stagiaires", "collegues", "collègues", "prof", "profs",
        "professeur", "professeurs", "enseignants", "enseignantes", "personnel", "staff", "benevoles", "bénévoles",
        "orateurs", "oratrices", "speakers", "accueil", "service", "services", "ville", "mairie", "association",
        "asso", "direction", "responsable", "responsables", "avance", "avoir", "etre", "être", "cela", "ca", "ça",
        "ceci", "rien", "personne", "gens", "monde", "autres", "autre", "ensemble", "bientot", "demain", "plus",
        "tres", "jamais", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    )
)  # fmt: skip
# Closing words of a comment that may precede a signature, and short interjections that are never one.
_SIGN_OFFS = frozenset({"cordialement", "signe", "signee", "bien a vous", "a+", "amities", "bises", "bisous",
                        "merci", "salutations", "respectueusement", "sincerement"})  # fmt: skip
_INTERJECTIONS = frozenset(
    {"bravo", "merci", "super", "top", "genial", "parfait", "excellent", "cordialement", "bisous", "bises", "salut",
     "bonjour", "bonsoir", "encore", "voila", "enfin", "bref", "ras", "rien", "nul", "nulle", "oui", "non", "ok",
     "cool", "bien", "tres", "trop"}
)  # fmt: skip
# Words naming a person's role: « la formatrice Nadia » is a person, « la salle Rose » is not.
_ROLES = frozenset(
    (
        "formateur", "formatrice", "intervenant", "intervenante", "animateur", "animatrice", "professeur",
        "professeure", "prof", "collegue", "enseignant", "enseignante", "referent", "referente", "tuteur",
        "tutrice", "coach", "conseiller", "conseillere", "stagiaire", "responsable", "directeur", "directrice",
        "medecin", "docteur", "maitre", "maitresse", "collaborateur", "collaboratrice", "chef", "cheffe",
        "president", "presidente", "secretaire", "assistante", "assistant", "coordinateur", "coordinatrice",
        "coordonnateur", "coordonnatrice", "camarade", "ami", "amie", "copain", "copine", "fils", "fille", "mari",
        "femme", "epouse", "epoux", "frere", "soeur", "pere", "mere", "famille", "serveur", "serveuse", "delegue",
        "deleguee", "voisin", "voisine", "cousin", "cousine", "patron", "patronne", "gerant", "gerante", "vendeur",
        "vendeuse", "accompagnateur", "accompagnatrice", "educateur", "educatrice", "benevole",
    )
)  # fmt: skip
_NAME_PARTICLES = frozenset({"de", "du", "des", "d'", "da", "van", "von", "di", "del", "ben", "ibn", "el", "al", "bin"})
_SENTENCE_END = frozenset({".", "!", "?", "…", "...", ":", ";", "(", "-", "–", "—", '"', "«", "“", "[", ">", "|"})
_OPENING_QUOTES = frozenset({'"', "«", "“", "'"})

# Prototypes for the word-vector test: common French first names and French towns (none of them in the probe set).
_PERSON_SEEDS = (
    "Marie Jean Sophie Nicolas Philippe Isabelle Mohamed Youssef Amadou Maria Antonio Anh Catherine François"
)
_PLACE_SEEDS = "Paris Lyon Marseille Toulouse Nantes Strasbourg Rennes Grenoble Nice Rouen Reims Orléans"
#: A word is read as a first name or surname when its vector is this much closer to the person prototype.
_PERSON_MARGIN = 0.15
_PERSON_MIN = 0.25


@cache
def _not_names() -> tuple[tuple[str, ...], ...]:
    lines = (_DATA / "not_names.txt").read_text(encoding="utf-8").splitlines()
    return tuple(tuple(fold(line).split()) for line in lines if line.strip() and not line.startswith("#"))


@cache
def _prototypes(vocab_id: int, vocab: Vocab) -> tuple[_Vector, _Vector] | None:  # noqa: ARG001 - the id keys the cache
    import numpy

    def mean(words: str) -> _Vector | None:
        vectors = [numpy.asarray(vocab[w].vector) for w in words.split() if vocab[w].has_vector]
        if not vectors:
            return None
        average = numpy.mean(vectors, axis=0)
        normalised: _Vector = average / numpy.linalg.norm(average)
        return normalised

    person, place = mean(_PERSON_SEEDS), mean(_PLACE_SEEDS)
    return None if person is None or place is None else (person, place)


def _is_known_word(word: str) -> bool:
    import simplemma

    return simplemma.is_known(word.lower(), lang="fr")


def _person_like(token: Token) -> bool:
    """The word's vector is nearer common first names than towns (« Ousmane », not « Montgeron » or « Excel »)."""
    if not token.has_vector:
        return False
    prototypes = _prototypes(id(token.vocab), token.vocab)
    if prototypes is None:
        return False
    import numpy

    vector = numpy.asarray(token.vector)
    norm = numpy.linalg.norm(vector)
    if not norm:
        return False
    vector = vector / norm
    person, place = float(vector @ prototypes[0]), float(vector @ prototypes[1])
    return person >= _PERSON_MIN and person - place >= _PERSON_MARGIN


def _is_capitalised(token: Token) -> bool:
    text = token.text
    # Acronyms (« QPV », « CESI ») are organisations, « N' » of « N'Diaye » is not an acronym.
    return text[:1].isupper() and not (sum(c.isalpha() for c in text) > 1 and text.isupper())


def _is_name_word(token: Token) -> bool:
    text = token.text
    return bool(text) and all(c.isalpha() or c in "-'’." for c in text) and any(c.isalpha() for c in text)


def _previous(doc: Doc, i: int) -> Token | None:
    return tokens_of(doc)[i - 1] if i > 0 else None


def _starts_sentence(doc: Doc, i: int) -> bool:
    previous = _previous(doc, i)
    return previous is None or previous.text in _SENTENCE_END or "\n" in previous.whitespace_ + previous.text


def _chunks(doc: Doc) -> list[tuple[int, int]]:
    """Runs of capitalised words, with name particles inside (« Fatima Zahra El Idrissi », « Manuel da Silva »)."""
    chunks, i, n = [], 0, len(doc)
    tokens = tokens_of(doc)
    while i < n:
        if (
            _is_capitalised(tokens[i])
            and _is_name_word(tokens[i])
            and fold(tokens[i].text.rstrip(".")) not in _CIVILITIES
        ):
            j = i + 1
            while j < n:
                if _is_capitalised(tokens[j]) and _is_name_word(tokens[j]) and fold(tokens[j].text) not in _CIVILITIES:
                    j += 1
                elif (
                    tokens[j].lower_ in _NAME_PARTICLES
                    and j + 1 < n
                    and _is_capitalised(tokens[j + 1])
                    and tokens[j - 1].whitespace_ != ""
                ):
                    j += 2
                else:
                    break
            chunks.append((i, j))
            i = j
        else:
            i += 1
    return chunks


def _not_name_tokens(folded_words: Sequence[str]) -> frozenset[int]:
    """The tokens inside one of the organisation's phrases (« France Travail », « QPV »): never a person."""
    covered: set[int] = set()
    by_first = _not_names_by_first_word()
    for i, word in enumerate(folded_words):
        for phrase in by_first.get(word, ()):
            if tuple(folded_words[i : i + len(phrase)]) == phrase:
                covered.update(range(i, i + len(phrase)))
    return frozenset(covered)


@cache
def _not_names_by_first_word() -> dict[str, tuple[tuple[str, ...], ...]]:
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in _not_names():
        index.setdefault(phrase[0], []).append(phrase)
    return {word: tuple(phrases) for word, phrases in index.items()}


def _thing_before(doc: Doc, i: int) -> bool:
    """« la salle Rose », « l'atelier Victor Hugo », « le jeu « Martin et Sophie » »: a thing's name, not a person."""
    previous = _previous(doc, i)
    if previous is None:
        return False
    if previous.text in _OPENING_QUOTES:
        return True
    if previous.pos_ == "DET" or previous.lower_ in {"la", "le", "les", "l'", "l’", "au", "aux", "du", "des"}:
        return True
    word = fold(previous.text)
    if word in _THANKS or word in _INTERJECTIONS or previous.pos_ != "NOUN":
        return False
    # « mon maître d'apprentissage Serge Lemoine »: a role just before makes it a person.
    if any(fold(tokens_of(doc)[k].text) in _ROLES for k in range(max(0, i - 4), i)):
        return False
    return previous.is_lower or _is_known_word(previous.text)


def _inside_quotes(doc: Doc) -> list[bool]:
    """Tokens inside « » or " ": titles of role plays and workshops (« Martin et Sophie au guichet »)."""
    inside, flags = False, []
    for token in tokens_of(doc):
        if token.text in {"«", "“"} or (token.text == '"' and not inside):
            inside = True
            flags.append(False)
            continue
        if token.text in {"»", "”", '"'}:
            inside = False
        flags.append(inside)
    return flags


def _coordinated(doc: Doc, i: int) -> bool:
    return 0 <= i < len(doc) and tokens_of(doc)[i].text in {"et", ",", "&"}


def _entity_labels(doc: Doc) -> list[str]:
    labels = [""] * len(doc)
    for entity in doc.ents:
        for k in range(entity.start, entity.end):
            labels[k] = entity.label_
    return labels


def _chunk_is_person(doc: Doc, start: int, end: int, labels: list[str]) -> bool:
    words = [token for token in tokens_of(doc)[start:end] if token.lower_ not in _NAME_PARTICLES]
    if any(labels[k] == "PER" for k in range(start, end)):
        # The parser's own person entity: trust it unless every word is a place by its vector.
        return True
    # The vectors say person: the parser's organisation label is often wrong on a lone first name (« chez Olivier »).
    return any(_person_like(t) for t in words)


def name_spans(doc: Doc) -> list[tuple[int, int, str]]:
    """(start, end, "name") character spans of the people named in a parsed comment."""
    tokens = tokens_of(doc)
    labels = _entity_labels(doc)
    folded_words = [fold(t.text) for t in tokens]
    not_names = _not_name_tokens(folded_words)
    found = [
        *_capitalised_people(doc, labels),  # 1. capitalised runs that the parse or the vectors say are people
        *_thanked(doc, folded_words),  # 2. after thanks: « merci à Mehdi », « bravo à karim et à linh »
        *_after_civility(doc, folded_words),  # 3. a lower-case name after a civility: « mme haddad »
    ]
    kept = [(start, end) for start, end in found if end > start and not any(k in not_names for k in range(start, end))]
    spans = [(tokens[start].idx, tokens[end - 1].idx + len(tokens[end - 1].text), "name") for start, end in kept]
    # 4. A signature closing the comment: « ... Marc Petit », « Cordialement, Inès Carvalho », « Léa ».
    masked_tokens = {k for start, end in kept for k in range(start, end)}
    spans.extend(_signature(doc, labels, masked_tokens | not_names, folded_words))
    return spans


def _name_start(doc: Doc, start: int, end: int, labels: list[str]) -> int:
    """Where the name of a capitalised run starts: a capitalised common word opening a sentence is that word
    (« Bravo », « Claire et précise »), not a name, unless the parser reads it as the first name of a longer person
    (« Marc Petit »); once it is dropped, so is the « de » that joined it (« Intervention de Carlos Rodrigues »)."""
    tokens = tokens_of(doc)
    while start < end and _starts_sentence(doc, start):
        word = fold(tokens[start].text)
        longer_person = labels[start] == "PER" and start + 1 < end and labels[start + 1] == "PER"
        if word in _INTERJECTIONS or word in _THANKS or (_is_known_word(tokens[start].text) and not longer_person):
            start += 1
        else:
            break
    while start < end and tokens[start].lower_ in _NAME_PARTICLES:
        start += 1
    return start


def _capitalised_people(doc: Doc, labels: list[str]) -> list[tuple[int, int]]:
    """Capitalised runs that the parse or the vectors say are people, and those joined to one by « et » or a comma
    (« Thuy Le et Chloé »)."""
    tokens = tokens_of(doc)
    quoted = _inside_quotes(doc)
    people: list[tuple[int, int]] = []
    others: list[tuple[int, int]] = []
    for chunk_start, end in _chunks(doc):
        start = _name_start(doc, chunk_start, end, labels)
        if start >= end or quoted[start] or _thing_before(doc, start):
            continue
        if all(sum(c.isalpha() for c in tokens[k].text) < 2 for k in range(start, end)):
            continue  # initials alone (« RER D. »); with a name they go with it (« Moussa T. »)
        if _chunk_is_person(doc, start, end, labels):
            people.append((start, end))
        elif not any(labels[k] in ("ORG", "LOC") and not _person_like(tokens[k]) for k in range(start, end)):
            others.append((start, end))
    starts, ends = {s for s, _ in people}, {e for _, e in people}
    for start, end in others:
        if (end + 1 in starts and _coordinated(doc, end)) or (start - 1 in ends and _coordinated(doc, start - 1)):
            people.append((start, end))
    return people


def _thanked(doc: Doc, folded_words: list[str]) -> list[tuple[int, int]]:
    """The names after thanks: « merci à Mehdi », « bravo à karim et à linh », « merci a claire »."""
    found: list[tuple[int, int]] = []
    for i, word in enumerate(folded_words):
        if word in _THANKS:
            found.extend(_names_after_thanks(doc, folded_words, i))
    return found


def _names_after_thanks(doc: Doc, folded_words: list[str], i: int) -> list[tuple[int, int]]:
    """The names after the thanks word at `i`, coordinated ones included (« X et Y », « X, Y et à Z »)."""
    tokens = tokens_of(doc)
    n = len(doc)
    j = i + 1
    while j < n and folded_words[j] in _THANKS_SKIP:
        j += 1
    after_a = j < n and folded_words[j] == "a"
    if after_a:
        j += 1
    lower_ok = folded_words[i] in _THANKS_LOWER and after_a
    after_comma = False
    found: list[tuple[int, int]] = []
    while j < n:
        k = j
        while k < n and k - j < 4 and _trigger_name_word(tokens[k], lower_ok, first=k == j, after_comma=after_comma):
            k += 1
        if k == j:
            break
        found.append((j, k))
        if k >= n or tokens[k].text not in {",", "et", "&"}:
            break
        after_comma = tokens[k].text == ","
        k += 1
        if k < n and tokens[k].text == "et":
            after_comma = False
            k += 1
        if k < n and folded_words[k] == "a":
            k += 1
        j = k
    return found


def _after_civility(doc: Doc, folded_words: list[str]) -> list[tuple[int, int]]:
    """A lower-case name after a civility (« mme haddad »), not « monsieur le maire »."""
    tokens = tokens_of(doc)
    n = len(doc)
    found: list[tuple[int, int]] = []
    for i in range(n - 1):
        if folded_words[i].rstrip(".") in _CIVILITIES and tokens[i + 1].is_lower and tokens[i + 1].is_alpha:
            k = i + 1
            while (
                k < n
                and k - i <= 2
                and tokens[k].is_lower
                and tokens[k].is_alpha
                and not _is_known_word(tokens[k].text)
            ):
                k += 1
            if folded_words[i + 1] not in _NOT_A_NAME:
                found.append((i + 1, k))
    return found


def _trigger_name_word(token: Token, lower_ok: bool, *, first: bool, after_comma: bool = False) -> bool:
    if token.text[-1:] in "'’" or sum(c.isalpha() for c in token.text) < 2:
        return False  # an elided article (« l' », « d' »)
    if not _is_name_word(token) or fold(token.text) in _NOT_A_NAME or token.text.isupper() and len(token.text) > 1:
        return False
    if _is_capitalised(token):
        return fold(token.text.rstrip(".")) not in _CIVILITIES
    if not lower_ok or token.pos_ in ("ADV", "ADP", "DET", "PRON", "CCONJ", "SCONJ", "AUX", "NUM", "PUNCT"):
        return False
    if first:
        # « merci à Karim, super formation »: after a comma only a word that is no French word is another name.
        return not (after_comma and _is_known_word(token.text))
    # A lower-case surname after a lower-case first name (« nathalie garnier »), not « claire pour ».
    return token.pos_ in ("PROPN", "NOUN", "ADJ", "X") and not _is_known_word(token.text)


def _signature(
    doc: Doc, labels: list[str], masked_tokens: set[int], folded_words: list[str]
) -> list[tuple[int, int, str]]:
    # The last stretch of the comment after a sentence end, skipping a closing formula.
    n = len(doc)
    tokens = tokens_of(doc)
    end = n
    while end > 0 and (tokens[end - 1].is_punct or tokens[end - 1].is_space):
        end -= 1
    start = end
    while start > 0 and not (
        tokens[start - 1].text in {".", "!", "?", "…", "...", "\n"} or "\n" in tokens[start - 1].text
    ):
        start -= 1
    while start < end and (folded_words[start] in _SIGN_OFFS or tokens[start].is_punct or tokens[start].text == "+"):
        start += 1
    stop = start
    while stop < end and stop - start < 4 and _is_capitalised(tokens[stop]) and _is_name_word(tokens[stop]):
        stop += 1
    if stop == start or any(k in masked_tokens for k in range(start, stop)):
        return []
    # The name ends the comment or is followed by a comma, a dash or a bracket (« Yanis, 2e année »).
    if stop < end and tokens[stop].text not in {",", "-", "–", "—", "(", "/", "|"}:
        return []
    words = [folded_words[k] for k in range(start, stop)]
    if words[0] in _INTERJECTIONS or words[0].rstrip(".") in _CIVILITIES:
        return []
    unknown = [k for k in range(start, stop) if not _is_known_word(tokens[k].text)]
    person = any(labels[k] == "PER" for k in range(start, stop)) or any(
        _person_like(tokens[k]) for k in range(start, stop)
    )
    if not (unknown or person) or any(labels[k] == "ORG" for k in range(start, stop)):
        return []
    return [(tokens[start].idx, tokens[stop - 1].idx + len(tokens[stop - 1].text), "name")]

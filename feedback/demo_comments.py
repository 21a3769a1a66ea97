"""Synthetic free-text answers for the demo: French comments composed from the fragments of a data file.

The fragments (openers, noun phrases, whole sentences, connectors and topics tied to the training's axis, the
trainers' remarks and the follow-up answers) live in `feedback/data/demo_comments.json`: written for the demo,
never taken from real answers. This module only composes them, then roughens them (typos, missing accents, emoji,
capitals) so that the verbatim tools, theme extraction and masking have thousands of varied, realistic inputs to
work on. Nothing here touches the database.
"""

from __future__ import annotations

import json
import random
import unicodedata
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "demo_comments.json"


def _load() -> dict:
    with DATA_FILE.open(encoding="utf-8") as handle:
        return json.load(handle)


def _by_level(section: dict[str, list[str]]) -> dict[int, tuple[str, ...]]:
    return {int(level): tuple(values) for level, values in section.items()}


_DATA = _load()
#: Topics per axis value (feedback.models.Axis), written to follow "sur" ("les apports sur {topic}").
AXIS_TOPICS: dict[str, tuple[str, ...]] = {axis: tuple(topics) for axis, topics in _DATA["axis_topics"].items()}
DEPARTMENT_PLACES: dict[str, str] = _DATA["department_places"]
#: Noun phrases that follow an opener such as "J'ai apprécié".
LIKED_NOUNS = tuple(_DATA["liked_nouns"])
LIKED_OPENERS = _by_level(_DATA["liked_openers"])
LIKED_SENTENCES = _by_level(_DATA["liked_sentences"])
LIKED_PREFIXES = tuple(_DATA["liked_prefixes"])
LIKED_CLOSERS = _by_level(_DATA["liked_closers"])
NEUTRAL_IMPROVE = tuple(_DATA["neutral_improve"])
IMPROVE_PIECES = _by_level(_DATA["improve_pieces"])
IMPROVE_SUFFIXES = _by_level(_DATA["improve_suffixes"])
WISH_TEMPLATES = tuple(_DATA["wish_templates"])
NEUTRAL_WISHES = tuple(_DATA["neutral_wishes"])
POSITIVE_EMOJI = tuple(_DATA["positive_emoji"])
NEGATIVE_EMOJI = tuple(_DATA["negative_emoji"])
FIRST_NAMES = tuple(_DATA["first_names"])
LAST_NAMES = tuple(_DATA["last_names"])
MAIL_DOMAINS = tuple(_DATA["mail_domains"])
#: A trainer's remarks on their session (« Le regard de l'intervenant·e »), by how satisfied they were.
TRAINER_REMARKS = _by_level(_DATA["trainer_remarks"])
FOLLOWUP_OBSTACLES = tuple(_DATA["followup_obstacles"])
FOLLOWUP_NEEDS = tuple(_DATA["followup_needs"])


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _fill(
    template: str,
    rng: random.Random,
    topics: tuple[str, ...],
    other_topics: tuple[str, ...],
    names: list[str],
    department: str | None,
) -> str:
    """Replace {topic}, {other}, {name} and {place}; only what the template uses is drawn."""
    topic = rng.choice(topics)
    other = rng.choice(other_topics)
    name = rng.choice(names) if names else rng.choice(("l'intervenante", "l'intervenant"))
    place = DEPARTMENT_PLACES.get(department or "", rng.choice(tuple(DEPARTMENT_PLACES.values())))
    return template.format(
        topic=topic, Topic=_capitalise(topic), other=other, Other=_capitalise(other), name=name, place=place
    )


def _liked(rng: random.Random, level: int, fill) -> str:
    sentences = LIKED_SENTENCES[level]
    if rng.random() < 0.4 or level <= 2 and rng.random() < 0.6:
        count = 2 if level >= 3 and rng.random() < 0.3 else 1
        parts = [fill(s) for s in rng.sample(sentences, count)]
    else:
        opener = rng.choice(LIKED_OPENERS[level])
        nouns = [fill(n) for n in rng.sample(LIKED_NOUNS, rng.choice((1, 1, 2, 2, 3) if level >= 3 else (1, 1, 2)))]
        if len(nouns) == 1:
            body = nouns[0]
        else:
            joiner = rng.choice((" et ", ", ", " ainsi que ", " + ", " et surtout "))
            body = ", ".join(nouns[:-1]) + joiner + nouns[-1]
        text = f"{opener} {body}" if opener else _capitalise(body)
        parts = [text.rstrip() + rng.choice((".", ".", "", " !", "..."))]
        if level >= 3 and rng.random() < 0.25:
            parts.append(fill(rng.choice(sentences)))
    if level >= 3 and rng.random() < 0.2:
        prefix = rng.choice(LIKED_PREFIXES)
        parts[0] = prefix + parts[0][:1].lower() + parts[0][1:]
    closer = rng.choice(LIKED_CLOSERS[level])
    if closer:
        parts.append(closer)
    return " ".join(parts)


def _improve(rng: random.Random, level: int, fill) -> str:
    neutral_share = {4: 0.55, 3: 0.2, 2: 0.03, 1: 0.0}[level]
    if rng.random() < neutral_share:
        return rng.choice(NEUTRAL_IMPROVE)
    pieces = [fill(p) for p in rng.sample(IMPROVE_PIECES[level], rng.choice((1, 1, 1, 2, 2, 3)))]
    if level >= 3 and rng.random() < 0.2:
        # A mixed answer: one complaint borrowed from the level below.
        pieces.append(fill(rng.choice(IMPROVE_PIECES[level - 1])).lower())
    joiner = rng.choice((", ", ". ", " ; ", " / ", " et "))
    text = joiner.join([pieces[0]] + [p[0].lower() + p[1:] if joiner != ". " else p for p in pieces[1:]])
    return text + rng.choice(IMPROVE_SUFFIXES[level])


def _wishes(rng: random.Random, fill) -> str:
    if rng.random() < 0.08:
        return rng.choice(NEUTRAL_WISHES)
    return fill(rng.choice(WISH_TEMPLATES))


def _typo(rng: random.Random, text: str) -> str:
    """One slip of a thumb on a phone keyboard."""
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if not candidates:
        return text
    i = rng.choice(candidates)
    word = words[i]
    j = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        word = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    elif kind == 1:
        word = word[:j] + word[j + 1 :]
    elif kind == 2:
        word = word[:j] + word[j] + word[j:]
    else:
        word = word[:j] + rng.choice("azertyuiopqsdfghjklmwxcvbn") + word[j + 1 :]
    words[i] = word
    return " ".join(words)


def _personal_data(rng: random.Random) -> str:
    """A fake phone number or e-mail, the kind participants leave and masking must catch."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    phone = "0" + rng.choice("67") + "".join(f" {rng.randrange(100):02d}" for _ in range(4))
    mail = f"{_ascii(first).lower()}.{_ascii(last).lower()}@{rng.choice(MAIL_DOMAINS)}"
    return rng.choice(
        (
            f"Vous pouvez me joindre au {phone}.",
            f"Contact : {mail}",
            f"{first} {last}, {phone}",
            f"Mon mail pour la suite : {mail}",
            f"Rappelez-moi svp au {phone.replace(' ', '')}",
            f"({first}, {mail})",
            f"Je suis dispo pour en parler : {phone.replace(' ', '.')}",
        )
    )


def roughen(rng: random.Random, text: str, level: int) -> str:
    """Make a clean comment look typed on a phone in a hurry (sometimes)."""
    if rng.random() < 0.10:
        text = _typo(rng, text)
        if rng.random() < 0.3:
            text = _typo(rng, text)
    if rng.random() < 0.07:
        text = _ascii(text)  # no accents: a keyboard without them, or no patience
    if rng.random() < 0.06:
        text = text.lower()
    elif rng.random() < 0.02:
        text = text.upper()
    if rng.random() < 0.12:
        text = text.rstrip(".!")
    if rng.random() < 0.07:
        text += " " + rng.choice(POSITIVE_EMOJI if level >= 3 else NEGATIVE_EMOJI)
    elif rng.random() < 0.04:
        text = text.rstrip(".") + rng.choice(("!!", " !!!", " !", "..."))
    return text


def compose_comment(
    rng: random.Random,
    code: str,
    level: int,
    axis: str,
    *,
    names: list[str] | None = None,
    department: str | None = None,
    personal_data_rate: float = 0.015,
) -> str:
    """A free-text answer to the question `code` ("liked", "improve", "wishes") of someone rating `level`."""
    level = min(4, max(1, level))
    topics = AXIS_TOPICS.get(axis) or AXIS_TOPICS["regional"]
    other_axis = rng.choice(tuple(AXIS_TOPICS))
    other_topics = tuple(t for t in AXIS_TOPICS[other_axis] if t not in topics) or topics

    def fill(template: str) -> str:
        return _fill(template, rng, topics, other_topics, names or [], department)

    if code == "liked":
        text = _liked(rng, level, fill)
    elif code == "improve":
        text = _improve(rng, level, fill)
    else:
        text = _wishes(rng, fill)
    if text in NEUTRAL_IMPROVE or text in NEUTRAL_WISHES:
        return text
    text = roughen(rng, text, level)
    if rng.random() < personal_data_rate:
        text = f"{text} {_personal_data(rng)}"
    return text

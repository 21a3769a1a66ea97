"""French counts read as French: « 0 session modifiée », « 2 sessions » (the French catalogue's plural rule)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po
from flask_babel import ngettext

ROOT = Path(__file__).resolve().parents[1]
FRENCH_PO = ROOT / "feedback/translations/fr/LC_MESSAGES/messages.po"
ENGLISH_PO = ROOT / "feedback/translations/en/LC_MESSAGES/messages.po"


def _plural_ids(path: Path) -> set[tuple[str, str]]:
    with path.open("rb") as po:
        return {message.id for message in read_po(po) if message.id and message.pluralizable}


def test_every_plural_of_the_code_has_its_french_forms():
    # The English catalogue is kept current by the English test; the French one follows it (`make translations-update`).
    missing = _plural_ids(ENGLISH_PO) - _plural_ids(FRENCH_PO)
    assert not missing, f"French plural forms missing: run `make translations-update` ({sorted(missing)[:3]})"


def test_zero_and_one_take_the_singular_in_french(app):
    with app.test_request_context("/"):
        assert ngettext("%(count)s modifiée", "%(count)s modifiées", 0, count=0) == "0 modifiée"
        assert ngettext("%(count)s modifiée", "%(count)s modifiées", 1, count=1) == "1 modifiée"
        assert ngettext("%(count)s modifiée", "%(count)s modifiées", 2, count=2) == "2 modifiées"


def test_english_keeps_its_own_rule(app):
    with app.test_request_context("/?lang=en"):
        created = ngettext("%(count)s formation créée", "%(count)s formations créées", 0, count=0)
        assert created == "0 trainings created"

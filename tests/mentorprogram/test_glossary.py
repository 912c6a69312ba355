"""One glossary (locale/glossary.md), applied to every bokmål text: a word the glossary rules out fails here."""

import gettext
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _ruled_out() -> dict[str, str]:
    """From the glossary's table: each word not to use → the word to use instead."""
    words = {}
    for line in (ROOT / "locale" / "glossary.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("English (msgid)",) or set(cells[0]) <= {"-"}:
            continue
        for word in cells[2].split(","):
            words[word.strip().lower()] = cells[1]
    return words


def _texts():
    """Every bokmål text as the application reads it: the compiled catalogue (`make install` compiles it)."""
    with (ROOT / "locale" / "nb" / "LC_MESSAGES" / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)._catalog
    for key, text in catalogue.items():
        msgid = key[0] if isinstance(key, tuple) else key
        if msgid:  # the header
            yield msgid, text


def test_the_glossary_has_its_table():
    words = _ruled_out()
    assert words["sak"] == "mentorløp" and words["matching"].startswith("kobling")


def test_no_bokmal_text_uses_a_word_the_glossary_rules_out():
    words = _ruled_out()
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b", re.I)
    found = [
        f"{msgid!r} → {text!r}: «{match.group(1)}», use «{words[match.group(1).lower()]}»"
        for msgid, text in _texts()
        for match in [pattern.search(text)]
        if match
    ]
    assert found == []

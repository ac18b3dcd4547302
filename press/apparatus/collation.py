"""The index's order and letter groups in the book's language: ICU's collator
and alphabetic index, with CLDR's tailoring for that language (PyICU).

Spanish sorts "ñandú" after "nube" and gives "Ñ" a group of its own; Swedish
puts "å", "ä" and "ö" after "z"; English and French keep the root order. A
language CLDR does not tailor sorts by the root collation. The ICU library
comes inside the pinned wheel (pyicu-wheels), so the order is the same on
every machine and for every build: nothing is cached, since a collator and
its keys cost well under a millisecond.

Groups: an entry is filed under the label of its ICU bucket ("A" … "Z", "Ñ");
digits and symbols, which ICU puts before the first letter, under "#"; a word
in a script the language's alphabet does not cover, under its own first
letter (a Greek word in an English index under "Α", after "Z").
"""

from __future__ import annotations

import unicodedata

import icu

SYMBOLS = "#"


class Collation:
    """Sort keys and letter groups for one language (a BCP 47 tag: "es", "pt-BR")."""

    def __init__(self, language: str):
        locale = icu.Locale.forLanguageTag(language or "und")
        self._collator = icu.Collator.createInstance(locale)
        self._index = icu.AlphabeticIndex(locale)
        self._labels: list[tuple[str, int]] = []
        self._index.resetBucketIterator()
        while self._index.nextBucket():
            self._labels.append((self._index.bucketLabel, self._index.bucketLabelType))

    def key(self, text: str) -> bytes:
        return self._collator.getSortKey(text)

    def letter(self, text: str) -> str:
        text = text.strip()
        if not text:
            return SYMBOLS
        label, kind = self._labels[self._index.getBucketIndex(text)]
        if kind == icu.UAlphabeticIndexLabelType.UNDERFLOW:
            return SYMBOLS
        if kind == icu.UAlphabeticIndexLabelType.NORMAL:
            return label
        # Overflow or inflow: a script without labels in this language.
        first = unicodedata.normalize("NFD", text[:1])[:1].upper()
        return first if first.isalpha() else SYMBOLS


def version() -> str:
    """What the order depends on, for a build's record: PyICU's, ICU's and CLDR's versions."""
    return f"PyICU {icu.VERSION}, ICU {icu.ICU_VERSION}, Unicode {icu.UNICODE_VERSION}"

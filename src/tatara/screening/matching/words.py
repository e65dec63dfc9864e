"""The word lists normalisation reads: honorifics and titles, particles, generic company
words, words of legal forms, number words, name variants (``data/name_variants.txt``) and
weak words (``data/weak_words.yaml``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import yaml


def _wl(text: str) -> list[str]:
    """A word list written as text."""
    return text.split()


HONORIFICS: Final = frozenset(
    _wl(
        "mr mrs ms miss mister madam madame dr doctor prof professor sir dame lord lady "
        "sheikh shaikh sheik shaykh cheikh haji hajji hadji alhaj alhajji alhajj hajj mullah "
        "mulla maulana mawlana maulvi mawlawi molvi mufti qari hafiz imam ayatollah "
        "hojatoleslam president praesident prasident minister colonel captain capt lieutenant "
        "lt sergeant sgt admiral adm brigadier commander cmdr marshal rev reverend hon "
        "honourable honorable excellency herr frau monsieur mme mlle senor senora sr sra srta "
        "signor jr junior phd"
    )
)
#: Titles only when written abbreviated with a dot ("Gen. Ali" but "Huang Wang-gen"): the
#: bare words are also name parts.
DOTTED_TITLES: Final = frozenset(_wl("gen gral col maj brig lic ing eng engr arq cdr insp ph phd"))
#: Titles written as dotted initials — H.E. (His/Her Excellency), S.E. (Son Excellence) —
#: and titles in Arabic script: Hajji, Sheikh, Mullah, Mawlawi, Maulana, Qari, Hafiz, Doctor,
#: Engineer, Mr (السيد; سيد alone is also a name).
_ARABIC_TITLES: Final = """
    حاج حاجي حاجی حجي حجی الحاج شيخ شیخ الشيخ ملا مولوي مولوی مولانا قاري قاری حافظ الحافظ
    دكتور الدكتور د. مهندس المهندس السيد
"""
TITLE_WORDS: Final = frozenset(["h.e.", "h. e.", "s.e.", *_ARABIC_TITLES.split()])

PARTICLES: Final = frozenset(
    _wl(
        "al el ul bin ibn bn ben bint binti abd de da del della der den di du dos das des do "
        "la le van von vander zu y e the of and for sayed sayyid sayyed syed seyed seyyed "
        "sayid agha aga"
    )
)

GENERIC_WORDS: Final = frozenset(
    _wl(
        "companies group holding holdings international intl trading trade enterprise "
        "enterprises industries industry services service partners partnership firm"
    )
)
#: Words of legal forms, when they stay in a name because the form is not written whole or
#: in order ("Stock Company X Joint", "Joint-Stock Copany X"): they name no one.
FORM_WORDS: Final = frozenset(
    _wl(
        "company co comp corporation corp incorporated inc limited ltd liability joint stock "
        "establishment est obshchestvo obschestvo aktsionernoe aktsionernoye otvetstvennostyu "
        "ogranichennoy ogranichennoi otkrytoe zakrytoe publichnoe sociedad societe anonima "
        "anonyme responsabilidad limitada gesellschaft kompaniya sherkat sahami khass sirketi "
        "anonim tovarystvo aktsionerne"
    )
)

NUMBER_WORDS: Final = {
    "one": "1",
    "first": "1",
    "1st": "1",
    "two": "2",
    "second": "2",
    "2nd": "2",
    "three": "3",
    "third": "3",
    "3rd": "3",
    "four": "4",
    "fourth": "4",
    "4th": "4",
    "five": "5",
    "fifth": "5",
    "5th": "5",
}

_DATA: Final = Path(__file__).with_name("data")


def _load_variants() -> dict[str, str]:
    table: dict[str, str] = {}
    path = _DATA / "name_variants.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        words = line.split()
        for word in words:
            if word in table:
                raise ValueError(f"name_variants.txt: {word!r} is in two groups")
            table[word] = words[0]
    return table


VARIANTS: Final[dict[str, str]] = _load_variants()


def variant_key(token: str) -> str:
    """The token's variant-group key (``mohamed`` → ``muhammad``), else the token."""
    return VARIANTS.get(token, token)


WEAK_NAME_PART: Final = 1  # a very common given or family name
WEAK_DESCRIPTIVE: Final = 2  # a word of what a business does or where it is


def _load_weak() -> dict[str, int]:
    data: dict[str, Any] = yaml.safe_load((_DATA / "weak_words.yaml").read_text("utf-8"))
    out: dict[str, int] = {}
    for section, level in (("name_parts", WEAK_NAME_PART), ("descriptive", WEAK_DESCRIPTIVE)):
        for text in (data.get(section) or {}).values():
            for word in str(text).split():
                for w in (word, variant_key(word)):
                    out[w] = max(out.get(w, 0), level)
    return out


#: Weak words (``data/weak_words.yaml``) and their variant keys, with their kind.
WEAK_WORDS: Final[dict[str, int]] = _load_weak()

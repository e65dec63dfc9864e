"""Words of a name that are not the name: titles and honorifics (Latin and Arabic script),
generations after a name, and the Arabic article written assimilated. :mod:`.normalize`
drops or rewrites them; the word lists are in :mod:`.words`.
"""

from __future__ import annotations

from typing import Final

from .spellings import skeleton
from .words import DOTTED_TITLES, HONORIFICS

#: The Arabic article al- assimilated to a "sun letter" and written so (as-Sabirin, ar-Rahman,
#: ash-Shami, ad-Din; after a vowel u- or e-: Habib-ur-Rahman, Salah ed-Din): with a hyphen,
#: before a word that starts with that consonant, it is the article.
_SUN_LETTERS: Final = ("t", "th", "d", "dh", "r", "z", "s", "sh", "n")
_ASSIMILATED: Final = {
    v + c: ("al" if v == "a" else v + "l", c)
    for v in "aue"
    for c in _SUN_LETTERS
    # not un-N, en-N: a Korean given name is written so (Kim Un-Nam)
    if not (v != "a" and c == "n")
}


def article(parts: list[str]) -> list[str]:
    """Parts of a hyphenated word with an assimilated article written as ``al``/``ul``/``el``
    (a particle like them): ``as-sabirin`` → ``al sabirin``."""
    out = list(parts)
    for k in range(len(out) - 1):
        found = _ASSIMILATED.get(out[k])
        if found and out[k + 1].startswith(found[1]) and len(out[k + 1]) > len(found[1]):
            out[k] = found[0]
    return out


#: Religious and customary titles as Arabic script writes them without vowels, by their
#: consonant skeleton (مله and ملا Mullah, الحج al-Hajj, حفز Hafiz): only skeletons of three
#: letters or more, shorter ones are names too (ml, kr, mm).
_ABJAD_TITLES: Final = frozenset(
    k
    for k in (
        skeleton(t, abjad=True)
        for t in [
            "sheikh",
            "shaykh",
            "alhaj",
            "alhajj",
            "mullah",
            "maulana",
            "mawlana",
            "maulvi",
            "mufti",
            "hafiz",
            "ayatollah",
        ]
    )
    if len(k) >= 3
)

#: Generations written after a name (II, III, IV): dropped as Jr. is, after two words or more
#: ("DIAMOND II" keeps its number), and kept in a company's name.
GENERATIONS: Final = frozenset(("ii", "iii", "iv"))


def is_abjad_title(token: str) -> bool:
    """Whether a token romanised from Arabic script is a title, by its skeleton."""
    return skeleton(token, abjad=True, collapse=False) in _ABJAD_TITLES


def is_latin_title(token: str, dotted: bool) -> bool:
    """Whether a Latin token is an honorific (Mr, Sheikh, Jr), or a title only when written
    with a dot (Gen., Col.)."""
    return token in HONORIFICS or (dotted and token in DOTTED_TITLES)

"""The comparison forms of a token: its consonant skeletons (for names written in an abjad,
romanised without vowels, and for vowel spellings apart) and its fold (romanisation habits
folded away). Only for comparing and looking up; never shown."""

from __future__ import annotations

import re
from typing import Final

_VOWELS_RE: Final = re.compile("[aeiou]")
_ABJAD_SKEL_RE: Final = re.compile("[aeiou]|(?<!^)[wy]")
_SKEL_W_RE: Final = re.compile("[aeiou]|(?<!^)y")

_ABJAD_C_RE: Final = re.compile(r"c(?![ehiy])")


def collapse_doubles(text: str) -> str:
    """A letter written twice or more in a row, once: ``mohammed`` → ``mohamed``. (A loop,
    not ``re.sub(r"(.)\1+", r"\1", ...)``: a substitution with a group reference runs Python
    code for every match, also when compiled.)"""
    if len(text) < 2:
        return text
    out = [text[0]]
    last = text[0]
    for ch in text[1:]:
        if ch != last:
            out.append(ch)
            last = ch
    return "".join(out)


#: Folds and skeletons remembered, in plain dicts emptied when this full: a call through
#: ``functools.lru_cache`` from compiled code costs more than most folds (decision 0022).
CACHE_SIZE: Final = 262144
_FOLDED: Final[dict[str, str]] = {}
_SKELETONS: Final[list[dict[str, str]]] = [{}, {}, {}, {}]  # by abjad * 2 + collapse


def clear_caches() -> None:
    """Forget the remembered folds and skeletons."""
    _FOLDED.clear()
    for memo in _SKELETONS:
        memo.clear()


def skeleton(token: str, abjad: bool = False, collapse: bool = True) -> str:
    """Consonant skeleton (remembered; see :func:`_skeleton`)."""
    memo = _SKELETONS[(2 if abjad else 0) + (1 if collapse else 0)]
    out = memo.get(token)
    if out is None:
        if len(memo) >= CACHE_SIZE:
            memo.clear()
        out = _skeleton(token, abjad, collapse)
        memo[token] = out
    return out


def _skeleton(token: str, abjad: bool, collapse: bool) -> str:
    """Consonant skeleton: vowels dropped (for abjad comparisons also w/y after the first
    letter, which Arabic and Hebrew write for long vowels), doubled letters collapsed (not with
    ``collapse=False``: a token romanised from an abjad has no written doubles, so two equal
    letters there are two consonants — ددن ``ddn`` is Dudin, not Dan)."""
    base = _skeleton_base(token, collapse)
    if not abjad:
        return _VOWELS_RE.sub("", base)
    # ج is j or g (Egyptian Gamal); Arabic script has no p, hard c or x: a foreign name is
    # written with ب, ك and كس (Cuspert كسبرت, Alexander الكسندر)
    base = _ABJAD_C_RE.sub("k", base.replace("g", "j").replace("p", "b").replace("x", "ks"))
    return _ABJAD_SKEL_RE.sub("", base)


def skeleton_w(token: str, collapse: bool = True) -> str:
    """The abjad skeleton with و kept as the consonant it also writes (v or w: Darvish دروش,
    Marwan مروان), for a second comparison when :func:`skeleton` drops it as a long vowel."""
    base = _skeleton_base(token, collapse).replace("g", "j").replace("v", "w")
    return _SKEL_W_RE.sub("", base)


def _skeleton_base(token: str, collapse: bool = True) -> str:
    base = collapse_doubles(token) if collapse else token
    base = base.replace("kh", "h").replace("gh", "g").replace("q", "k")
    return base.replace("ph", "f").replace("ou", "u")


def skeleton_gaps(token: str) -> list[str]:
    """The letters between the consonants of ``skeleton(token, abjad=True)``: ``gaps[k]``
    follows the k-th consonant (``gaps[0]`` precedes the first). ``hsyn`` → ``["", "",
    "y", ""]``, ``hussein`` → ``["", "u", "ei", ""]``."""
    gaps = [""]
    for i, ch in enumerate(_skeleton_base(token)):
        if ch in "aeiou" or (ch in "wy" and i):
            gaps[-1] += ch
        else:
            gaps.append("")
    return gaps


_FOLDS: Final = (
    ("x", "ks"),
    ("shch", "sh"),
    ("sch", "sh"),
    ("shh", "sh"),
    ("tch", "ch"),
    ("kh", "h"),
    ("gh", "g"),
    ("dh", "d"),
    ("th", "t"),
    ("ph", "f"),
    ("ck", "k"),
    ("q", "k"),
    ("tz", "ts"),
    ("w", "v"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("ey", "ei"),
    ("ay", "ai"),
    ("y", "i"),
)
_FOLD_C_RE: Final = re.compile(r"c(?![ehiy])")
_FOLD_END_RE: Final = re.compile(r"(?:ff|ph)$")


def fold(token: str) -> str:
    """The token folded (remembered; see :func:`_fold`)."""
    out = _FOLDED.get(token)
    if out is None:
        if len(_FOLDED) >= CACHE_SIZE:
            _FOLDED.clear()
        out = _fold(token)
        _FOLDED[token] = out
    return out


def _fold(token: str) -> str:
    """A Latin token with romanisation habits folded away: ``soldatoff`` → ``soldatov``,
    ``maxim`` → ``maksim``, ``dmitriy``/``dmitrii``/``dmitry`` → ``dmitri``, ``khalid`` →
    ``halid``. Only for comparing; never shown."""
    t = _FOLD_END_RE.sub("v", token)
    for a, b in _FOLDS:
        t = t.replace(a, b)
    t = _FOLD_C_RE.sub("k", t)
    return collapse_doubles(t)

"""Similarity of two tokens: how near two words of a name are, and why.

Best first (:func:`token_similarity`):

* exact (1.0); same variant group (0.95, "mohammed ~ muhammad");
* written in an abjad on either side and the consonant skeletons agree (0.9), or differ
  by one letter (0.75) — Arabic and Hebrew romanise without short vowels. The long ī that
  Arabic script writes (ي/ی) must have an i, e or y in the Latin name at that place, else
  the skeletons count one letter apart (حسین Hossein is not Ehsan or Hasan, h-s-n all);
* within an edit budget (optimal string alignment, transpositions count one): none up to
  3 letters, 1 up to 5, 2 up to 9, 3 beyond; similarity ``1 - distance / length``, less
  ``FIRST_LETTER`` when the first letters differ;
* another name sharing most letters scores ``ENDING`` at most (a weak match): a final vowel
  apart (Antonio / Antonia) or one of them the other with the nisba -i (Mohammadi,
  Hosseini, Hamdi: family names made from Mohammad, Hossein, Hamid);
* an initial against a name starting with that letter (0.7); the pair weighs as two
  initials (the rest of the word abbreviated is neither for nor against).
"""

from __future__ import annotations

from typing import Final

from rapidfuzz.distance import OSA

from .normalize import ABJAD, LATIN, SYLLABIC
from .spellings import fold, skeleton, skeleton_gaps, skeleton_w
from .words import variant_key

TYPO_SLOPE: Final = 1.0  # similarity of a typo: 1 - TYPO_SLOPE * distance / length
FIRST_LETTER: Final = 0.05  # a typo in the first letter is rarer than elsewhere
# Another name sharing most letters - differing only in a final vowel (Antonio / Antonia,
# a gender's form) or by the nisba -i (Mohammad / Mohammadi): the weakest match there is,
# so that a two-part name with such a part stays a weak hit, never an alert on its own
# ((1 + 1 + 2 * ENDING) / 4 = 0.80 < ALERT_THRESHOLD 0.84; 0.7 gave 0.85).
ENDING: Final = 0.6
_VOWELS: Final = frozenset("aeiou")
#: A typing slip — a letter dropped, doubled or two swapped — is the commonest typo; it costs
#: less than another letter (which makes another name more often: Maria / Marta).
SLIP_SLOPE: Final = 0.6
#: Two Latin spellings that agree once romanisation habits are folded away (x/ks, -off/-ov,
#: y/i, kh/h, ou/u, w/v, ...): Soldatoff / Soldatov, Maxim / Maksim, Dmitriy / Dmitry.
FOLD_SIM: Final = 0.92
FOLD_TYPO: Final = 0.03  # a typo between folded spellings costs this much more
#: An abbreviation ("Mgmt.", "Intl", "Md.") against a word it contracts (first letter kept,
#: the rest in order): written with a dot or an apostrophe, any longer word; a bare
#: vowel-less one only a weak word (Mgmt ~ management, but KPD is not a contraction of a name).
ABBREV_SIM: Final = 0.85
MIN_TOKEN_SIM: Final = 0.6  # below this two tokens do not match at all
INITIAL_SIM: Final = 0.7  # an initial against a name with that first letter
#: Equal consonant skeletons across an abjad, by skeleton length (1, 2, 3 or more letters):
#: the longer the skeleton, the fewer names share it.
ABJAD_SIM: Final = {1: 0.7, 2: 0.82, 3: 0.93}
#: ... and a short one whose written long vowels stand where the Latin name has them.
ABJAD_MATRES_SIM: Final = 0.88
#: Equal skeletons but a long vowel written in Arabic script missing in the Latin name: most
#: often another name (حسین Hossein is not Ehsan).
LONG_VOWEL_MISSING: Final = 0.7

EXACT, VARIANT, TRANSLIT, TYPO, INITIAL_MATCH, JOINED, SPELLING, ABBREVIATION = (
    "exact",
    "variant",
    "transliteration",
    "typo",
    "initial",
    "joined",
    "spelling",
    "abbreviation",
)


_KEY_ROWS: Final = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
#: Letters next to each other on a QWERTY keyboard (same row, and the rows above and below).
_KEY_NEIGHBOURS: Final = {
    ch: "".join(
        row2[j]
        for r2, row2 in enumerate(_KEY_ROWS)
        for j in range(len(row2))
        if abs(r2 - r) <= 1 and abs(j - i) <= 1 and (r2, j) != (r, i)
    )
    for r, row in enumerate(_KEY_ROWS)
    for i, ch in enumerate(row)
}


def _slip(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are one typing slip apart: a letter dropped or doubled, two
    neighbouring letters swapped, or a key next to the right one (not any other letter in its
    place, which makes another name more often: Maria / Marta)."""
    la, lb = len(a), len(b)
    if a[0] != b[0]:
        return False  # the first letter is rarely the slip
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:  # a neighbouring key: Akkon for Alkon
            return b[diff[0]] in _KEY_NEIGHBOURS.get(a[diff[0]], "")
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    if abs(la - lb) != 1:
        return False
    short, long_ = (a, b) if la < lb else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def contracts(abbr: str, word: str) -> bool:
    """Whether ``abbr`` is a contraction of ``word``: the same first letter, at least two
    letters shorter, its letters in order within the word (mgmt ~ management, intl ~
    international, md ~ muhammad)."""
    if len(word) < len(abbr) + 2 or abbr[0] != word[0]:
        return False
    pos = 1
    for ch in abbr[1:]:
        pos = word.find(ch, pos) + 1
        if not pos:
            return False
    return True


def edit_budget(length: int) -> int:
    if length <= 3:
        return 0
    if length <= 5:
        return 1
    if length <= 9:
        return 2
    return 3


def pair_script(a: int, b: int) -> int:
    """How two tokens' scripts compare: syllabic if either is; abjad only across scripts
    (two Arabic-script words compare letter for letter, not by skeleton)."""
    if a == SYLLABIC or b == SYLLABIC:
        return SYLLABIC
    if a != b:
        return ABJAD
    return LATIN


_NOT_CONSONANT: Final = frozenset("aeiouwyh")


def _nisba(a: str, b: str) -> bool:
    """Whether one token is the other plus the suffix -i (-y, Arabic/Persian ي ی): the nisba
    that makes a family name of a given name (Mohammadi, Hosseini, Hamdi are not Mohammad,
    Hossein, Hamid). Written in an abjad the suffix is the only letter that differs
    (``mhmdy``); in Latin letters the rest may differ by a typo (Husseini ~ Hossein)."""
    for x, y in ((a, b), (b, a)):
        if len(x) >= 4 and x[-1] in "iy" and x[-2] not in _NOT_CONSONANT and y[-1] == x[-2]:
            return True
    return False


def _long_i_missing(a: str, b: str) -> bool:
    """Whether the token romanised from an abjad (the one with fewer vowels: Arabic script
    writes long vowels only) writes a long ī (ي/ی, romanised ``y``) where the Latin one has
    no i, e or y (at the end: no vowel at all, as ی also writes a final ā in Persian: موسی
    Musa). Hossein ``hsyn`` and Ehsan share the skeleton h-s-n but are other names."""
    va, vb = sum(ch in "aeiou" for ch in a), sum(ch in "aeiou" for ch in b)
    if va == vb:
        return False
    abjad, latin = (a, b) if va < vb else (b, a)
    ga, gl = skeleton_gaps(abjad), skeleton_gaps(latin)
    if len(ga) != len(gl):
        return False
    last = len(ga) - 1
    for k, gap in enumerate(ga):
        if "y" in gap and not any(ch in gl[k] for ch in ("aeiy" if k == last else "eiy")):
            return True
    return False


def _matres_agree(a: str, b: str) -> bool:
    """Whether the abjad-romanised token (fewer vowels) writes at least one long vowel — ي
    ``y``, و ``w`` — and every one of them stands where the Latin token has a vowel of that
    kind (y: i, e; w: u, o) or the same letter: علي ``ly`` and Ali, عيسى ``ysa`` and Isa. A
    short skeleton (one or two consonants) is trusted more when its long vowels agree."""
    va, vb = sum(ch in "aeiou" for ch in a), sum(ch in "aeiou" for ch in b)
    if va == vb:
        return False
    abjad, latin = (a, b) if va < vb else (b, a)
    if abjad[:1] in "wy" and latin[:1] in "aeiou" and len(abjad) > 1:
        # ع dropped before the long vowel (عيسى ysa, Isa): the letter is the first vowel
        ga = skeleton_gaps(abjad[1:])
        ga[0] = abjad[0] + ga[0]
    else:
        ga = skeleton_gaps(abjad)
    gl = skeleton_gaps(latin)
    if len(ga) != len(gl) or not any(ch in "wy" for gap in ga for ch in gap):
        return False
    last = len(ga) - 1
    for k, (gap, other) in enumerate(zip(ga, gl, strict=True)):
        for ch in gap:
            # a final ی also writes ā in Persian (موسی Musa)
            if ch == "y" and not any(v in other for v in ("aeiy" if k == last else "eiy")):
                return False
            if ch == "w" and not any(v in other for v in "uow"):
                return False
    return True


_osa: Final = OSA.distance  # bound once: an attribute look-up per call otherwise

#: Token pairs whose similarity is remembered before the memory starts afresh.
SIM_CACHE: Final = 262144


class _Memo:
    """Remembered similarities: per script, per first token, per second token (two look-ups
    of a string, no key to build: ``functools.lru_cache`` called from compiled code cost more
    than a miss's arithmetic; decision 0022). Shared by threads under the GIL: each dict
    operation is atomic, and a lost count or a row cleared while in use only forgets."""

    __slots__ = ("held", "rows")

    def __init__(self) -> None:
        self.rows: list[dict[str, dict[str, tuple[float, str]]]] = [{}, {}, {}]
        self.held = 0

    def clear(self) -> None:
        for rows in self.rows:
            rows.clear()
        self.held = 0


_MEMO: Final = _Memo()


def clear_cache() -> None:
    """Forget the remembered token similarities."""
    _MEMO.clear()


def token_similarity(
    a: str, b: str, script: int = LATIN, fold_a: str = "", fold_b: str = ""
) -> tuple[float, str]:
    """Similarity of two normalised tokens in [0, 1] and how they matched. ``script`` is the
    harder of the two tokens' scripts: ABJAD compares consonant skeletons too, SYLLABIC
    (romanised CJK/Hangul syllables, where one letter makes another name) allows no typo.
    ``fold_a`` and ``fold_b``, when given, are the tokens' :func:`.spellings.fold` (a
    normalised name and the index hold them). Remembered (:data:`SIM_CACHE` pairs)."""
    memo = _MEMO
    row = memo.rows[script].get(a)
    if row is not None:
        got = row.get(b)
        if got is not None:
            return got
    out = _similarity(a, b, script, fold_a, fold_b)
    if row is None or memo.held >= SIM_CACHE:
        if memo.held >= SIM_CACHE:
            memo.clear()
        row = {}
        memo.rows[script][a] = row
    row[b] = out
    memo.held += 1
    return out


def _similarity(a: str, b: str, script: int, fold_a: str, fold_b: str) -> tuple[float, str]:
    if a == b:
        return 1.0, EXACT
    if variant_key(a) == variant_key(b):
        return 0.95, VARIANT
    la, lb = len(a), len(b)
    if (la == 1 or lb == 1) and script != ABJAD:
        if a[0] == b[0] and not (a.isdigit() or b.isdigit()):
            return INITIAL_SIM, INITIAL_MATCH
        return 0.0, ""
    if a.isdigit() or b.isdigit():
        return 0.0, ""
    if script == SYLLABIC:
        return 0.0, ""
    best = 0.0
    how = ""
    if script == ABJAD:
        sa, sb = skeleton(a, abjad=True), skeleton(b, abjad=True)
        va, vb = sum(ch in _VOWELS for ch in a), sum(ch in _VOWELS for ch in b)
        if sa != sb:
            # the side romanised from the abjad (fewer vowels) has no written doubles: two
            # equal letters there are two consonants (ددن ddn ~ Dudin)
            if va < vb:
                sa = skeleton(a, abjad=True, collapse=False)
                if sa != sb and sa[:1] in "wy" and b[0] in "aeiou":
                    sa = sa[1:]  # ع dropped before a long vowel: عيسى ysa ~ Isa
            elif vb < va:
                sb = skeleton(b, abjad=True, collapse=False)
                if sa != sb and sb[:1] in "wy" and a[0] in "aeiou":
                    sb = sb[1:]
        if sa != sb and ("w" in a + b or "v" in a + b):
            wa, wb = skeleton_w(a, collapse=va >= vb), skeleton_w(b, collapse=vb >= va)
            if wa == wb:
                sa = sb = wa
        if sa == sb and sa and not _long_i_missing(a, b):
            sim = ABJAD_SIM[min(len(sa), 3)]
            if len(sa) < 3 and _matres_agree(a, b):
                sim = max(sim, ABJAD_MATRES_SIM)
            return (min(sim, ENDING) if _nisba(a, b) else sim), TRANSLIT
        if sa == sb and sa:
            best, how = LONG_VOWEL_MISSING, TRANSLIT  # one letter apart: the long vowel
        elif min(len(sa), len(sb)) >= 3 and _osa(sa, sb, score_cutoff=1) <= 1:
            best, how = 0.75, TRANSLIT
    fa = fb = ""
    if script == LATIN and la >= 3 and lb >= 3:
        fa = fold_a or fold(a)
        fb = fold_b or fold(b)
    folded = bool(fa) and fa == fb
    if folded and best < FOLD_SIM and not _nisba(a, b):
        best, how = FOLD_SIM, SPELLING
    longest = max(la, lb)
    budget = edit_budget(longest)
    if budget and abs(la - lb) <= budget:
        dist = _osa(a, b, score_cutoff=budget)
        if dist <= budget:
            slope = SLIP_SLOPE if dist == 1 and _slip(a, b) else TYPO_SLOPE
            sim = 1.0 - slope * dist / longest - (FIRST_LETTER if a[0] != b[0] else 0.0)
            if sim > best:
                best, how = sim, TYPO
    # a typo once romanisation habits are folded away (Vasileff / Vasilyev); when folding
    # changed neither token, the distance above was this one, at a lower cost
    if script == LATIN and best < FOLD_SIM and la >= 5 and lb >= 5 and (fa != a or fb != b):
        longest_f = max(len(fa), len(fb))
        budget_f = edit_budget(longest_f)
        if budget_f and fa != fb and abs(len(fa) - len(fb)) <= budget_f:
            dist = _osa(fa, fb, score_cutoff=budget_f)
            if dist <= budget_f:
                sim = 1.0 - TYPO_SLOPE * dist / longest_f - FOLD_TYPO
                sim -= FIRST_LETTER if a[0] != b[0] else 0.0
                if sim > best:
                    best, how = sim, SPELLING
    # the nisba adds a letter; two names of one length are a typo apart (Samri / Samir)
    if best > ENDING and (la != lb or script == ABJAD) and _nisba(a, b):
        best = ENDING
    if best > ENDING and la == lb and a[:-1] == b[:-1] and a[-1] in _VOWELS and b[-1] in _VOWELS:
        best = ENDING  # Antonio / Antonia: another person
    if best < MIN_TOKEN_SIM:
        return 0.0, ""
    return best, how

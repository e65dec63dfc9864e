"""Name normalisation for screening: one name string in, a :class:`NormName` out.

Steps, in order:

1. Unicode NFKC; CJK legal forms (株式会社, 有限公司, …) become a class token before
   transliteration, because their romanisation (``zhushihuishe``) means nothing.
2. Each word is transliterated to Latin with ``anyascii`` (CJK and Hangul come out as
   capitalised syllables, which are split into tokens), case-folded, apostrophes dropped
   (``Qa'ida`` → ``qaida``), ``&`` read as ``and``, every other non-alphanumeric character a
   separator. Words written in an abjad (Arabic, Hebrew, Persian, Urdu) are marked: their
   romanisation has no vowels, so the scorer compares them by consonant skeleton.
3. Honorifics and titles (Mr, Dr, Sheikh, Haji, President, …) are dropped; legal forms
   (Ltd, LLC, OOO, GmbH, JSC, "joint stock company", S.A., …) are removed from the tokens
   and kept apart as class tokens (``@ltd``, ``@jsc``, …) — a hint, never a match on their own.
4. Every token gets a class — ordinary, particle (al, bin, de, van, …), generic company word
   (company, group, holding, …, and the words of legal forms left over when the form is not
   written whole or in order: joint, stock, obshchestvo, …), initial (one letter) or
   number — and a *variant key*: the
   first spelling of its group in ``data/name_variants.txt`` (Mohammed, Muhamad → muhammad),
   else the token itself.

Word order is not kept as meaning: the scorer aligns tokens as a set.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from anyascii import anyascii

# --- token classes ---------------------------------------------------------------------

NORMAL = 0
PARTICLE = 1
GENERIC = 2
INITIAL = 3
NUMBER = 4

# scripts a token was written in, as far as matching cares
LATIN = 0  # Latin and other alphabets (Cyrillic, Greek, …): romanised letter for letter
ABJAD = 1  # Arabic, Hebrew, Persian, Urdu: romanised without vowels
SYLLABIC = 2  # Chinese, Japanese, Korean: romanised syllable by syllable

HONORIFICS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "mister",
        "madam",
        "madame",
        "dr",
        "doctor",
        "prof",
        "professor",
        "sir",
        "dame",
        "lord",
        "lady",
        "sheikh",
        "shaikh",
        "sheik",
        "shaykh",
        "cheikh",
        "haji",
        "hajji",
        "hadji",
        "alhaj",
        "alhajji",
        "hajj",
        "mullah",
        "mulla",
        "maulana",
        "mawlana",
        "maulvi",
        "mawlawi",
        "molvi",
        "mufti",
        "qari",
        "hafiz",
        "imam",
        "ayatollah",
        "hojatoleslam",
        "president",
        "praesident",
        "prasident",
        "minister",
        "colonel",
        "col",
        "captain",
        "capt",
        "lieutenant",
        "lt",
        "sergeant",
        "sgt",
        "admiral",
        "adm",
        "brigadier",
        "commander",
        "cmdr",
        "marshal",
        "rev",
        "reverend",
        "hon",
        "honourable",
        "honorable",
        "excellency",
        "herr",
        "frau",
        "monsieur",
        "mme",
        "mlle",
        "senor",
        "senora",
        "sr",
        "sra",
        "signor",
    ]
)

PARTICLES = frozenset(
    [
        "al",
        "el",
        "ul",
        "bin",
        "ibn",
        "bn",
        "ben",
        "bint",
        "binti",
        "abd",
        "de",
        "da",
        "del",
        "della",
        "der",
        "den",
        "di",
        "du",
        "dos",
        "das",
        "des",
        "do",
        "la",
        "le",
        "van",
        "von",
        "vander",
        "zu",
        "y",
        "e",
        "the",
        "of",
        "and",
        "for",
    ]
)

GENERIC_WORDS = frozenset(
    [
        "company",
        "companies",
        "co",
        "corporation",
        "corp",
        "incorporated",
        "group",
        "holding",
        "holdings",
        "international",
        "intl",
        "trading",
        "trade",
        "enterprise",
        "enterprises",
        "industries",
        "industry",
        "services",
        "service",
        "limited",
        "partners",
        "partnership",
        "firm",
        "establishment",
        "est",
        # words of legal forms, left over when the form is not written whole or in order
        # ("Stock Company X Joint", "Joint-Stock Copany X"): they name no one
        "joint",
        "stock",
        "liability",
        "obshchestvo",
        "aktsionernoe",
        "aktsionernoye",
        "otvetstvennostyu",
        "ogranichennoy",
        "ogranichennoi",
    ]
)

# Legal forms: token sequences → class token. Multi-letter forms are removed anywhere in the
# name; sequences of single letters (``s a`` from "S.A.") only at the end, where they cannot
# be a person's initials.
_LEGAL_FORMS: dict[str, tuple[str, ...]] = {
    "@ltd": (
        "ltd",
        "limited",
        "llc",
        "llp",
        "lp",
        "plc",
        "pty",
        "pte",
        "ooo",
        "tov",
        "too",
        "gmbh",
        "mbh",
        "kg",
        "ug",
        "sarl",
        "srl",
        "sro",
        "sp z o o",
        "spzoo",
        "kk",
        "kabushiki kaisha",
        "yugen kaisha",
        "godo kaisha",
        "limited liability company",
        "limited liability partnership",
        "private limited company",
        "public limited company",
        "obshchestvo s ogranichennoy otvetstvennostyu",
        "societatea cu raspundere limitata",
        "sdn bhd",
        "bhd",
        "co ltd",
        "l l c",
        "l l p",
        "l p",
        "p l c",
        "o o o",
        "s r l",
        "s r o",
        "s a r l",
    ),
    "@jsc": (
        "jsc",
        "ojsc",
        "cjsc",
        "pjsc",
        "oao",
        "zao",
        "pao",
        "ao",
        "ooo",
        "joint stock company",
        "open joint stock company",
        "closed joint stock company",
        "public joint stock company",
        "aktsionernoe obshchestvo",
        "aktsionernoye obshchestvo",
        "otkrytoe aktsionernoe obshchestvo",
        "zakrytoe aktsionernoe obshchestvo",
        "publichnoe aktsionernoe obshchestvo",
        "j s c",
    ),
    "@ag": (
        "ag",
        "aktiengesellschaft",
        "sa",
        "spa",
        "nv",
        "bv",
        "asa",
        "oy",
        "oyj",
        "kft",
        "zrt",
        "sociedad anonima",
        "societe anonyme",
        "s a",
        "s p a",
        "n v",
        "b v",
        "a g",
    ),
    "@inc": ("inc", "incorporated", "corp", "i n c"),
}

# Multi-token sequences that start with single letters are only legal forms at the end.
_LEGAL_SEQ: dict[tuple[str, ...], str] = {}
for _cls, _forms in _LEGAL_FORMS.items():
    for _form in _forms:
        _LEGAL_SEQ.setdefault(tuple(_form.split()), _cls)
_LEGAL_MAX = max(len(k) for k in _LEGAL_SEQ)

# Legal forms written in CJK: replaced before transliteration.
_CJK_LEGAL = (
    ("股份有限公司", "@ltd"),
    ("有限责任公司", "@ltd"),
    ("有限責任公司", "@ltd"),
    ("有限公司", "@ltd"),
    ("株式会社", "@ltd"),
    ("有限会社", "@ltd"),
    ("合同会社", "@ltd"),
    ("(株)", "@ltd"),
    ("㈱", "@ltd"),
    ("주식회사", "@ltd"),
    ("公司", "@ltd"),
)

_NUMBER_WORDS = {
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


def _load_variants() -> dict[str, str]:
    table: dict[str, str] = {}
    path = Path(__file__).with_name("data") / "name_variants.txt"
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


VARIANTS: dict[str, str] = _load_variants()


def variant_key(token: str) -> str:
    """The token's variant-group key (``mohamed`` → ``muhammad``), else the token."""
    return VARIANTS.get(token, token)


# --- scripts -------------------------------------------------------------------------------

_ABJAD_RE = re.compile(
    "[\u0590-\u05ff\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]"
)
_SYLLABIC_RE = re.compile(
    "[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)
_CAMEL_RE = re.compile(r"(?<=[a-z])(?=[A-Z])")
_APOSTROPHES_RE = re.compile("['`´‘’ʻʼʿʾ\u02bc\u02bb]")
_SPLIT_RE = re.compile(r"[^0-9a-z@]+")
_VOWELS_RE = re.compile("[aeiou]")
_ABJAD_SKEL_RE = re.compile("[aeiou]|(?<!^)[wy]")
_DOUBLE_RE = re.compile(r"(.)\1+")


def skeleton(token: str, abjad: bool = False) -> str:
    """Consonant skeleton: vowels dropped (for abjad comparisons also w/y after the first
    letter, which Arabic and Hebrew write for long vowels), doubled letters collapsed."""
    base = _skeleton_base(token)
    return _ABJAD_SKEL_RE.sub("", base) if abjad else _VOWELS_RE.sub("", base)


def _skeleton_base(token: str) -> str:
    base = _DOUBLE_RE.sub(r"\1", token)
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


@dataclass(frozen=True, slots=True)
class NormName:
    """A normalised name: parallel tuples, one entry per token."""

    original: str
    tokens: tuple[str, ...]
    keys: tuple[str, ...]  # variant keys
    classes: tuple[int, ...]
    scripts: tuple[int, ...]  # LATIN, ABJAD or SYLLABIC per token
    legal: tuple[str, ...]  # class tokens of removed legal forms, e.g. ("@ltd",)
    honorifics: tuple[str, ...]

    @property
    def compact(self) -> str:
        return "".join(self.tokens)

    @property
    def is_empty(self) -> bool:
        return not self.tokens


def _transliterate_word(word: str) -> tuple[list[str], int]:
    if word.startswith("@"):
        return [word], LATIN
    script = ABJAD if _ABJAD_RE.search(word) else LATIN
    latin = anyascii(word)
    if _SYLLABIC_RE.search(word):
        latin = _CAMEL_RE.sub(" ", latin)
        script = SYLLABIC
    latin = _APOSTROPHES_RE.sub("", latin.replace("&", " and ")).casefold()
    return [t for t in _SPLIT_RE.split(latin) if t], script


def _strip_legal(tokens: list[str], scripts: list[int]) -> tuple[list[str], list[int], list[str]]:
    legal: list[str] = []
    out: list[str] = []
    out_scripts: list[int] = []
    i = 0
    n = len(tokens)
    while i < n:
        if tokens[i].startswith("@"):
            legal.append(tokens[i])
            i += 1
            continue
        matched = 0
        for size in range(min(_LEGAL_MAX, n - i), 0, -1):
            seq = tuple(tokens[i : i + size])
            cls = _LEGAL_SEQ.get(seq)
            if cls is None:
                continue
            if len(seq[0]) == 1 and i + size != n:
                continue  # single letters only as a trailing legal form
            if size == 1 and n == 1:
                continue  # "AG" alone stays a name
            legal.append(cls)
            matched = size
            break
        if matched:
            i += matched
        else:
            out.append(tokens[i])
            out_scripts.append(scripts[i])
            i += 1
    if not out:  # a name that is only a legal form: keep the words
        keep = [i for i, t in enumerate(tokens) if not t.startswith("@")]
        return [tokens[i] for i in keep], [scripts[i] for i in keep], legal
    return out, out_scripts, legal


def token_class(token: str, script: int = LATIN) -> int:
    if token.isdigit():
        return NUMBER
    if len(token) == 1 and script == LATIN:
        return INITIAL
    if token in PARTICLES:
        return PARTICLE
    if token in GENERIC_WORDS:
        return GENERIC
    return NORMAL


@lru_cache(maxsize=65536)
def normalize(name: str) -> NormName:
    """Normalise one name (see the module docstring)."""
    text = unicodedata.normalize("NFKC", name)
    for form, cls in _CJK_LEGAL:
        if form in text:
            text = text.replace(form, f" {cls} ")
    tokens: list[str] = []
    scripts: list[int] = []
    for word in text.split():
        parts, script = _transliterate_word(word)
        tokens.extend(parts)
        scripts.extend([script] * len(parts))
    # honorifics (written in Latin letters): dropped unless they are the whole name
    honorific = [t in HONORIFICS and scripts[i] == LATIN for i, t in enumerate(tokens)]
    honorifics = [t for i, t in enumerate(tokens) if honorific[i]]
    if honorifics and len(honorifics) < len(tokens):
        keep = [i for i in range(len(tokens)) if not honorific[i]]
        tokens = [tokens[i] for i in keep]
        scripts = [scripts[i] for i in keep]
    else:
        honorifics = []
    tokens, scripts, legal = _strip_legal(tokens, scripts)
    tokens = [_NUMBER_WORDS.get(t, t) for t in tokens]
    # a name made of initials only ("A.B.C.") reads as one token ("abc")
    if len(tokens) > 1 and all(len(t) == 1 and t.isalpha() for t in tokens):
        tokens = ["".join(tokens)]
        scripts = [max(scripts)]
    return NormName(
        original=name,
        tokens=tuple(tokens),
        keys=tuple(variant_key(t) for t in tokens),
        classes=tuple(token_class(t, s) for t, s in zip(tokens, scripts, strict=True)),
        scripts=tuple(scripts),
        legal=tuple(sorted(set(legal))),
        honorifics=tuple(honorifics),
    )

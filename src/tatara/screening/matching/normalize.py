"""Name normalisation for screening: one name string in, a :class:`NormName` out.

Steps, in order:

1. Unicode NFKC; legal forms written in CJK or Hangul (株式会社, 有限公司, 주식회사, …) become a
   class token before transliteration, because their romanisation means nothing.
2. The name is cut into words at spaces. A word written as dotted letters that spell a legal
   form is read without its dots ("L.L.C." → ``llc``, "S.A." → ``sa``); other dotted letters
   stay initials ("M.F." → ``m f``). A form typed onto the last word is split off it
   ("FREGATOOO" → ``fregat`` + form). Each word is transliterated to Latin with ``anyascii``
   (CJK and Hangul come out as capitalised syllables, which are split into tokens),
   case-folded, apostrophes dropped (``Qa'ida`` → ``qaida``), ``&`` read as ``and``, every
   other non-alphanumeric character a separator. Words written in an abjad (Arabic, Hebrew,
   Persian, Urdu) are marked: their romanisation has no vowels, so the scorer compares them by
   consonant skeleton. A word written with a final dot, or a short Latin word without vowels
   after its first letter ("Mgmt", "Intl"), is marked *abbreviated*: the scorer lets it
   stand for a longer word it contracts.
3. Honorifics and titles (Mr, Dr, Sheikh, Haji, President, Jr, and — written with a dot —
   Gen., Col., Lic., Ing., …) are dropped unless they are the whole name. Legal forms, as
   listed in ``data/legal_forms.yaml`` (:mod:`.legal_forms`), are taken off the end of the
   name, off its start when the form is written first in its country (OOO X, PT X), and out of
   the middle when they are unambiguous abbreviations; they are kept apart as class tokens
   (``@limited``, ``@stock``, …) — a hint, never a match on their own.
4. Every token gets a class — ordinary, particle (al, bin, de, van, sayed, …), generic company
   word (company, group, holding, …, and the words of legal forms left over when the form is
   not written whole or in order: joint, stock, obshchestvo, …), initial (one letter) or
   number — a *variant key*: the first spelling of its group in ``data/name_variants.txt``
   (Mohammed, Muhamad → muhammad), else the token itself — and a *weak* flag: the token is
   one of the weak words of ``data/weak_words.yaml`` (very common given and family names,
   words of what a business does), by itself or by its variant key.

Word order is not kept as meaning: the scorer aligns tokens as a set.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from anyascii import anyascii
from rapidfuzz.distance import OSA

from . import legal_forms
from .spellings import clear_caches as clear_spelling_caches
from .spellings import fold
from .titles import GENERATIONS, article, is_abjad_title, is_latin_title
from .words import (
    FORM_WORDS,
    GENERIC_WORDS,
    NUMBER_WORDS,
    PARTICLES,
    TITLE_WORDS,
    WEAK_WORDS,
    variant_key,
)

# --- token classes ---------------------------------------------------------------------

NORMAL: Final = 0
PARTICLE: Final = 1
GENERIC: Final = 2
INITIAL: Final = 3
NUMBER: Final = 4
FORM_WORD: Final = 5  # a word of a legal form left in the name ("Liability Company X Limited")

# scripts a token was written in, as far as matching cares
LATIN: Final = 0  # Latin and other alphabets (Cyrillic, Greek, …): romanised letter for letter
ABJAD: Final = 1  # Arabic, Hebrew, Persian, Urdu: romanised without vowels
SYLLABIC: Final = 2  # Chinese, Japanese, Korean: romanised syllable by syllable


# --- scripts -------------------------------------------------------------------------------

_ABJAD_RE: Final = re.compile(
    "[\u0590-\u05ff\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]"
)
_SYLLABIC_RE: Final = re.compile(
    "[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)
_CAMEL_RE: Final = re.compile(r"(?<=[a-z])(?=[A-Z])")
_APOSTROPHES_RE: Final = re.compile("['`´‘’ʻʼʿʾ\u02bc\u02bb]")
_SPLIT_RE: Final = re.compile(r"[^0-9a-z@]+")
_VOWELS_RE: Final = re.compile("[aeiou]")
#: Letters and dots only, a dot after every one to three letters: "L.L.C.", "S.A", "G.m.b.H.".
_DOTTED_RE: Final = re.compile(r"^(?:[^\W\d_]{1,3}\.)+[^\W\d_]{0,3}\.?$")
_AMPERSAND_LETTERS_RE: Final = re.compile(r"^[^\W\d_](?:&[^\W\d_])+$")
#: An apostrophe contraction: Nat'l, Int'l, Gov't.
_CONTRACTION_RE: Final = re.compile(r"^[^\W\d_]{3,}['’][lt]$")
_EDGE_PUNCT: Final = "\"'«»“”„‘’()[]{},;:!?"


@dataclass(frozen=True, slots=True)
class NormName:
    """A normalised name: parallel tuples, one entry per token."""

    original: str
    tokens: tuple[str, ...]
    keys: tuple[str, ...]  # variant keys
    classes: tuple[int, ...]
    scripts: tuple[int, ...]  # LATIN, ABJAD or SYLLABIC per token
    legal: tuple[str, ...]  # class tokens of removed legal forms, e.g. ("@limited",)
    honorifics: tuple[str, ...]
    #: per token: 2 written abbreviated (a final dot, an apostrophe contraction: "Mgmt.",
    #: "Nat'l"), 1 shaped like one (a short Latin word without vowels: "Intl", also "KPD"), 0
    abbreviated: tuple[int, ...] = ()
    weak: tuple[int, ...] = ()  # WEAK_NAME_PART, WEAK_DESCRIPTIVE or 0 (data/weak_words.yaml)
    folds: tuple[str, ...] = ()  # fold() of each token (Latin-letter spellings compared)
    has_short: bool = False  # a token of three letters or fewer (may be glued to the next)

    @property
    def compact(self) -> str:
        return "".join(self.tokens)

    @property
    def is_empty(self) -> bool:
        return not self.tokens


# --- words ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Token:
    text: str
    script: int
    dotted: bool = False  # the word it ends ended with a dot
    abbreviated: int = 0


_ARABIC_ARTICLE_RE: Final = re.compile("^(?:ال|اَل)(?=\\w{3})")


#: Alif writes a long ā (اسما Asma, اغا Agha) or carries a hamza (أ a, إ i): a letter, where
#: anyascii writes nothing (اسما "sm").
_ALIF: Final = str.maketrans({"ا": "a", "آ": "a", "أ": "a", "إ": "i"})


def _transliterate(word: str) -> tuple[list[str], int]:
    if word.startswith("@"):
        return [word], LATIN
    script = ABJAD if _ABJAD_RE.search(word) else LATIN
    if script == ABJAD and _ARABIC_ARTICLE_RE.match(word):
        # Arabic writes the article joined to its word: الجبوري is al-Jiburi
        rest, _ = _transliterate(_ARABIC_ARTICLE_RE.sub("", word))
        return ["al", *rest], ABJAD
    latin = anyascii(word.translate(_ALIF) if script == ABJAD else word)
    if _SYLLABIC_RE.search(word):
        latin = _CAMEL_RE.sub(" ", latin)
        script = SYLLABIC
    latin = _APOSTROPHES_RE.sub("", latin.replace("&", " and ")).casefold()
    return [t for t in _SPLIT_RE.split(latin) if t], script


def _plain_tokens(text: str) -> tuple[str, ...]:
    """A legal-form spelling as name tokens (dotted letters read without their dots)."""
    out: list[str] = []
    for word in text.split():
        core = word.strip(_EDGE_PUNCT)
        if _DOTTED_RE.match(core):
            word = core.replace(".", "")
        out.extend(_transliterate(word)[0])
    return tuple(out)


# --- legal forms (data/legal_forms.yaml) ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _FormRule:
    cls: str
    front: bool
    anywhere: bool


def _form_tables() -> tuple[
    dict[tuple[str, ...], _FormRule],
    list[tuple[str, str]],
    list[tuple[str, str]],
    frozenset[str],
    int,
]:
    data = legal_forms.load()
    seqs: dict[tuple[str, ...], _FormRule] = {}
    cjk: list[tuple[str, str]] = []
    glued: dict[str, str] = {}
    for form in data.forms:
        cls = "@" + form.cls
        for variant in form.variants:
            variant = unicodedata.normalize("NFKC", variant)  # ㈱ is (株)
            if _SYLLABIC_RE.search(variant):
                cjk.append((variant, cls))
                continue
            tokens = _plain_tokens(variant)
            if not tokens:
                continue
            rule = seqs.get(tokens)
            if rule is None or (form.front and not rule.front):
                # a spelling shared by two forms (LLC for OOO and for LLC) takes the first
                # form's class; being allowed in front or anywhere is the union
                cls_kept = rule.cls if rule else cls
                seqs[tokens] = _FormRule(
                    cls_kept,
                    form.front or bool(rule and rule.front),
                    form.anywhere or bool(rule and rule.anywhere),
                )
            elif form.anywhere and not rule.anywhere:
                seqs[tokens] = _FormRule(rule.cls, rule.front, True)
            if form.glued and len(tokens) == 1 and len(tokens[0]) >= 3:
                glued.setdefault(tokens[0], cls)
    # two neighbouring words of a spelling written as one ("Open Jointstock Company",
    # "Aktsionernoeobshchestvo"): the same form, when the glued word is long enough not to
    # be a name
    for tokens, rule in list(seqs.items()):
        for k in range(len(tokens) - 1):
            joined = tokens[k] + tokens[k + 1]
            if min(len(tokens[k]), len(tokens[k + 1])) >= 3 and len(joined) >= 8:
                seqs.setdefault((*tokens[:k], joined, *tokens[k + 2 :]), rule)
    words = frozenset(t for seq in seqs for t in seq if len(t) >= 2)
    cjk.sort(key=lambda fc: -len(fc[0]))
    glued_list = sorted(glued.items(), key=lambda sc: -len(sc[0]))
    return seqs, cjk, glued_list, words, data.glued_rest


_FORMS, _CJK_FORMS, _GLUED_FORMS, _FORM_WORDS, _GLUED_REST = _form_tables()
_GLUED_BY_SUFFIX: Final = dict(_GLUED_FORMS)
_GLUED_SIZES: Final = sorted({len(suffix) for suffix in _GLUED_BY_SUFFIX}, reverse=True)
_FORM_MAX: Final = max(len(k) for k in _FORMS)
#: The same spellings folded (Kompany, Korp., Stokk), and with one long word left out, for
#: a typo in one word of five letters or more ("Limitd", "Joint Tsock Company").
_FORMS_FOLDED: Final[dict[tuple[str, ...], _FormRule]] = {}
_FORMS_FUZZY: Final[dict[tuple[str, ...], list[tuple[str, _FormRule]]]] = {}


def _form_fold(token: str) -> str:
    """Folded for legal-form look-ups; words under four letters as they are (ko is not Co)."""
    return fold(token) if len(token) >= 4 else token


for _seq, _rule in _FORMS.items():
    _folded = tuple(_form_fold(t) for t in _seq)
    _FORMS_FOLDED.setdefault(_folded, _rule)
    for _p, _t in enumerate(_folded):
        if len(_seq[_p]) >= 5:
            _key = (*_folded[:_p], "*", *_folded[_p + 1 :])
            _FORMS_FUZZY.setdefault(_key, []).append((_t, _rule))
            if _seq[_p] != _t:  # and as written (obchchestvo is a letter from obshchestvo)
                _FORMS_FUZZY[_key].append((_seq[_p], _rule))


#: First words of the spellings (as written and folded): no form starts with any other word
#: unless that word is the misspelt one.
_FORM_START: Final = frozenset(seq[0] for seq in _FORMS) | frozenset(
    seq[0] for seq in _FORMS_FOLDED
)
_FORM_TOKENS: Final = frozenset(t for seq in _FORMS_FOLDED for t in seq)


@lru_cache(maxsize=262144)
def _form_rule(seq: tuple[str, ...], fuzzy: bool = True) -> _FormRule | None:
    """The legal form spelt by ``seq``: as written, folded, or (``fuzzy``) with one word of
    five letters or more misspelt by one letter (two in a word of ten or more)."""
    if (
        seq[0] not in _FORM_START
        and (not fuzzy or len(seq[0]) < 5)
        and _form_fold(seq[0]) not in _FORM_START
    ):
        return None
    rule = _FORMS.get(seq)
    if rule is not None:
        return rule
    folded = tuple(_form_fold(t) for t in seq)
    rule = _FORMS_FOLDED.get(folded)
    if rule is not None or not fuzzy:
        return rule
    if sum(t not in _FORM_TOKENS for t in folded) > 1:
        return None  # a misspelling is one word; the others must be words of forms
    for p, t in enumerate(folded):
        if len(seq[p]) < 5:
            continue
        budget = 2 if len(t) >= 10 else 1  # Otvectvennostyu, Akcionernoe: two letters off
        lt, lw = len(t), len(seq[p])
        for target, rule in _FORMS_FUZZY.get((*folded[:p], "*", *folded[p + 1 :]), ()):
            # the word as written too: folding can move a typo further off (jxoint folds
            # to jksoint, two letters from joint); lengths further apart than the budget are
            # further apart than the budget (a one-word query meets 135 one-word forms)
            lg = len(target)
            if (
                abs(lt - lg) <= budget and OSA.distance(t, target, score_cutoff=budget) <= budget
            ) or (
                abs(lw - lg) <= budget
                and OSA.distance(seq[p], target, score_cutoff=budget) <= budget
            ):
                return rule
    return None


def legal_form_class(name: str) -> str | None:
    """The class token of ``name`` if it is a legal form spelling as a whole (for tests and
    the docs), else None."""
    rule = _FORMS.get(_plain_tokens(name))
    return rule.cls if rule else None


def _words(text: str) -> list[_Token]:
    """Tokens of the name's words, with their dots and abbreviations marked."""
    raw = text.split()
    out: list[_Token] = []
    last_word = len(raw) - 1
    for wi, word in enumerate(raw):
        if word.isascii() and word.isalpha() and (wi < last_word or not _maybe_glued(word)):
            out.append(_Token(word.casefold(), LATIN))  # the common case: a plain word
            continue
        if word.startswith("@"):
            out.append(_Token(word, LATIN))
            continue
        core = word.strip(_EDGE_PUNCT)
        dotted = core.endswith(".")
        if core.casefold() in TITLE_WORDS:
            out.append(_Token("@title", LATIN))
            continue
        if _DOTTED_RE.match(core):
            collapsed = core.replace(".", "")
            parts, script = _transliterate(collapsed)
            # two dotted letters first in a name are more likely initials ("A.S. Khan")
            if len(parts) == 1 and parts[0] in _FORM_WORDS and (len(parts[0]) > 2 or wi):
                out.append(_Token(parts[0], script, dotted))
                continue
        if wi == len(raw) - 1:
            glued = _split_glued(core)
            if glued:
                rest, cls = glued
                for t in _transliterate(rest)[0]:
                    out.append(_Token(t, LATIN))
                out.append(_Token(cls, LATIN))
                continue
        if _AMPERSAND_LETTERS_RE.match(core):
            word = core.replace("&", "")  # I&S, A&A: one name, not "i and s"
        parts, script = _transliterate(word)
        if "-" in word and len(parts) > 1:
            parts = article(parts)
        contracted = bool(_CONTRACTION_RE.search(core))
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            out.append(_Token(part, script, dotted and last, 2 if contracted and last else 0))
    for token in out:
        token.abbreviated = max(token.abbreviated, _looks_abbreviated(token))
    return out


def _split_glued(word: str) -> tuple[str, str] | None:
    """("FREGAT", "@limited") for "FREGATOOO": a glued-on legal form (``glued: true`` in the
    data) with at least ``glued_rest`` letters or digits before it in the word's last part
    ("OSTEC-TESTLTD", "2016EOOD"); None otherwise. The text before the form is returned."""
    dotted = _dotted_form(word)
    if dotted:
        return dotted
    plain = _APOSTROPHES_RE.sub("", anyascii(word)).casefold().replace(".", "")
    head, sep, last = plain.rpartition("-")
    if not last.isalnum() or last in _FORM_WORDS:
        return None
    for size in _GLUED_SIZES:
        cls = _GLUED_BY_SUFFIX.get(last[-size:])
        if cls and len(last) - size >= _GLUED_REST:
            return head + sep + last[:-size], cls
    return None


def _dotted_form(word: str) -> tuple[str, str] | None:
    """("internacional", "@stock") for "INTERNACIONAL.SA", ("domano", "@limited") for
    "Domanos.r.l.": a legal form (any of the data's one-word spellings) written after a dot
    in the same word, or with its first letter glued on before its dots; at least
    ``glued_rest`` letters before it."""
    low = _APOSTROPHES_RE.sub("", anyascii(word)).casefold()
    dot = low.find(".")
    if dot < _GLUED_REST:
        return None
    for head, tail in ((low[:dot], low[dot + 1 :]), (low[: dot - 1], low[dot - 1 :])):
        compact = tail.replace(".", "")
        if len(head) < _GLUED_REST or not head.isalpha() or not compact.isalpha():
            continue
        if not _DOTTED_TAIL_RE.match(tail) and "." in tail.rstrip("."):
            continue
        rule = _FORMS.get((compact,))
        if rule is not None:
            return head, rule.cls
    return None


#: A form's letters after the dot: dotted ("s.r.l.", "r.l.") or plain ("sa", "ltd.")
_DOTTED_TAIL_RE: Final = re.compile(r"^(?:[a-z]\.)+[a-z]?$")


def _maybe_glued(word: str) -> bool:
    """A quick look: could a glued legal form end this (plain) word?"""
    low = word.casefold()
    return any(low[-size:] in _GLUED_BY_SUFFIX for size in _GLUED_SIZES)


def _looks_abbreviated(token: _Token) -> int:
    """2 for a Latin word of 2–6 letters written with a final dot ("Mgmt.", "Found."); 1 for
    one of 3–5 letters with no vowel after its first letter ("Intl", "Mfg", "Trdg"); else 0."""
    t = token.text
    if token.script != LATIN or not t.isalpha() or t.startswith("@"):
        return 0
    if token.dotted and 2 <= len(t) <= 6:
        return 2
    return int(3 <= len(t) <= 5 and not _VOWELS_RE.search(t[1:]) and "y" not in t[1:])


def _strip_legal(tokens: list[_Token]) -> tuple[list[_Token], list[str]]:
    """Take legal forms off the end (repeatedly), off the start (forms written first) and out
    of the middle (unambiguous ones); see data/legal_forms.yaml for the rules."""
    legal = [t.text for t in tokens if t.text.startswith("@")]
    words = [t for t in tokens if not t.text.startswith("@")]

    def match_at(i: int, fuzzy: bool = True) -> tuple[int, _FormRule] | None:
        n = len(words)
        first = words[i].text
        if not fuzzy and first not in _FORM_START and _form_fold(first) not in _FORM_START:
            return None
        for size in range(min(_FORM_MAX, n - i), 0, -1):
            seq = tuple(w.text for w in words[i : i + size])
            rule = _form_rule(seq, fuzzy)
            if rule is None:
                continue
            if len(seq[0]) == 1 and i + size != n and size < 3:
                continue  # single letters only as a trailing legal form (or a long one)
            return size, rule
        return None

    changed = True
    while changed and len(words) > 1:
        changed = False
        n = len(words)
        # a form spelt in single letters at the end ("Kvt-Rus, L L C", "S R L"): three
        # letters or more, so that a person's two initials stay initials (SMITH A B)
        spaced = _spaced_form(words)
        if spaced:
            legal.append(spaced[1].cls)
            del words[n - spaced[0] :]
            changed = True
            continue
        # the end: longest form ending at the last token
        for size in range(min(_FORM_MAX, n - 1), 0, -1):
            rule = _form_rule(tuple(w.text for w in words[n - size :]), True)
            if rule is None:
                continue
            if not _short_and_bare(words[n - size :], n - size):
                legal.append(rule.cls)
                del words[n - size :]
                changed = True
            break
        if changed:
            continue
        found = match_at(0)
        if found and found[1].front and found[0] < len(words):
            size, rule = found
            if _short_and_bare(words[:size], len(words) - size):
                break
            legal.append(rule.cls)
            del words[:size]
            changed = True
    # unambiguous forms anywhere in the middle
    i = 1
    while i < len(words) - 1:
        found = match_at(i, fuzzy=False)
        if found and found[1].anywhere and len(words[i].text) > 1:
            size, rule = found
            legal.append(rule.cls)
            del words[i : i + size]
            continue
        i += 1
    if not words:  # cannot happen (a form is never the whole name), kept for safety
        return [t for t in tokens if not t.text.startswith("@")], legal
    return words, legal


def _spaced_form(words: list[_Token]) -> tuple[int, _FormRule] | None:
    """(number of words, form) when the name ends in three or more single letters, not the
    whole name, that spell a legal form together (l l c → LLC)."""
    size = 0
    while size < len(words) - 1 and len(words[-1 - size].text) == 1:
        size += 1
    if size < 3:
        return None
    rule = _FORMS.get(("".join(w.text for w in words[len(words) - size :]),))
    return (size, rule) if rule else None


def _short_and_bare(form: list[_Token], remaining: int) -> bool:
    """A two-letter form without dots that would leave a single word ("RI SA", "AO ERA"
    stays as it is: the name may be a person's, or the form the only other word)."""
    return remaining <= 1 and len(form) == 1 and len(form[0].text) <= 2 and not form[0].dotted


def _is_honorific(token: _Token) -> bool:
    if token.script == ABJAD:
        return is_abjad_title(token.text)
    return token.script == LATIN and is_latin_title(token.text, token.dotted)


def token_class(token: str, script: int = LATIN) -> int:
    if token.isdigit():
        return NUMBER
    if len(token) == 1 and script == LATIN:
        return INITIAL
    if token in PARTICLES:
        return PARTICLE
    if token in FORM_WORDS or token in _FORM_WORDS_LEFT:
        return FORM_WORD
    if token in GENERIC_WORDS:
        return GENERIC
    return NORMAL


#: Short legal-form words left in a name as words ("RI SA", "HOLDING COMPANY SAL SHAM").
_FORM_WORDS_LEFT: Final = frozenset(
    seq[0] for seq in _FORMS if len(seq) == 1 and 2 <= len(seq[0]) <= 5 and seq[0].isalpha()
)


@lru_cache(maxsize=65536)
def normalize(name: str) -> NormName:
    """Normalise one name (see the module docstring)."""
    text = unicodedata.normalize("NFKC", name)
    for form, cls in _CJK_FORMS:
        if form in text:
            text = text.replace(form, f" {cls} ")
    tokens = _words(text)
    # honorifics (written in Latin letters): dropped unless they are the whole name
    honorific = [_is_honorific(t) or t.text == "@title" for t in tokens]
    if len(tokens) >= 3 and tokens[-1].text in GENERATIONS:
        honorific[-1] = True  # ANDREW NYAMVUMBA II: a generation, as Jr. is
    if (
        any(honorific)
        and not all(honorific)
        and _strip_legal([t for t in tokens if t.text != "@title"])[1]
    ):
        # a company's name: "Junior", "Imam", "Captain" are words of it (JUNIOR INTERNATIONAL
        # S.A., CAPTAIN SHIPPING LTD), not a person's title
        honorific = [t.text == "@title" for t in tokens]
    if any(honorific) and not all(honorific):
        honorifics = [t.text.lstrip("@") for t, h in zip(tokens, honorific, strict=True) if h]
        tokens = [t for t, h in zip(tokens, honorific, strict=True) if not h]
    else:
        honorifics = []
        tokens = [t for t in tokens if t.text != "@title"] or [_Token("he", LATIN)]
    tokens, legal = _strip_legal(tokens)
    for t in tokens:
        t.text = NUMBER_WORDS.get(t.text, t.text)
    # a name made of initials only ("A.B.C.") reads as one token ("abc")
    if len(tokens) > 1 and all(len(t.text) == 1 and t.text.isalpha() for t in tokens):
        tokens = [_Token("".join(t.text for t in tokens), max(t.script for t in tokens))]
    texts = tuple(t.text for t in tokens)
    keys = tuple(variant_key(t) for t in texts)
    classes = tuple(token_class(t.text, t.script) for t in tokens)
    return NormName(
        original=name,
        tokens=texts,
        keys=keys,
        classes=classes,
        scripts=tuple(t.script for t in tokens),
        legal=tuple(sorted(set(legal))),
        honorifics=tuple(honorifics),
        abbreviated=tuple(
            t.abbreviated if c in (NORMAL, GENERIC) else 0
            for t, c in zip(tokens, classes, strict=True)
        ),
        weak=tuple(
            max(WEAK_WORDS.get(t, 0), WEAK_WORDS.get(k, 0))
            for t, k in zip(texts, keys, strict=True)
        ),
        folds=tuple(fold(t) for t in texts),
        has_short=any(len(t) <= 3 for t in texts),
    )


def clear_caches() -> None:
    """Forget every remembered normalisation (names, folds, skeletons, legal-form
    look-ups)."""
    normalize.cache_clear()
    clear_spelling_caches()
    _form_rule.cache_clear()

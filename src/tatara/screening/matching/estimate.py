"""Retrieval's ranking: the names a query reached, ordered by the score the scorer would give
if what matched matched exactly (:func:`rank`), and the first-letter masks it reads for
initials."""

from __future__ import annotations

from .normalize import INITIAL, PARTICLE, NormName
from .scorer import EXTRA_LIST, EXTRA_QUERY, WEIGHTS
from .similarity import ABBREV_SIM, INITIAL_SIM


def _abbreviations(query: NormName) -> tuple[int, ...]:
    return query.abbreviated or (0,) * len(query.tokens)


def _letter_bit(letter: str) -> int:
    return 1 << (ord(letter) - 97) if "a" <= letter <= "z" else 0


def letters_mask(name: NormName) -> int:
    """Bit mask of the first letters of a name's words (not particles): what an initial in
    a query can stand for."""
    mask = 0
    for token, cls in zip(name.tokens, name.classes, strict=True):
        if cls != PARTICLE:
            mask |= _letter_bit(token[0])
    return mask


def _worst(keys: list[float], ids: list[int]) -> int:
    """Position of the largest (key, id)."""
    at = 0
    for k in range(1, len(keys)):
        if keys[k] > keys[at] or (keys[k] == keys[at] and ids[k] > ids[at]):
            at = k
    return at


def rank(
    query: NormName,
    acc: dict[int, float],
    total: float,
    limit: int,
    letters: list[int],
    weights: list[float],
) -> list[int]:
    """The ``limit`` names of ``acc`` with the best estimated score: the scorer's formula
    applied as if what matched matched exactly, so the query's unmatched weight costs
    ``EXTRA_QUERY`` and the name's own unmatched weight ``EXTRA_LIST``. A long name that
    holds every query token is not pushed out by short names holding only the commonest
    one. An initial in the query counts for names with a word of that letter."""
    abbrs = _abbreviations(query)
    bits = [
        (_letter_bit(t[0]), WEIGHTS[c] * (ABBREV_SIM if abbr else INITIAL_SIM))
        for t, c, abbr in zip(query.tokens, query.classes, abbrs, strict=True)
        if c == INITIAL or abbr
    ]
    eq, el = EXTRA_QUERY, EXTRA_LIST
    # the best ``limit`` so far as (minus the estimate, name id), smallest first in the
    # end; a name enters only if it beats the worst of them (what heapq.nsmallest gives,
    # without a tuple per name: a query reaching 1,000 names keeps 20)
    keys: list[float] = []
    ids: list[int] = []
    worst = 0
    # a name's estimate is at most 2a / (2a + eq (total - a)) with its initials added,
    # which grows with a: once the best are known, a name whose sum is below the sum that
    # would tie the worst of them cannot enter (1e-9 against rounding)
    initials = 0.0
    for _bit, w in bits:
        initials += w
    floor = -1.0
    for n, a in acc.items():
        if a + initials < floor:
            continue
        for bit, w in bits:
            if letters[n] & bit:
                a += w
        if a > total:
            a = total
        extra = weights[n] - a
        den = 2.0 * a + eq * (total - a) + (el * extra if extra > 0.0 else 0.0)
        key = -2.0 * a / den
        if len(ids) < limit:
            keys.append(key)
            ids.append(n)
            if len(ids) < limit:
                continue
        elif key < keys[worst] or (key == keys[worst] and n < ids[worst]):
            keys[worst] = key
            ids[worst] = n
        else:
            continue
        worst = _worst(keys, ids)
        e = -keys[worst]
        floor = e * eq * total / (2.0 - e * (2.0 - eq)) - 1e-9
    return [n for _k, n in sorted(zip(keys, ids, strict=True))]

"""Evidence beside the name — country, birth date, kind — and the reasons a hit is shown with.

:func:`evidence` moves a name score by what the query gave and the list entry holds; it adds
only what was given (a country, a birth date), so a name below a threshold without them stays
below it. :func:`name_reasons` puts a :class:`~.records.NameScore` into words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Final

from .normalize import NormName
from .records import NameScore
from .similarity import EXACT, INITIAL_MATCH, JOINED

# --- evidence ------------------------------------------------------------------------------

COUNTRY_MATCH: Final = 0.04
COUNTRY_MISMATCH: Final = 0.06
BIRTH_DATE_MATCH: Final = 0.08
BIRTH_YEAR_MATCH: Final = 0.04
BIRTH_YEAR_MISMATCH: Final = 0.15
KIND_MISMATCH: Final = 0.10
WEAK_ALIAS: Final = 0.03  # a list's own "weak" / "low quality" alias counts a little less

PERSON: Final = "person"


# --- birth dates -----------------------------------------------------------------------------

_DATE_RE: Final = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:/(\d{4}))?")
DateTuple = tuple[int, int | None, int | None, int | None]  # year, month, day, year_to


def date_tuple(value: Any) -> DateTuple | None:
    if value is None or value == "":
        return None
    year = getattr(value, "year", None)
    if isinstance(year, int):
        return (
            year,
            getattr(value, "month", None),
            getattr(value, "day", None),
            getattr(value, "year_to", None),
        )
    m = _DATE_RE.search(str(value))
    if not m:
        return None
    y, mo, d, y2 = m.groups()
    return (int(y), int(mo) if mo else None, int(d) if d else None, int(y2) if y2 else None)


def birth_evidence(query: DateTuple, listed: Sequence[DateTuple]) -> tuple[float, str]:
    qy, qm, qd, _ = query
    best: tuple[float, str] | None = None
    closest = None
    for y, m, d, y2 in listed:
        lo, hi = y, y2 or y
        if qd is not None and d is not None and (qy, qm, qd) == (y, m, d):
            return BIRTH_DATE_MATCH, f"birth date matches {qy:04d}-{qm:02d}-{qd:02d}"
        if lo <= qy <= hi:
            best = (BIRTH_YEAR_MATCH, f"birth year matches {qy}")
        else:
            gap = min(abs(qy - lo), abs(qy - hi))
            closest = y if closest is None or gap < abs(qy - closest) else closest
    if best:
        return best
    if closest is not None and abs(qy - closest) > 1:
        years = ", ".join(sorted({str(t[0]) for t in listed}))
        return -BIRTH_YEAR_MISMATCH, f"birth year differs: {qy} vs {years}"
    return 0.0, ""


def evidence(
    kind: str,
    countries: frozenset[str],
    births: Sequence[DateTuple],
    qcountry: str | None,
    qbirth: DateTuple | None,
    qkind: str | None,
    query: NormName,
    why: list[str] | None,
) -> float:
    """How a list entry's ``kind``, ``countries`` (country keys) and ``births`` move a name's score against what the
    query gave; with ``why``, the reasons are appended to it."""
    delta = 0.0
    if qcountry and countries:
        if qcountry in countries:
            delta += COUNTRY_MATCH
            if why is not None:
                why.append(f"country matches {qcountry}")
        else:
            delta -= COUNTRY_MISMATCH
            if why is not None:
                why.append(f"country differs: {qcountry} vs {', '.join(sorted(countries))}")
    if qbirth and births:
        d, text = birth_evidence(qbirth, births)
        delta += d
        if why is not None and text:
            why.append(text)
    rkind = kind
    if qkind and rkind not in ("", "unknown"):
        if (qkind == PERSON) != (rkind == PERSON):
            delta -= KIND_MISMATCH
            if why is not None:
                why.append(f"kind differs: {qkind} vs {rkind}")
    elif query.legal and rkind == PERSON:
        delta -= KIND_MISMATCH / 2
        if why is not None:
            why.append("query has a legal form, the entry is a person")
    return delta


def name_reasons(detail: NameScore, weak: bool) -> list[str]:
    out: list[str] = []
    exact = [p for p in detail.pairs if p.how == EXACT]
    if exact:
        out.append("matching name parts: " + ", ".join(f"'{p.query}'" for p in exact))
    for p in detail.pairs:
        if p.how == EXACT:
            continue
        how = "joined words" if p.how == JOINED else p.how
        if p.how == INITIAL_MATCH:
            how = "initial"
        out.append(f"token '{p.query}' ~ '{p.listed}' ({how}, {p.sim:.2f})")
    if detail.unmatched_query:
        out.append("not on the list name: " + ", ".join(f"'{t}'" for t in detail.unmatched_query))
    if detail.unmatched_list:
        out.append("not in the query: " + ", ".join(f"'{t}'" for t in detail.unmatched_list))
    if detail.legal_mismatch:
        out.append("legal forms differ")
    if detail.weak_only:
        out.append("only particles, initials or generic words match")
    if detail.weak_name:
        out.append(
            "only weak words match (very common names, descriptive words): no alert by name alone"
        )
    if weak:
        out.append("matched a weak alias")
    return out

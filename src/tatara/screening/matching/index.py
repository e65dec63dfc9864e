"""The screening index: built once per list version, queried per name.

Build (:meth:`MatchIndex.build`): every primary name and alias is normalised once. The
distinct tokens form a vocabulary; each token has a posting list of the names that hold
it. Three small maps lead from a query token to vocabulary tokens without a scan:

* the token itself and its variant key (``mohamed`` → every spelling of ``muhammad``);
* a *deletion neighbourhood* (SymSpell): every token of four letters or more is filed
  under itself and each string made by deleting one letter. A query token's own deletions
  looked up there find every vocabulary token within one edit, and the common two-edit
  cases (one deletion on each side: a substitution plus an insertion, a transposition);
* the consonant skeleton, for query tokens written in an abjad (Arabic ``mhmd``).

Two neighbouring tokens of each list name are also filed glued ("abd allah" under
``abdallah``), so a query that writes them as one word still reaches the name.

Query (:meth:`MatchIndex.screen`): each query token's vocabulary matches are scored with the
same token similarity as the scorer; their posting lists add the token's weight × similarity
to each name (rarest tokens first; a very common token only adds to names already reached
when the query has rarer ones). The best ``RETRIEVE`` names by that sum go to the full scorer
(:func:`scorer.score_names`), then evidence (country, birth date, kind) moves the score,
and the best name per list entry becomes a :class:`Hit`.
"""

from __future__ import annotations

import heapq
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .countries import country_key
from .normalize import (
    ABJAD,
    INITIAL,
    LATIN,
    PARTICLE,
    SYLLABIC,
    VARIANTS,
    NormName,
    normalize,
    skeleton,
)
from .scorer import (
    EXACT,
    EXTRA_QUERY,
    INITIAL_MATCH,
    JOINED,
    MIN_TOKEN_SIM,
    WEIGHTS,
    NameScore,
    score_names,
    token_similarity,
)

# --- thresholds --------------------------------------------------------------------------

#: A hit at or above this score is an alert: the party goes to the officer for review.
ALERT_THRESHOLD = 0.84
#: Hits from here up are returned (shown as weak hits below the alert threshold).
REPORT_THRESHOLD = 0.70
#: A hit at or above this is strong: clearing it needs a second approver.
STRONG_THRESHOLD = 0.92

#: Names handed from retrieval to the full scorer per query.
RETRIEVE = 20
#: A token filed under more names than this only adds to names reached by rarer tokens.
COMMON_POSTINGS = 1500

# --- evidence ------------------------------------------------------------------------------

COUNTRY_MATCH = 0.04
COUNTRY_MISMATCH = 0.06
BIRTH_DATE_MATCH = 0.08
BIRTH_YEAR_MATCH = 0.04
BIRTH_YEAR_MISMATCH = 0.15
KIND_MISMATCH = 0.10
WEAK_ALIAS = 0.03  # a list's own "weak" / "low quality" alias counts a little less

PERSON = "person"


class RecordLike(Protocol):
    """What :meth:`MatchIndex.build` needs of a record (see :class:`MatchRecord`)."""

    key: str
    list_code: str
    entry_id: str
    names: Sequence[tuple[str, str]]
    kind: str
    countries: Sequence[str]
    birth_dates: Sequence[Any]
    programmes: Sequence[str]


@dataclass(frozen=True, slots=True)
class MatchRecord:
    """A list entry as the matcher sees it. ``names`` are (name, quality) pairs, the primary
    name first; quality "strong" or "weak". ``birth_dates`` are ISO-like strings ("1965",
    "1965-03", "1965-03-01", "~1965", "1973/1974") or objects with ``year``/``month``/``day``."""

    key: str
    list_code: str
    entry_id: str
    names: tuple[tuple[str, str], ...]
    kind: str = "unknown"
    countries: tuple[str, ...] = ()
    birth_dates: tuple[Any, ...] = ()
    programmes: tuple[str, ...] = ()

    @classmethod
    def from_list_record(cls, record: Any, list_code: str) -> MatchRecord:
        """Adapter from ``tatara.screening.sources.records.ListRecord`` (duck-typed)."""
        names = tuple((name, quality) for name, quality, _script, _primary in record.names())
        return cls(
            key=f"{list_code}:{record.entry_id}",
            list_code=list_code,
            entry_id=record.entry_id,
            names=names,
            kind=record.kind,
            countries=tuple(record.countries),
            birth_dates=tuple(record.birth_dates),
            programmes=tuple(record.programmes),
        )


@dataclass(frozen=True, slots=True)
class Hit:
    score: float
    name_score: float
    matched_name: str
    list_code: str
    entry_id: str
    key: str
    kind: str
    programmes: tuple[str, ...]
    reasons: tuple[str, ...] = field(default=())

    @property
    def is_alert(self) -> bool:
        return self.score >= ALERT_THRESHOLD


# --- birth dates -----------------------------------------------------------------------------

_DATE_RE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:/(\d{4}))?")
DateTuple = tuple[int, int | None, int | None, int | None]  # year, month, day, year_to


def _date_tuple(value: Any) -> DateTuple | None:
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


def _birth_evidence(query: DateTuple, listed: Sequence[DateTuple]) -> tuple[float, str]:
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


# --- the index -------------------------------------------------------------------------------


def _deletes(token: str) -> set[str]:
    return {token[:i] + token[i + 1 :] for i in range(len(token))}


class MatchIndex:
    """An in-memory index of list names (see the module docstring)."""

    def __init__(self) -> None:
        self.records: list[RecordLike] = []
        self.record_countries: list[frozenset[str]] = []
        self.record_births: list[tuple[DateTuple, ...]] = []
        self.names: list[NormName] = []
        self.name_record: list[int] = []
        self.name_weak: list[bool] = []
        self.vocab: dict[str, int] = {}
        self.tokens: list[str] = []
        self.postings: list[list[int]] = []
        self.by_variant: dict[str, list[int]] = {}
        self.by_delete: dict[str, list[int]] = {}
        self.by_skeleton: dict[str, list[int]] = {}

    # -- build --

    @classmethod
    def build(cls, records: Iterable[RecordLike]) -> MatchIndex:
        index = cls()
        for record in records:
            index._add(record)
        index._finish()
        return index

    def _token_id(self, token: str) -> int:
        tid = self.vocab.get(token)
        if tid is None:
            tid = len(self.tokens)
            self.vocab[token] = tid
            self.tokens.append(token)
            self.postings.append([])
        return tid

    def _add(self, record: RecordLike) -> None:
        ri = len(self.records)
        self.records.append(record)
        self.record_countries.append(frozenset(country_key(c) for c in record.countries if c))
        births = (_date_tuple(b) for b in record.birth_dates)
        self.record_births.append(tuple(b for b in births if b))
        seen: set[tuple[str, ...]] = set()
        for name, quality in record.names:
            norm = normalize(name)
            if norm.is_empty or norm.tokens in seen:
                continue
            seen.add(norm.tokens)
            ni = len(self.names)
            self.names.append(norm)
            self.name_record.append(ri)
            self.name_weak.append(quality == "weak")
            filed: set[str] = set(norm.tokens)
            filed.update(a + b for a, b in zip(norm.tokens, norm.tokens[1:], strict=False))
            for token in filed:
                self.postings[self._token_id(token)].append(ni)

    def _finish(self) -> None:
        for tid, token in enumerate(self.tokens):
            key = VARIANTS.get(token)
            if key is not None:
                self.by_variant.setdefault(key, []).append(tid)
            if len(token) >= 4 and not token.isdigit():
                self.by_delete.setdefault(token, []).append(tid)
                for d in _deletes(token):
                    self.by_delete.setdefault(d, []).append(tid)
            if len(token) >= 2 and not token.isdigit():
                self.by_skeleton.setdefault(skeleton(token, abjad=True), []).append(tid)

    def __len__(self) -> int:
        return len(self.names)

    # -- query --

    def _token_matches(self, token: str, script: int) -> dict[int, float]:
        found: set[int] = set()
        tid = self.vocab.get(token)
        if tid is not None:
            found.add(tid)
        key = VARIANTS.get(token)
        if key is not None:
            found.update(self.by_variant.get(key, ()))
        if len(token) >= 4 and script != SYLLABIC:
            found.update(self.by_delete.get(token, ()))
            for d in _deletes(token):
                found.update(self.by_delete.get(d, ()))
        if script == ABJAD:
            found.update(self.by_skeleton.get(skeleton(token, abjad=True), ()))
        out: dict[int, float] = {}
        tokens = self.tokens
        for t in found:
            sim, _how = token_similarity(token, tokens[t], script)
            if sim >= MIN_TOKEN_SIM:
                out[t] = sim
        return out

    def candidates(self, query: NormName, limit: int = RETRIEVE, floor: float = 0.0) -> list[int]:
        """Name ids worth scoring for ``query``, best first (retrieval only). With ``floor``,
        names that cannot reach it are left out: a name's retrieval sum ``a`` (query weight
        matched, at most) bounds its score by ``2a / (2a + EXTRA_QUERY * (W - a))``, W the
        query's total weight."""
        groups: list[tuple[int, float, dict[int, float]]] = []  # (postings, weight, matches)
        toks = query.tokens
        for i, token in enumerate(toks):
            cls = query.classes[i]
            if cls == INITIAL:
                continue
            matches = self._token_matches(token, query.scripts[i])  # skeletons: vs Latin
            if matches:
                size = sum(len(self.postings[t]) for t in matches)
                weight = WEIGHTS[cls]
                groups.append((size, weight, matches))
        for a, b in itertools.pairwise(toks):
            glued = a + b
            if len(glued) >= 4:
                matches = self._token_matches(glued, LATIN)
                if matches:
                    size = sum(len(self.postings[t]) for t in matches)
                    groups.append((size, 1.0, matches))
        if not groups:
            return []
        groups.sort(key=lambda g: (g[0], -g[1]))
        if all(WEIGHTS[c] <= WEIGHTS[PARTICLE] for c in query.classes) is False:
            # particles alone do not open candidates when the query has real words
            groups = [g for g in groups if g[1] > WEIGHTS[PARTICLE]] or groups
        acc: dict[int, float] = {}
        postings = self.postings
        for size, weight, matches in groups:
            if size > COMMON_POSTINGS and acc:
                for t, sim in matches.items():
                    add = weight * sim
                    for ni in postings[t]:
                        if ni in acc:
                            acc[ni] += add
            else:
                for t, sim in matches.items():
                    add = weight * sim
                    get = acc.get
                    for ni in postings[t]:
                        acc[ni] = get(ni, 0.0) + add
        if floor > 0.0:
            total = sum(WEIGHTS[c] for c in query.classes)
            initials = sum(WEIGHTS[c] for c in query.classes if c == INITIAL)
            e = EXTRA_QUERY
            need = floor * e * total / (2.0 - 2.0 * floor + floor * e) - initials
            if need > 0.0:
                acc = {n: v for n, v in acc.items() if v >= need}
        if len(acc) <= limit:
            return sorted(acc, key=lambda n: (-acc[n], n))
        names = self.names
        # prefer names whose own size is close to the query's: a sum over a long name is cheap
        return heapq.nsmallest(
            limit, acc, key=lambda n: (-acc[n] / (1.0 + 0.15 * len(names[n].tokens)), n)
        )

    def screen(
        self,
        name: str,
        country: str | None = None,
        birth_date: Any = None,
        kind: str | None = None,
        limit: int = 10,
        threshold: float = REPORT_THRESHOLD,
        explain: bool = True,
    ) -> list[Hit]:
        """Ranked hits for one name: best score first, one per list entry, at most ``limit``,
        none below ``threshold``. Evidence: ``country`` (name or ISO code), ``birth_date``
        (date, "1965-03-01", "1965"), ``kind`` ("person" or "entity")."""
        query = normalize(name)
        if query.is_empty:
            return []
        qcountry = country_key(country) if country else None
        qbirth = _date_tuple(birth_date)
        best: dict[int, tuple[float, float, int, NameScore]] = {}
        floor = threshold - BIRTH_DATE_MATCH - COUNTRY_MATCH - 0.01
        for ni in self.candidates(query, floor=floor):
            ns = score_names(query, self.names[ni])
            base = ns.score
            if base < floor:
                continue
            ri = self.name_record[ni]
            score = base - (WEAK_ALIAS if self.name_weak[ni] else 0.0)
            score += self._evidence(ri, qcountry, qbirth, kind, query, None)
            score = max(0.0, min(1.0, score))
            if score < threshold:
                continue
            prev = best.get(ri)
            if prev is None or (score, base) > (prev[0], prev[1]):
                best[ri] = (score, base, ni, ns)
        ranked = sorted(
            best.items(),
            key=lambda kv: (
                -kv[1][0],
                -kv[1][1],
                self.records[kv[0]].list_code,
                self.records[kv[0]].entry_id,
            ),
        )[:limit]
        hits: list[Hit] = []
        for ri, (score, base, ni, _ns) in ranked:
            record = self.records[ri]
            reasons: tuple[str, ...] = ()
            if explain:
                detail = score_names(query, self.names[ni], explain=True)
                why: list[str] = []
                self._evidence(ri, qcountry, qbirth, kind, query, why)
                reasons = tuple(_name_reasons(detail, self.name_weak[ni]) + why)
            hits.append(
                Hit(
                    score=round(score, 4),
                    name_score=round(base, 4),
                    matched_name=self.names[ni].original,
                    list_code=record.list_code,
                    entry_id=record.entry_id,
                    key=record.key,
                    kind=record.kind,
                    programmes=tuple(record.programmes),
                    reasons=reasons,
                )
            )
        return hits

    def _evidence(
        self,
        ri: int,
        qcountry: str | None,
        qbirth: DateTuple | None,
        qkind: str | None,
        query: NormName,
        why: list[str] | None,
    ) -> float:
        delta = 0.0
        record = self.records[ri]
        countries = self.record_countries[ri]
        if qcountry and countries:
            if qcountry in countries:
                delta += COUNTRY_MATCH
                if why is not None:
                    why.append(f"country matches {qcountry}")
            else:
                delta -= COUNTRY_MISMATCH
                if why is not None:
                    why.append(f"country differs: {qcountry} vs {', '.join(sorted(countries))}")
        births = self.record_births[ri]
        if qbirth and births:
            d, text = _birth_evidence(qbirth, births)
            delta += d
            if why is not None and text:
                why.append(text)
        rkind = record.kind
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


def _name_reasons(detail: NameScore, weak: bool) -> list[str]:
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
    if weak:
        out.append("matched a weak alias")
    return out

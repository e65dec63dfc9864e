"""What the matcher takes in (a list entry: :class:`MatchRecord` or alike) and gives out (a
:class:`Hit`), and the thresholds a hit is read by."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

# --- thresholds --------------------------------------------------------------------------

#: A hit at or above this score is an alert: the party goes to the officer for review.
ALERT_THRESHOLD: Final = 0.84
#: Hits from here up are returned (shown as weak hits below the alert threshold).
REPORT_THRESHOLD: Final = 0.70
#: A hit at or above this is strong: clearing it needs a second approver.
STRONG_THRESHOLD: Final = 0.92


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
    #: Rank of the hit's name among the distinct names of this result, from 0: hits with the
    #: same group matched the same words (in any order) with the same score — list entries
    #: that no name-only screen can tell apart (see :meth:`MatchIndex._rank_hits`).
    group: int = 0

    @property
    def is_alert(self) -> bool:
        return self.score >= ALERT_THRESHOLD


# --- a name's score (scorer.py) -------------------------------------------------------------


class Pair:
    """One aligned unit of a score: query token(s), list token(s), similarity, how."""

    # a plain class, not a dataclass: compiled, a dataclass's __init__ stays Python (decision 0022)
    __slots__ = ("how", "listed", "query", "sim")

    def __init__(self, query: str, listed: str, sim: float, how: str) -> None:
        self.query = query
        self.listed = listed
        self.sim = sim
        self.how = how

    def __repr__(self) -> str:
        return f"Pair({self.query!r}, {self.listed!r}, {self.sim!r}, {self.how!r})"


class NameScore:
    """A name's score and what made it (read, never changed)."""

    __slots__ = (
        "legal_mismatch",
        "pairs",
        "score",
        "unmatched_list",
        "unmatched_query",
        "weak_name",
        "weak_only",
    )

    def __init__(
        self,
        score: float,
        pairs: tuple[Pair, ...],
        unmatched_query: tuple[str, ...],
        unmatched_list: tuple[str, ...],
        legal_mismatch: bool,
        weak_only: bool,
        weak_name: bool = False,
    ) -> None:
        self.score = score
        self.pairs = pairs
        self.unmatched_query = unmatched_query
        self.unmatched_list = unmatched_list
        self.legal_mismatch = legal_mismatch
        self.weak_only = weak_only
        #: only weak words matched (common names, descriptive words) and the score was capped
        self.weak_name = weak_name

    def __repr__(self) -> str:
        return (
            f"NameScore(score={self.score!r}, pairs={self.pairs!r}, "
            f"unmatched_query={self.unmatched_query!r}, unmatched_list={self.unmatched_list!r}, "
            f"legal_mismatch={self.legal_mismatch!r}, weak_only={self.weak_only!r}, "
            f"weak_name={self.weak_name!r})"
        )

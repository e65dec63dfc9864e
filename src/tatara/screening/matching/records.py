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

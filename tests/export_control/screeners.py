"""A screener for the tests: the real matcher (tatara.screening.matching.MatchIndex) over a
few hand-made list records, shaped like the screening service's `screen_name` result, so the
tests never depend on the service's own progress."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tatara.screening.matching import (
    ALERT_THRESHOLD,
    STRONG_THRESHOLD,
    MatchIndex,
    MatchRecord,
)

LIST_NAMES = {
    "ofac-sdn": "OFAC SDN",
    "un": "UN consolidated",
    "meti-eul": "METI End User List",
}


def record(source: str, entry_id: str, *names: str, kind: str = "entity", countries=()) -> Any:
    return MatchRecord(
        key=f"{source}:{entry_id}",
        list_code=source,
        entry_id=entry_id,
        names=tuple((n, "strong") for n in names),
        kind=kind,
        countries=tuple(countries),
    )


RECORDS = [
    record("ofac-sdn", "1001", "Rosoboronexport", "Rosoboroneksport", countries=["RU"]),
    record("un", "KPe.001", "Korea Mining Development Trading Corporation", "KOMID"),
    record("meti-eul", "EUL-42", "Tehran Centrifuge Components Co.", countries=["IR"]),
]


@dataclass
class Hit:
    score: float
    list_source: str
    list_name: str
    list_entry_id: str
    entry_pk: int | None
    matched_name: str
    programmes: tuple[str, ...]
    reasons: tuple[str, ...]


@dataclass
class Result:
    hits: list[Hit] = field(default_factory=list)
    outcome: str = "clear"
    list_versions: list[dict[str, Any]] = field(default_factory=list)


class Screener:
    def __init__(self, records=RECORDS) -> None:
        self.index = MatchIndex.build(records)
        self.calls: list[str] = []

    def __call__(self, name, *, country=None, birth_date=None, kind=None, limit=10) -> Result:
        self.calls.append(name)
        hits = [
            Hit(
                h.score,
                h.list_code,
                LIST_NAMES.get(h.list_code, h.list_code),
                h.entry_id,
                None,
                h.matched_name,
                h.programmes,
                h.reasons,
            )
            for h in self.index.screen(
                name, country=country, birth_date=birth_date, kind=kind, limit=limit
            )
        ]
        top = max((h.score for h in hits), default=0.0)
        outcome = (
            "strong" if top >= STRONG_THRESHOLD else "review" if top >= ALERT_THRESHOLD else "clear"
        )
        return Result(hits, outcome, [{"source": s, "version": 1} for s in sorted(LIST_NAMES)])

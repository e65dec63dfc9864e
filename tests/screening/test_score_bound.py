"""The scorer's upper bound (``score_names(..., floor=...)``): a name it leaves unaligned could
not have reached the floor. Checked on the shared labelled name pairs and cross-script pairs
(both ways, as persons with and without middle names marked optional) and on hand-made
cases for every kind of match the scorer makes; and through ``MatchIndex.screen``, whose hits
must be exactly those that scoring every candidate in full gives."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from tatara.screening.matching import MatchIndex, MatchRecord
from tatara.screening.matching.normalize import normalize
from tatara.screening.matching.records import REPORT_THRESHOLD
from tatara.screening.matching.scorer import score_names

DEV = (
    Path(os.environ["TATARA_SCREENING_DATA"]) / "dev"
    if os.environ.get("TATARA_SCREENING_DATA")
    else Path(__file__).resolve().parents[3] / "shared" / "data" / "screening" / "dev"
)

#: One of each kind of match: exact, variant, typo, initial, abbreviation, a descriptive word
#: cut short, two words glued (both ways), three words glued (the glue pass), a legal form,
#: a particle, Arabic script against its romanisation, CJK syllables, middle names dropped.
HAND_MADE = [
    ("Vladimir Putin", "PUTIN, Vladimir Vladimirovich"),
    ("Mohamed Ali Hassan", "HASAN, Muhammad Ali"),
    ("Sergei Lavorv", "Sergei Lavrov"),
    ("H. J. Friedrich", "Hans Joachim Friedrich"),
    ("Intl Trading Co", "International Trading Company"),
    ("Pharma Holding", "Pharmaceutical Holding Ltd"),
    ("Nikolai Patr ushev", "Nikolai Patrushev"),
    ("AlisherUsmanov", "Alisher Usmanov"),
    ("abd al rahman al rawi", "ABDALRAHMAN AL-RAWI"),
    ("Abdalrahmanalrawi", "Abd al Rahman al Rawi"),
    ("ZAVOD METEOR, Jt. Stock Co.", "AO ZAVOD METEOR"),
    ("el Ahmed", "AL-AHMAD, Khalid"),
    ("بشار الأسد", "Bashar al-Assad"),
    ("김정은", "Kim Jong Un"),
    ("Lin Jing", "LIN Jing He"),
    ("Y. Abu Obeida", "Youcef Abu Obeida"),
    ("Umar Umar", "UMAR, Umar Ali"),
    ("SAYED SHAH", "SHAH, Sayed Wazir"),
    ("GROUP GRAND", "GRAND GROUP LIMITED"),
]


def _pairs() -> list[tuple[str, str]]:
    pairs = list(HAND_MADE)
    with (DEV / "name_pairs_nomenklatura.csv").open(encoding="utf-8") as f:
        pairs += [(r["name1"], r["name2"]) for r in csv.DictReader(f)]
    with (DEV / "cross_script_pairs_watchman.csv").open(encoding="utf-8") as f:
        rows = [r for r in csv.reader(f) if r and not r[0].startswith("#")]
    pairs += [(r[0], r[1]) for r in rows[1:] if len(r) > 1]
    return pairs + [(b, a) for a, b in pairs]


def _optional(name: str) -> tuple[bool, ...] | None:
    """Every token after the first two optional (as a listed person's middle names)."""
    n = len(normalize(name).tokens)
    return tuple(k >= 2 for k in range(n)) if n > 2 else None


def test_the_bound_is_never_below_the_score() -> None:
    pairs = _pairs()
    assert len(pairs) > 1_600
    checked = left_out = 0
    for a, b in pairs:
        q, c = normalize(a), normalize(b)
        if q.is_empty or c.is_empty:
            continue
        for optional in (None, _optional(b)):
            real = score_names(q, c, optional=optional).score
            # a floor above every score returns the bound itself
            bound = score_names(q, c, optional=optional, floor=1.01).score
            assert bound >= real - 1e-9, (a, b, optional, real, bound)
            checked += 1
            for floor in (0.5, REPORT_THRESHOLD - 0.01, 0.84):
                floored = score_names(q, c, optional=optional, floor=floor).score
                if floored != real:
                    # left unaligned: only when it could not reach the floor
                    assert floored < floor and real < floor, (a, b, floor, real, floored)
                    left_out += 1
    assert checked > 3_000
    assert left_out > 0  # the bound does leave names out


def test_screen_hits_are_those_of_full_scoring() -> None:
    pairs = _pairs()
    records = [
        MatchRecord(
            key=f"test:{k}",
            list_code="test",
            entry_id=str(k),
            names=((b, "strong"),),
            kind="person",
        )
        for k, (_a, b) in enumerate(pairs)
    ]
    index = MatchIndex.build(records)
    compared = 0
    for a, _b in pairs[:600]:
        query = normalize(a)
        if query.is_empty:
            continue
        hits = index.screen(a, limit=50, explain=False)
        full: dict[str, float] = {}
        for ni in index.candidates(query):
            ns = score_names(query, index.names[ni], optional=index.name_optional[ni])
            ri = index.name_record[ni]
            # the evidence screen() adds (here only: a query with a legal form, a person)
            score = min(
                1.0, max(0.0, ns.score + index._evidence(ri, None, None, None, query, None))
            )
            if score >= REPORT_THRESHOLD:
                key = index.records[ri].key
                full[key] = max(full.get(key, 0.0), round(score, 4))
        assert {h.key: h.score for h in hits} == full, a
        compared += 1
    assert compared > 500


@pytest.mark.parametrize(("a", "b"), HAND_MADE)
def test_hand_made_matches_keep_their_score_above_the_floor(a: str, b: str) -> None:
    q, c = normalize(a), normalize(b)
    real = score_names(q, c).score
    assert score_names(q, c, floor=min(real, 0.99)).score == real

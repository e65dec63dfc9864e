"""Party screening through the screening service, as the engine needs it.

The screener is a parameter everywhere: any callable

    screener(name, *, country=None, birth_date=None, kind=None, limit=10) -> result

whose result has `.hits` (each with score, list source and name, list_entry_id, entry pk,
matched_name, programmes, reasons), `.outcome` ("clear" | "review" | "strong") and
`.list_versions`. The default imports `tatara.screening.service.screen_name` when first
called, so this area does not depend on the screening service at import time. Tests pass a
screener built over a few hand-made records (see tests/export_control/screeners.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from tatara.export_control.assessment import ALERT, STRONG, WEAK, HitInfo, PartyScreen

Screener = Callable[..., Any]

OUTCOME_RANK = {"clear": 0, "review": 1, "strong": 2}


def default_screener(name: str, **kwargs: Any) -> Any:
    from tatara.screening.service import screen_name  # type: ignore[import-not-found,unused-ignore]

    return screen_name(name, **kwargs)


def _thresholds() -> tuple[float, float]:
    try:
        from tatara.screening.matching import ALERT_THRESHOLD, STRONG_THRESHOLD
    except ImportError:  # pragma: no cover - the matcher ships with the screening area
        return 0.84, 0.92
    return ALERT_THRESHOLD, STRONG_THRESHOLD


def _first(obj: Any, *names: str, default: Any = None) -> Any:
    for name in names:
        value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
        if value is not None and value != "":
            return value
    return default


def hit_info(hit: Any, screened_name: str = "") -> HitInfo:
    """A screening hit (an object or a dict) as the engine's HitInfo."""
    alert, strong = _thresholds()
    score = float(_first(hit, "score", default=0.0))
    strength = _first(hit, "strength", "level", "grade")
    if strength not in (STRONG, ALERT, WEAK):
        strength = STRONG if score >= strong else ALERT if score >= alert else WEAK
    source = _first(hit, "list_source", "source", "list_code", default="")
    entry_pk = _first(hit, "entry_pk", "entry")
    return HitInfo(
        score=score,
        list_source=str(getattr(source, "value", source)),
        list_name=str(_first(hit, "list_name", default=source) or ""),
        list_entry_id=str(_first(hit, "list_entry_id", "entry_id", default="")),
        matched_name=str(_first(hit, "matched_name", "name", default="")),
        strength=str(strength),
        entry_pk=int(entry_pk) if isinstance(entry_pk, int) else getattr(entry_pk, "pk", None),
        programmes=tuple(str(p) for p in _first(hit, "programmes", default=()) or ()),
        reasons=tuple(str(r) for r in _first(hit, "reasons", default=()) or ()),
        screened_name=screened_name,
    )


def version_json(version: Any) -> Any:
    """A list version as JSON: dicts and plain values as they are, model rows by id and label."""
    if isinstance(version, dict | str | int | float) or version is None:
        return version
    pk = getattr(version, "pk", None)
    if pk is not None:
        source = getattr(getattr(version, "screening_list", None), "source", "")
        return {"id": pk, "source": str(source), "label": str(version)}
    return str(version)


@dataclass
class PartyResult:
    outcome: str
    hits: list[HitInfo]
    list_versions: list[Any]


def screen_names(
    names: Iterable[str],
    *,
    country: str | None = None,
    birth_date: str | None = None,
    kind: str | None = None,
    screener: Screener | None = None,
) -> PartyResult:
    """Screen a party's name and each alias; the best hit per list entry, the worst outcome."""
    screen = screener or default_screener
    best: dict[tuple[str, str], HitInfo] = {}
    outcome = "clear"
    versions: list[Any] = []
    for name in names:
        if not name or not name.strip():
            continue
        result = screen(
            name, country=country or None, birth_date=birth_date or None, kind=kind, limit=10
        )
        result_outcome = str(getattr(result, "outcome", "clear") or "clear")
        if OUTCOME_RANK.get(result_outcome, 0) > OUTCOME_RANK[outcome]:
            outcome = result_outcome
        for raw in getattr(result, "hits", ()) or ():
            hit = hit_info(raw, name)
            key = (hit.list_source, hit.list_entry_id or hit.matched_name)
            if key not in best or hit.score > best[key].score:
                best[key] = hit
        for version in getattr(result, "list_versions", ()) or ():
            as_json = version_json(version)
            if as_json not in versions:
                versions.append(as_json)
    hits = sorted(best.values(), key=lambda h: (-h.score, h.list_source, h.list_entry_id))
    if outcome == "clear" and any(h.strength == STRONG for h in hits):
        outcome = "strong"
    elif outcome == "clear" and any(h.strength == ALERT for h in hits):
        outcome = "review"
    return PartyResult(outcome, hits, versions)


def party_screen_from_stored(party: Any, roles: tuple[str, ...]) -> PartyScreen:
    """The engine's PartyScreen from a party's stored last screening."""
    return PartyScreen(
        party_id=party.pk,
        name=party.name,
        roles=roles,
        outcome=party.screening_outcome or "clear",
        hits=tuple(HitInfo.from_json(h) for h in party.screening_hits or []),
    )


def snapshot_screener() -> Screener:
    """A screener for a batch (an import of a whole customer master): the screening service's
    index of the active lists is taken at the first name and kept for the whole batch, where
    `screen_name` would check the set of active versions in the database for every name."""
    taken: list[Any] = []

    def screen(name: str, **kwargs: Any) -> Any:
        from tatara.screening.service import (  # type: ignore[import-not-found,unused-ignore]
            active,
            screen_with,
        )

        if not taken:
            taken.append(active())
        return screen_with(taken[0], name, **kwargs)

    return screen

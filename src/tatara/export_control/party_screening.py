"""Party screening through the screening service, as the engine needs it.

The screener is a parameter everywhere: any callable

    screener(name, *, country=None, birth_date=None, kind=None, limit=10) -> result

whose result has `.hits` (each with score, list source and name, list_entry_id, entry pk,
matched_name, programmes, reasons), `.outcome` ("clear" | "review" | "strong") and
`.list_versions`. The default imports `tatara.screening.name_screening.screen_name` when first
called, so this area does not depend on the screening service at import time. Tests pass a
screener built over a few hand-made records (see tests/export_control/screeners.py).

Cleared namesakes (screening.namesakes, decision 0019), the export-control side: a party's hits
on entries its company cleared it against before are marked `cleared_before` and left out of
the outcome (`with_memory` for the party's own screening, `apply_memory` for a transaction's
run, with the transaction's company); `after_decision` is the hook where a clear decision
becomes final (remember its sanctions-list party hits) or a block reverses clearings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from tatara.export_control.assessment import (
    ALERT,
    INFO,
    PARTY,
    STRONG,
    WEAK,
    HitInfo,
    PartyScreen,
    Reason,
)
from tatara.export_control.reasons import render_english

Screener = Callable[..., Any]

OUTCOME_RANK = {"clear": 0, "review": 1, "strong": 2}


def default_screener(name: str, **kwargs: Any) -> Any:
    from tatara.screening.name_screening import screen_name  # type: ignore[import-not-found,unused-ignore]

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
        entry_identity=str(_first(hit, "entry_identity", default="") or ""),
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
        from tatara.screening.name_screening import (  # type: ignore[import-not-found,unused-ignore]
            active,
            screen_with,
        )

        if not taken:
            taken.append(active())
        return screen_with(taken[0], name, **kwargs)

    return screen


# --- cleared namesakes (screening.namesakes, decision 0019) -----------------------------------

# the party reasons whose hits a clear decision declares "not a match": sanctions lists only.
# Clearing a transaction with an End User List hit may mean "weapons use clearly excluded",
# not "another party": such hits are never remembered.
SANCTIONS_REASONS = ("party-hit", "party-strong-hit")
CLEARED_BEFORE = "party-cleared-before"


def _outcome(hits: Sequence[HitInfo]) -> str:
    live = [h for h in hits if not h.cleared_before]
    if any(h.strength == STRONG for h in live):
        return "strong"
    if any(h.strength == ALERT for h in live):
        return "review"
    return "clear"


def _memory(parties: Iterable[Any], org_unit: Any) -> tuple[Any, dict[int, Any]]:
    from tatara.screening.namesakes import Subject, company_of, memory_for

    subjects = {party.pk: Subject.of_party(party) for party in parties}
    return memory_for(company_of(org_unit), subjects=subjects.values()), subjects


def _marked(hits: Sequence[HitInfo], memory: Any, subject: Any) -> list[HitInfo]:
    return [
        replace(h, cleared_before=memory.cleared_hit(subject, h) if subject else None) for h in hits
    ]


def with_memory(result: PartyResult, party: Any) -> PartyResult:
    """A party's screening with the hits its own company cleared it against before marked,
    and the outcome counted without them (no query for a party without hits)."""
    if not result.hits:
        return result
    memory, subjects = _memory([party], party.org_unit)
    hits = _marked(result.hits, memory, subjects[party.pk])
    if not any(h.cleared_before for h in hits):
        return result
    return PartyResult(_outcome(hits), hits, result.list_versions)


def refresh_stored(parties: Iterable[Any]) -> None:
    """After a clearing was remembered or reversed: the parties' stored screening marked again
    with their own company's memory (no new screening)."""
    from tatara.export_control.models import Party

    for party in parties:
        hits = [HitInfo.from_json(h) for h in party.screening_hits or []]
        if not hits:
            continue
        memory, subjects = _memory([party], party.org_unit)
        marked = _marked(hits, memory, subjects[party.pk])
        if marked == hits:
            continue
        outcome = _outcome(marked)
        party.screening_hits = [h.to_json() for h in marked]
        party.screening_outcome = outcome
        Party.objects.filter(pk=party.pk).update(
            screening_hits=party.screening_hits, screening_outcome=outcome
        )


def _cleared_reason(screen: PartyScreen, cleared: Sequence[HitInfo]) -> Reason:
    top = max(cleared, key=lambda h: h.score)
    params: dict[str, Any] = {
        "party": screen.name,
        "roles": list(screen.roles),
        "name": top.matched_name,
        "list": top.list_name or top.list_source,
        "count": len(cleared),
    }
    return Reason(
        PARTY,
        INFO,
        render_english("party-cleared-before", params),
        "party-cleared-before",
        params=params,
        party=screen.party_id,
        party_name=screen.name,
        roles=screen.roles,
        hits=tuple(cleared),
    )


def apply_memory(
    screens: Sequence[PartyScreen], transaction: Any
) -> tuple[list[PartyScreen], list[Reason]]:
    """The parties' screens for a transaction's run, marked with what the transaction's
    company cleared before: cleared hits leave the screen (they do not count) and are shown
    in an info reason `party-cleared-before`, one per party. (The stored screening of a party
    is marked with its own company's memory; a group-level party used by a company's
    transaction answers to that company's memory here.)"""
    from tatara.export_control.models import Party

    with_hits = [s.party_id for s in screens if s.hits and s.party_id is not None]
    if not with_hits:
        return list(screens), []
    parties = Party.objects.in_bulk(with_hits)
    memory, subjects = _memory(parties.values(), transaction.org_unit)
    out: list[PartyScreen] = []
    reasons: list[Reason] = []
    for screen in screens:
        if not screen.hits:
            out.append(screen)
            continue
        stored_marks = any(h.cleared_before for h in screen.hits)
        hits = _marked(screen.hits, memory, subjects.get(screen.party_id or 0))
        cleared = [h for h in hits if h.cleared_before]
        live = tuple(h for h in hits if not h.cleared_before)
        if cleared or stored_marks:
            out.append(replace(screen, hits=live, outcome=_outcome(live)))
        else:
            out.append(replace(screen, hits=live))
        if cleared:
            reasons.append(_cleared_reason(screen, cleared))
    return out, reasons


def after_decision(*, actor: Any, decision: Any, permission: str) -> None:
    """The hook of services.decide() and approve_override(): a clear that is final (no second
    approval needed, or given) remembers its sanctions-list party hits as "not a match" for
    the transaction's company; a block reverses the clearings that silenced hits of the
    blocked run and those made by earlier decisions on the transaction."""
    from tatara.export_control.choices import DecisionKind

    kind = decision.decision_kind
    if kind == DecisionKind.CLEAR and (not decision.needs_second_approval or decision.approved_at):
        _remember(actor, decision, permission)
    elif kind == DecisionKind.BLOCK:
        _reverse(actor, decision, permission)


def _remember(actor: Any, decision: Any, permission: str) -> None:
    from tatara.export_control.models import Party
    from tatara.screening import namesakes

    run, transaction = decision.screening_run, decision.transaction
    reasons = [
        r
        for r in (run.reasons if run is not None else []) or []
        if r.get("kind") == PARTY and r.get("code") in SANCTIONS_REASONS and r.get("party")
    ]
    if not reasons:
        return
    parties = Party.objects.in_bulk([r["party"] for r in reasons])
    for reason in reasons:
        party = parties.get(reason["party"])
        hits = [
            h
            for h in reason.get("hits") or []
            if h.get("entry_identity") and not h.get("cleared_before")
        ]
        if party is None or not hits:
            continue
        namesakes.remember(
            actor=actor,
            permission=permission,
            org_unit=transaction.org_unit,
            subject=namesakes.Subject.of_party(party),
            hits=hits,
            decision=decision,
            reason=decision.reason,
            decided_by_label=decision.decided_by_label,
            decided_at=decision.decided_at,
            approved_by_label=decision.approved_by_label,
            decision_label=transaction.reference,
        )
    refresh_stored(parties.values())


def forget_party_clearings(*, actor: Any, party: Any, permission: str, why: str) -> list[int]:
    """Reverse every clearing in force of `party`, whichever company made it (a block in the
    party master says it is the listed party, not a namesake)."""
    from tatara.screening import namesakes

    found = namesakes.in_force(company=None, party_id=party.pk)
    done = namesakes.forget(
        actor=actor, permission=permission, org_unit=party.org_unit, clearings=found, why=why
    )
    if done:
        refresh_stored([party])
    return done


def _reverse(actor: Any, decision: Any, permission: str) -> None:
    from django.utils.translation import gettext as _

    from tatara.export_control.models import Party
    from tatara.screening import namesakes

    run, transaction = decision.screening_run, decision.transaction
    shown = {
        int(h["cleared_before"])
        for r in (run.reasons if run is not None else []) or []
        if r.get("code") == CLEARED_BEFORE
        for h in r.get("hits") or []
        if h.get("cleared_before")
    }
    earlier = namesakes.made_by(transaction.decisions.exclude(pk=decision.pk))
    ids = shown | set(earlier.values_list("pk", flat=True))
    if not ids:
        return
    parties = set(
        namesakes.in_force(company=namesakes.company_of(transaction.org_unit))
        .filter(pk__in=ids)
        .values_list("party_id", flat=True)
    )
    why = _("Blocked: transaction %(ref)s") % {"ref": transaction.reference}
    namesakes.forget(
        actor=actor, permission=permission, org_unit=transaction.org_unit, clearings=ids, why=why
    )
    refresh_stored(Party.objects.filter(pk__in=[p for p in parties if p]))


def marked_hits(
    parties: Iterable[Any], org_unit: Any, viewer: Any
) -> dict[int, list[dict[str, Any]]]:
    """For a page: each party's stored hits marked with what `org_unit`'s company cleared it
    against before, each mark as `viewer` may see it (screening.namesakes.Marker)."""
    from tatara.screening import namesakes

    parties = [p for p in parties if p.screening_hits]
    if not parties:
        return {}
    memory, subjects = _memory(parties, org_unit)
    cache = namesakes.MarkerCache(viewer)
    out = {}
    for party in parties:
        subject = subjects[party.pk]
        hits = [
            {**h, "cleared_before": memory.cleared_hit(subject, h)} for h in party.screening_hits
        ]
        out[party.pk] = hits
    cache.prime(h["cleared_before"] for hits in out.values() for h in hits)
    return {pk: namesakes.marked(hits, cache) for pk, hits in out.items()}

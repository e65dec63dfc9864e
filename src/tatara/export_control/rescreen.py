"""Re-screening after a list update.

`connect()` (called from AppConfig.ready) registers `on_list_update` with the screening
service (`tatara.screening.service.register_rescreen`) or, while that does not exist, with the
list-changed hook (`tatara.screening.signals.on_list_changed`). Either way the callback gets
the list's diff (entry ids added, removed, changed), maybe with the new version.

Which parties could be affected:
- parties whose stored hits name a removed or changed entry of that list, and
- parties whose names (or aliases) match an added or changed entry: a small MatchIndex over
  just those entries is built and every party's names are screened against it (a screening
  of the whole list is only run for the parties found).
Each affected party is screened again in full; each of its open (not shipped) transactions
gets a new ScreeningRun (trigger "rescreen") with a review reason naming the list update.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction as db

from tatara.core.permissions import SystemActor
from tatara.export_control.assessment import PARTY, Reason
from tatara.export_control.choices import Outcome, ScreeningTrigger
from tatara.export_control.models import Party
from tatara.export_control.party_screening import Screener
from tatara.export_control.reasons import render_english

log = logging.getLogger(__name__)

ACTOR = SystemActor("system:list-update")


def _diff_of(args: Sequence[Any], kwargs: dict[str, Any]) -> tuple[Any, Any]:
    """(version, diff) from however the screening side calls us."""
    version = kwargs.get("version")
    diff = kwargs.get("diff")
    for arg in args:
        if hasattr(arg, "added") and hasattr(arg, "removed"):
            diff = arg
        elif hasattr(arg, "pk"):
            version = arg
    if version is None and diff is not None:
        version = getattr(diff, "version", None)  # the service's ListChange carries it
    if diff is None and version is not None and isinstance(getattr(version, "diff", None), dict):
        from tatara.screening.signals import ListDiff

        diff = ListDiff.from_json(version.diff)
    return version, diff


def _list_source(version: Any, diff: Any) -> str:
    source = getattr(diff, "source", None) or getattr(
        getattr(version, "screening_list", None), "source", None
    )
    if source is None:
        source = (getattr(diff, "extra", None) or {}).get("source", "")
    return str(source or "")


def _entry_records(version: Any, entry_ids: Iterable[str]) -> list[Any]:
    """MatchRecords of the version's entries with these ids (from the screening tables)."""
    from tatara.screening.matching import MatchRecord
    from tatara.screening.models import ListEntry

    ids = list(entry_ids)
    if version is None or not ids:
        return []
    source = _list_source(version, None)
    records = []
    for entry in ListEntry.objects.filter(version=version, entry_id__in=ids).prefetch_related(
        "names"
    ):
        names = tuple((n.name, n.quality) for n in entry.names.all()) or ((entry.name, "strong"),)
        records.append(
            MatchRecord(
                key=f"{source}:{entry.entry_id}",
                list_code=source,
                entry_id=entry.entry_id,
                names=names,
                kind=entry.kind,
                countries=tuple(entry.countries or ()),
                birth_dates=tuple(entry.birth_dates or ()),
                programmes=tuple(entry.programmes or ()),
            )
        )
    return records


def affected_parties(
    diff: Any, *, source: str = "", entry_records: Sequence[Any] = ()
) -> list[Party]:
    """Parties whose screening a list change could alter (see the module docstring)."""
    gone = set(getattr(diff, "removed", ())) | set(getattr(diff, "changed", ()))
    found: dict[int, Party] = {}
    if gone:
        for party in Party.objects.exclude(screening_hits=[]).iterator():
            for hit in party.screening_hits or []:
                same_list = not source or hit.get("list_source") == source
                if same_list and str(hit.get("list_entry_id")) in gone:
                    found[party.pk] = party
                    break
    if entry_records:
        from tatara.screening.matching import MatchIndex

        index = MatchIndex.build(entry_records)
        for party in Party.objects.order_by("pk").iterator():
            if party.pk in found:
                continue
            for name in party.all_names():
                if index.screen(name, country=party.country or None, limit=1, explain=False):
                    found[party.pk] = party
                    break
    return [found[pk] for pk in sorted(found)]


def rescreen_after_list_change(
    diff: Any,
    *,
    version: Any = None,
    source: str = "",
    entry_records: Sequence[Any] | None = None,
    screener: Screener | None = None,
) -> list[int]:
    """Re-screen the affected parties and their open transactions; the new runs' pks."""
    from tatara.export_control import services

    source = source or _list_source(version, diff)
    if entry_records is None and getattr(diff, "new_records", None) is not None:
        entry_records = list(diff.new_records.values())  # the service's ListChange
    if entry_records is None:
        entry_records = _entry_records(
            version, [*getattr(diff, "added", ()), *getattr(diff, "changed", ())]
        )
    parties = affected_parties(diff, source=source, entry_records=entry_records)
    runs: list[int] = []
    with db.atomic():
        for party in parties:
            before = [(h.get("list_source"), h.get("list_entry_id")) for h in party.screening_hits]
            services.screen_party(actor=ACTOR, party=party, screener=screener)
            after = [(h.get("list_source"), h.get("list_entry_id")) for h in party.screening_hits]
            open_transactions = services._open_transactions_of([party])
            for transaction in open_transactions:
                params: dict[str, Any] = {
                    "list": source or "",
                    "party": party.name,
                    "before": len(before),
                    "after": len(after),
                }
                reason = Reason(
                    PARTY,
                    Outcome.REVIEW,
                    render_english("party-list-update", params),
                    "party-list-update",
                    params=params,
                    party=party.pk,
                    party_name=party.name,
                )
                run = services.screen_transaction(
                    actor=ACTOR,
                    transaction=transaction,
                    trigger=ScreeningTrigger.RESCREEN,
                    screener=screener,
                    extra_reasons=[reason],
                )
                runs.append(run.pk)
    return runs


def on_list_update(*args: Any, **kwargs: Any) -> None:
    """The callback registered with the screening service."""
    version, diff = _diff_of(args, kwargs)
    if diff is None:
        log.warning("export_control re-screen called without a list diff: %r %r", args, kwargs)
        return
    runs = rescreen_after_list_change(diff, version=version)
    log.info("export_control re-screened %d open transactions after a list update", len(runs))


def connect() -> None:
    try:
        from tatara.screening.service import (  # type: ignore[import-not-found,unused-ignore]
            register_rescreen,
        )
    except ImportError:
        from tatara.screening.signals import on_list_changed

        on_list_changed(on_list_update)
        return
    register_rescreen(on_list_update)

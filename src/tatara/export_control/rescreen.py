"""Re-screening after a list update, as a background job.

`connect()` (called from AppConfig.ready) registers `on_list_update` with the screening
service (`tatara.screening.name_screening.register_rescreen`). After a list load commits, the
service calls it with the load's `ListChange`; it queues the job `export_control.rescreen`
(runner `run_rescreen`), started by the system actor `system:list-update` on the group's
root unit, so that the load itself stays fast and the work shows its progress on the job's
page (linked from the list version's page and the review queue).

The job, in two steps:
1. Which parties could be affected: every party's name and aliases (with country, date of
   birth and kind) are screened against ONLY what the update added or changed, by the
   screening service (`name_screening.rescreen_against_change`: a small index of the diff), which
   also reports the parties whose stored hits name a removed entry or a changed one they no
   longer match. For 100,000 parties this takes seconds (benchmarks/rescreening.py).
   Cleared namesakes (decision 0019) are honoured: a party is checked once per company whose
   memory applies to it (its own company's, and that of each open transaction it is on),
   with what that company cleared it against before; a hit on such an entry, its identity
   unchanged, does not make the party affected for that company. A changed entry has a new
   identity: the clearing no longer matches and the party is affected.
2. Each affected party is screened again in full; each of its open (not shipped)
   transactions gets a new ScreeningRun (trigger "rescreen") — its cleared-before hits left
   out as on every run — with a review reason naming the list update when the party is
   affected for that transaction's company. A blocked transaction stays blocked
   (services.screen_transaction).

Step 2 writes in one transaction: a job that fails has changed nothing.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

from django.db import transaction as db
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from tatara.core.permissions import SystemActor
from tatara.export_control.assessment import PARTY, Reason
from tatara.export_control.choices import Outcome, ScreeningTrigger
from tatara.export_control.models import Party, TransactionParty
from tatara.export_control.party_screening import Screener
from tatara.export_control.reasons import list_name, render_english

if TYPE_CHECKING:
    from tatara.core.jobs import JobOutcome, Reporter
    from tatara.core.models import Job
    from tatara.screening.name_screening import ListChange

log = logging.getLogger(__name__)

ACTOR = SystemActor("system:list-update")
JOB_KIND = "export_control.rescreen"
RUNNER = "tatara.export_control.rescreen.run_rescreen"
CHUNK = 2000  # parties read per query
Progress = Callable[[int, int, str], None]


def as_change(
    diff: Any, *, source: str = "", entry_records: Sequence[Any] = (), version_id: Any = None
) -> ListChange:
    """A screening `ListChange` from a diff and the new records of its added/changed entries
    (a load's change is passed through as it is)."""
    from tatara.screening.name_screening import ListChange

    if isinstance(diff, ListChange):
        return diff
    return ListChange(
        source=source,
        version_id=version_id,
        diff=diff,
        new_records={r.entry_id: r for r in entry_records},
    )


def _party_queries(source: str, companies: Mapping[int, int]) -> Iterator[Any]:
    """Every party as a screening PartyQuery, read in chunks: once per company whose memory
    applies to it (its own and that of each open transaction it is on), key (party pk,
    company pk), with what that company cleared it against before on this list."""
    from tatara.screening.models import ClearedMatch
    from tatara.screening.name_screening import PartyQuery
    from tatara.screening.namesakes import PARTY, Subject

    used_in: dict[int, set[int]] = defaultdict(set)
    links = TransactionParty.objects.filter(transaction__shipped_on=None).values_list(
        "party_id", "transaction__org_unit_id"
    )
    for party_id, unit_id in links.iterator(chunk_size=CHUNK):
        used_in[party_id].add(companies[unit_id])
    cleared: dict[tuple[int, str], dict[tuple[str, str, str], int]] = defaultdict(dict)
    remembered = ClearedMatch.objects.filter(
        revoked_at=None, subject_kind=PARTY, source=source
    ).values_list("company_id", "subject", "list_entry_id", "entry_identity", "pk")
    for company_id, subject, entry_id, identity, pk in remembered.iterator(chunk_size=CHUNK):
        cleared[(company_id, subject)][(source, entry_id, identity)] = pk

    rows = Party.objects.order_by("pk").values_list(
        "pk",
        "org_unit_id",
        "name",
        "aliases",
        "country",
        "date_of_birth",
        "party_kind",
        "screening_hits",
    )
    for pk, unit_id, name, aliases, country, birth, kind, hits in rows.iterator(chunk_size=CHUNK):
        own = [
            (source, str(h.get("list_entry_id")))
            for h in hits or []
            if isinstance(h, dict) and h.get("list_source") == source
        ]
        key = Subject.of_party(
            SimpleNamespace(pk=pk, name=name, aliases=aliases, country=country, date_of_birth=birth)
        ).key
        for company_id in sorted({companies[unit_id], *used_in.get(pk, ())}):
            yield PartyQuery.of(
                (pk, company_id),
                name,
                *[a for a in aliases or [] if isinstance(a, str) and a != name],
                country=country or None,
                birth_date=birth or None,
                kind=kind or None,
                hits=own,
                cleared=cleared.get((company_id, key)),
            )


def affected_parties(
    change: ListChange, *, progress: Progress | None = None
) -> dict[int, set[int]]:
    """Party pk → the companies for which the change could alter its screening (see the
    module docstring)."""
    from tatara.screening.name_screening import rescreen_against_change
    from tatara.screening.namesakes import companies_by_unit

    total = Party.objects.count()
    message = _("Checking parties against the list update")
    if progress is not None:
        progress(0, total, message)

    def tick(done: int) -> None:
        if progress is not None:
            progress(min(done, total), total, message)

    queries = _party_queries(change.source, companies_by_unit())
    outcome = rescreen_against_change(change, queries, report=tick)
    found: dict[int, set[int]] = defaultdict(set)
    for key in set(outcome.hits) | set(outcome.removed) | set(outcome.dropped):
        party_id, company_id = cast(tuple[int, int], key)
        found[party_id].add(company_id)
    return dict(found)


def affected_party_ids(change: ListChange, *, progress: Progress | None = None) -> list[int]:
    """Pks of the parties whose screening the change could alter, for any company."""
    return sorted(affected_parties(change, progress=progress))


def _update_reason(source: str, party: Party, before: int, after: int) -> Reason:
    params: dict[str, Any] = {"list": source, "party": party.name, "before": before, "after": after}
    return Reason(
        PARTY,
        Outcome.REVIEW,
        render_english("party-list-update", params),
        "party-list-update",
        params=params,
        party=party.pk,
        party_name=party.name,
    )


def rescreen_parties(
    party_ids: Sequence[int],
    *,
    source: str,
    screener: Screener | None = None,
    progress: Progress | None = None,
    affected: Mapping[int, set[int]] | None = None,
) -> list[int]:
    """Screen these parties again and give their open transactions a new run (one
    transaction); the new runs' pks. With `affected` (party pk → companies, as
    `affected_parties`), a transaction gets the list-update review reason only when its
    company is one the party is affected for (elsewhere the update touched only entries that
    company cleared the party against before)."""
    from tatara.export_control import services
    from tatara.screening.namesakes import companies_by_unit

    companies = companies_by_unit() if affected is not None else {}
    runs: list[int] = []
    total = len(party_ids)
    message = _("Screening the affected parties and their open transactions")
    with db.atomic():
        for done, party in enumerate(Party.objects.filter(pk__in=party_ids).order_by("pk"), 1):
            before = len(party.screening_hits or [])
            services.screen_party(actor=ACTOR, party=party, screener=screener)
            reason = _update_reason(source, party, before, len(party.screening_hits or []))
            for transaction in services._open_transactions_of([party]):
                concerned = affected is None or companies.get(
                    transaction.org_unit_id
                ) in affected.get(party.pk, ())
                run = services.screen_transaction(
                    actor=ACTOR,
                    transaction=transaction,
                    trigger=ScreeningTrigger.RESCREEN,
                    screener=screener,
                    extra_reasons=[reason] if concerned else [],
                )
                runs.append(run.pk)
            if progress is not None:
                progress(done, total, message)
    return runs


def rescreen_after_list_change(
    diff: Any,
    *,
    source: str = "",
    entry_records: Sequence[Any] = (),
    screener: Screener | None = None,
    progress: Progress | None = None,
) -> list[int]:
    """Find the affected parties and re-screen them with their open transactions, at once
    (the job's work; tests and the demo call it directly). The new runs' pks."""
    change = as_change(diff, source=source, entry_records=entry_records)
    affected = affected_parties(change, progress=progress)
    return rescreen_parties(
        sorted(affected),
        source=change.source,
        screener=screener,
        progress=progress,
        affected=affected,
    )


# --- the background job ----------------------------------------------------------------------


def queue_rescreen(change: ListChange) -> Job | None:
    """Queue the re-screening job for a list load (nothing when no party exists)."""
    from tatara.core.jobs import start_job
    from tatara.organisation.models import OrgUnit

    if change.version_id is None or not Party.objects.exists():
        return None
    root = OrgUnit.objects.filter(parent=None).order_by("pk").first()
    name = list_name(change.source) if change.source else change.list_name
    return start_job(
        actor=ACTOR,
        kind=JOB_KIND,
        label=_("Re-screen parties after the update of %(list)s") % {"list": name},
        org_unit=root,
        runner=RUNNER,
        system_job=True,
        params={
            "list_version": change.version_id,
            "source": change.source,
            "counts": change.diff.counts,
        },
    )


def run_rescreen(*, job: Job, report: Reporter) -> JobOutcome:
    """The job's runner: re-screen after the list version `params.list_version` was loaded."""
    from tatara.core.jobs import JobOutcome
    from tatara.screening.models import ListVersion
    from tatara.screening.name_screening import ListChange

    version = ListVersion.objects.select_related("screening_list").get(
        pk=job.params["list_version"]
    )
    change = ListChange.from_version(version)
    affected = affected_parties(change, progress=report)
    party_ids = sorted(affected)
    runs = rescreen_parties(party_ids, source=change.source, progress=report, affected=affected)
    counts = {"parties": Party.objects.count(), "affected": len(party_ids), "runs": len(runs)}
    summary = _(
        "%(parties)s parties checked: %(affected)s affected, "
        "%(runs)s open transactions screened again"
    ) % {key: number_format(value, force_grouping=True) for key, value in counts.items()}
    log.info("export_control re-screen after version %s: %s", version.pk, counts)
    return JobOutcome(summary=summary, details={"counts": counts, "runs": runs[:1000]})


def wording(job: Job) -> tuple[str, str]:
    """The job's label and summary in the reader's language (core.jobs.register_wording)."""
    label = _("Re-screen parties after the update of %(list)s") % {
        "list": list_name(job.params["source"])
    }
    counts = (job.result or {}).get("counts")
    summary = (
        _(
            "%(parties)s parties checked: %(affected)s affected, "
            "%(runs)s open transactions screened again"
        )
        % {
            key: number_format(counts[key], force_grouping=True)
            for key in ("parties", "affected", "runs")
        }
        if counts
        else ""
    )
    return label, summary


def on_list_update(change: ListChange) -> None:
    """The callback registered with the screening service."""
    job = queue_rescreen(change)
    if job is not None:
        log.info("export_control re-screen queued as job %s", job.pk)


def connect() -> None:
    from tatara.core.jobs import register_wording
    from tatara.screening.name_screening import register_rescreen

    register_rescreen(on_list_update)
    register_wording(JOB_KIND, wording)

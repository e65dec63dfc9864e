"""What the KPI write-side pages and API share: which rounds a user sees, which metrics a unit
owes for a period, the overdue-units dashboard panel and the import job.

Writes go through kpis.services, kpis.rounds and kpis.table_io, which check the gate; this
module only reads (through `visible_to`) and shapes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tatara.core import fiscal
from tatara.core.dashboard import Panel, Task
from tatara.core.models import Job
from tatara.core.permissions import ALL, allowed_units, can
from tatara.core.tabular.jobs import scope_unit
from tatara.kpis import rounds, services, table_io
from tatara.kpis.choices import Frequency, MetricKind, ObservationStatus
from tatara.kpis.models import CollectionRound, Metric, Observation
from tatara.organisation.models import OrgUnit

VIEW = "kpis.view"
CHANGE = "kpis.change"
SUBMIT = "kpis.submit"
APPROVE = "kpis.approve"
MANAGE = "kpis.manage"
EXPORT = "kpis.export"
IMPORT_KINDS = {"observations": "kpis.observations_import", "targets": "kpis.targets_import"}


# --- scope --------------------------------------------------------------------------------


def units_for(user: Any, action: str) -> QuerySet[OrgUnit]:
    """The org units on which `user` may `action`, in tree order."""
    units = allowed_units(user, action)
    if units is ALL:
        units = OrgUnit.objects.all()
    return units.order_by("path")


def unit_ids(user: Any, action: str) -> Any:
    """ALL, or the set of unit ids on which `user` may `action` (one query)."""
    units = allowed_units(user, action)
    return ALL if units is ALL else set(units.values_list("pk", flat=True))


def visible_rounds(user: Any) -> QuerySet[CollectionRound]:
    """Rounds the user may follow: requested by a unit in their view scope, or asking one."""
    units = allowed_units(user, VIEW)
    if units is ALL:
        return CollectionRound.objects.all()
    ids = units.values("pk")
    asking = CollectionRound.objects.filter(units__in=ids).values("pk")
    return CollectionRound.objects.filter(Q(org_unit__in=ids) | Q(pk__in=asking))


def period_text(start: dt.date, end: dt.date) -> str:
    return services.period_label(start, end)


@dataclass
class RoundView:
    """A round with the status rows of the units the viewer may see."""

    collection_round: CollectionRound
    units: list[rounds.UnitStatus]

    @property
    def counts(self) -> dict[str, int]:
        found = {state: 0 for state in rounds.STATE_LABELS}
        for unit in self.units:
            found[unit.state] += 1
        return found

    @property
    def overdue(self) -> list[rounds.UnitStatus]:
        return [u for u in self.units if u.overdue]

    @property
    def done(self) -> int:
        return sum(1 for u in self.units if u.state in (rounds.SUBMITTED, rounds.APPROVED))

    @property
    def percent(self) -> int:
        return int(self.done * 100 / len(self.units)) if self.units else 0

    @property
    def period(self) -> str:
        r = self.collection_round
        return period_text(r.period_start, r.period_end)


def round_views(
    user: Any, collection_rounds: list[CollectionRound], today: dt.date | None = None
) -> list[RoundView]:
    """Each round's status, limited to the units `user` may see (fixed number of queries)."""
    visible = unit_ids(user, VIEW)
    return [
        RoundView(
            status.collection_round,
            [u for u in status.units if visible is ALL or u.unit.pk in visible],
        )
        for status in rounds.round_statuses(collection_rounds, today or timezone.localdate())
    ]


# --- data entry ---------------------------------------------------------------------------


def entry_metrics(
    unit: OrgUnit, start: dt.date, end: dt.date
) -> tuple[list[Metric], list[CollectionRound]]:
    """The metrics `unit` owes for the period: those of the open rounds asking it for a period
    containing this one, else every metric entered (not derived) of the right frequency — a
    month takes monthly metrics, a fiscal year every metric (a monthly one as a whole year)."""
    asking = list(
        CollectionRound.objects.filter(
            is_closed=False, units=unit, period_start__lte=start, period_end__gte=end
        )
        .prefetch_related("metrics")
        .order_by("deadline", "pk")
    )
    if asking:
        found: dict[int, Metric] = {}
        for collection_round in asking:
            for metric in collection_round.metrics.all():
                found.setdefault(metric.pk, metric)
        return sorted(found.values(), key=lambda m: m.code), asking
    metrics = Metric.objects.exclude(kind__in=[MetricKind.RATIO, MetricKind.INTENSITY])
    if not services.is_fiscal_year(start, end):
        metrics = metrics.filter(frequency=Frequency.MONTHLY)
    return list(metrics.select_related("subject").order_by("subject__number", "code")), []


def observations_for(
    unit: OrgUnit, start: dt.date, end: dt.date, metrics: list[Metric]
) -> dict[int, Observation]:
    rows = Observation.objects.filter(
        org_unit=unit, period_start=start, period_end=end, metric__in=[m.pk for m in metrics]
    )
    return {o.metric_id: o for o in rows}


def status_of(observation: Observation | None) -> tuple[str, str]:
    """(css key, label) of a value's state on the entry page."""
    if observation is None:
        return "empty", _("Not entered")
    if observation.status == ObservationStatus.DRAFT and observation.return_note:
        return "returned", _("Returned")
    return str(observation.status), str(observation.get_status_display())


def default_period(today: dt.date | None = None) -> str:
    """The fiscal year just ended: what units usually report."""
    return fiscal.label(fiscal.year_of(today or timezone.localdate()) - 1)


@dataclass
class Due:
    """An open round asking one of the user's units."""

    collection_round: CollectionRound
    units: list[OrgUnit] = field(default_factory=list)

    @property
    def period(self) -> str:
        r = self.collection_round
        return period_text(r.period_start, r.period_end)


def rounds_due(user: Any, limit: int = 20) -> list[Due]:
    """Open rounds asking units the user may enter values for, with those units."""
    units = allowed_units(user, CHANGE)
    found = CollectionRound.objects.filter(is_closed=False)
    if units is not ALL:
        found = found.filter(units__in=units.values("pk")).distinct()
    result = []
    changeable = unit_ids(user, CHANGE)
    for collection_round in found.prefetch_related("units").order_by("deadline", "pk")[:limit]:
        asked = [
            u
            for u in sorted(collection_round.units.all(), key=lambda u: u.path)
            if changeable is ALL or u.pk in changeable
        ]
        result.append(Due(collection_round, asked))
    return result


# --- dashboard ----------------------------------------------------------------------------


def overdue_panel(viewer: Any) -> Panel | None:
    """Units late with their values in the open rounds the viewer follows."""
    if not can(viewer, VIEW):
        return None
    late = rounds.overdue_units(timezone.localdate(), viewer)
    if not late:
        return None
    panel = Panel(title=_("KPI data overdue"), url=reverse("kpi_collect:rounds"))
    for item in late:
        status, collection_round = item.status, item.collection_round
        panel.tasks.append(
            Task(
                title=_("%(round)s: %(done)d of %(expected)d metrics submitted")
                % {
                    "round": collection_round.title,
                    "done": status.submitted,
                    "expected": status.expected,
                },
                url=reverse("kpi_collect:round", args=[collection_round.pk]),
                who=status.unit.name,
                due=collection_round.deadline,
                overdue=True,
            )
        )
    panel.summary = [(_("Units overdue"), len(late))]
    return panel


# --- import job ---------------------------------------------------------------------------


def start_import(*, actor: Any, upload: Any, what: str, dry_run: bool) -> Job:
    """Queue a file of observations or targets to be checked (and, unless `dry_run`,
    applied) in the background; the job page shows progress and every error."""
    from tatara.core.jobs import start_job

    action = MANAGE if what == "targets" else CHANGE
    if not can(actor, action):
        raise PermissionDenied(f"not allowed: {action}")
    file_name = Path(getattr(upload, "name", "") or what).name
    names = {"file": file_name}
    if what == "targets":
        label = _("Check KPI targets %(file)s") if dry_run else _("Import KPI targets %(file)s")
    else:
        label = _("Check KPI values %(file)s") if dry_run else _("Import KPI values %(file)s")
    return start_job(
        actor=actor,
        kind=IMPORT_KINDS[what],
        label=label % names,
        org_unit=scope_unit(actor, action),
        runner="tatara.kpis.collection.run_import",
        input_file=upload,
        params={
            "what": what,
            "file_name": file_name,
            "dry_run": dry_run,
            "return_url": reverse("kpi_collect:import"),
        },
    )


def run_import(*, job: Job, report: Any) -> Any:
    """The job's runner: import the stored file as the person who uploaded it."""
    from tatara.core.jobs import JobOutcome

    params = job.params
    what = params.get("what", "observations")
    importer = table_io.import_targets if what == "targets" else table_io.import_observations
    report(0, 1, _("Checking the file"))
    with job.input_file.open("rb") as handle:
        result = importer(
            handle,
            actor=job.created_by,
            name=params.get("file_name") or Path(job.input_file.name).name,
            dry_run=bool(params.get("dry_run", False)),
        )
    report(1, 1, _("Done"))
    return JobOutcome(
        summary=result.summary(),
        details={
            "counts": {
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            },
            "dry_run": result.dry_run,
        },
    )

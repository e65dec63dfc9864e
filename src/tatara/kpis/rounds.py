"""Collection rounds: a unit (the CSR office) asks units below it for a set of metrics for one
period by a deadline, and follows who has answered.

A round's period is a fiscal year or a calendar month, valid for every metric asked (a
yearly metric needs a fiscal-year round). For a monthly metric in a fiscal-year round, either
the value for the whole year or all twelve months answer it. A unit's figures count
submitted and approved values; drafts only mark it "in progress".

`round_status` and `overdue_units` read a fixed number of queries, whatever the number of
rounds, units and metrics.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tatara.core import year_lock
from tatara.core.audit import record_event, stamp
from tatara.core.models import FiscalYear
from tatara.core.permissions import ALL, allowed_units, require
from tatara.kpis.choices import Frequency, ObservationStatus
from tatara.kpis.models import CollectionRound, Metric, Observation
from tatara.kpis.services import check_period, month_bounds
from tatara.organisation.models import OrgUnit

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
SUBMITTED = "submitted"
APPROVED = "approved"
STATE_LABELS = {
    NOT_STARTED: gettext_lazy("not started"),
    IN_PROGRESS: gettext_lazy("in progress"),
    SUBMITTED: gettext_lazy("submitted"),
    APPROVED: gettext_lazy("approved"),
}
_ANSWERED = {ObservationStatus.SUBMITTED, ObservationStatus.APPROVED}


# --- writes -------------------------------------------------------------------------------


def _fiscal_year(value: FiscalYear | int) -> FiscalYear:
    if isinstance(value, FiscalYear):
        return value
    from tatara.cycle.services import get_or_create_fiscal_year

    return get_or_create_fiscal_year(int(value))


@transaction.atomic
def open_round(
    *,
    actor: Any,
    org_unit: OrgUnit,
    title: str,
    fiscal_year: FiscalYear | int,
    period_start: dt.date,
    period_end: dt.date,
    deadline: dt.date,
    metrics: Iterable[Metric],
    units: Iterable[OrgUnit],
) -> CollectionRound:
    """Ask `units` (all within `org_unit`'s subtree) for `metrics` over one period."""
    require(actor, "kpis.manage", org_unit)
    metrics, units = list(metrics), list(units)
    year = _fiscal_year(fiscal_year)
    errors: dict[str, list[str]] = defaultdict(list)
    title = (title or "").strip()
    if not title:
        errors["title"].append(_("Give the round a title."))
    if not (year.start_date <= period_start <= period_end <= year.end_date):
        errors["period_start"].append(
            _("The period must lie within FY%(year)d (%(start)s to %(end)s).")
            % {
                "year": year.year,
                "start": year.start_date.isoformat(),
                "end": year.end_date.isoformat(),
            }
        )
    if deadline < period_end:
        errors["deadline"].append(_("The deadline cannot come before the end of the period."))
    if not metrics:
        errors["metrics"].append(_("Choose at least one metric."))
    for metric in metrics:
        try:
            check_period(metric, period_start, period_end)
        except ValidationError as exc:
            errors["metrics"].append(
                _("%(metric)s: %(problem)s") % {"metric": metric.code, "problem": exc.messages[0]}
            )
    if not units:
        errors["units"].append(_("Choose at least one unit to ask."))
    outside = sorted(u.code for u in units if not u.path.startswith(org_unit.path))
    if outside:
        errors["units"].append(
            _("These units are not within %(unit)s: %(codes)s.")
            % {"unit": org_unit.code, "codes": ", ".join(outside)}
        )
    if errors:
        raise ValidationError(dict(errors))
    collection_round = CollectionRound(
        title=title,
        org_unit=org_unit,
        fiscal_year=year,
        period_start=period_start,
        period_end=period_end,
        deadline=deadline,
    )
    collection_round.full_clean()
    stamp(collection_round, actor)
    collection_round.save()
    year_lock.require_open(
        actor=actor,
        year=year.year,
        what="kpi_round.opened",
        target=collection_round,
        org_unit=org_unit,
    )
    collection_round.metrics.set(metrics)
    collection_round.units.set(units)
    record_event(
        actor=actor,
        verb="kpi_round.opened",
        target=collection_round,
        org_unit=org_unit,
        data={
            "period": [period_start.isoformat(), period_end.isoformat()],
            "deadline": deadline.isoformat(),
            "metrics": sorted(m.code for m in metrics),
            "units": sorted(u.code for u in units),
        },
    )
    return collection_round


@transaction.atomic
def close_round(*, actor: Any, collection_round: CollectionRound) -> CollectionRound:
    """No more values are linked to a closed round and it is no longer followed as overdue."""
    require(actor, "kpis.manage", collection_round.org_unit)
    locked = CollectionRound.objects.select_for_update().get(pk=collection_round.pk)
    if locked.is_closed:
        raise ValidationError(_("This collection round is already closed."))
    year_lock.require_open(
        actor=actor,
        year=locked.fiscal_year.year,
        what="kpi_round.closed",
        target=collection_round,
        org_unit=collection_round.org_unit,
    )
    collection_round.is_closed = True
    stamp(collection_round, actor)
    collection_round.save(update_fields=["is_closed"])
    record_event(
        actor=actor,
        verb="kpi_round.closed",
        target=collection_round,
        org_unit=collection_round.org_unit,
    )
    return collection_round


# --- status -------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitStatus:
    """Where one asked unit stands: counts are of metrics (each metric counts once)."""

    unit: OrgUnit
    expected: int
    submitted: int  # submitted or approved
    approved: int
    state: str  # NOT_STARTED, IN_PROGRESS, SUBMITTED or APPROVED
    overdue: bool

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


@dataclass(frozen=True)
class RoundStatus:
    collection_round: CollectionRound
    units: list[UnitStatus]

    @property
    def overdue(self) -> list[UnitStatus]:
        return [u for u in self.units if u.overdue]


@dataclass(frozen=True)
class OverdueUnit:
    collection_round: CollectionRound
    status: UnitStatus
    days_late: int


def _months(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    months, day = [], start
    while day <= end:
        months.append(month_bounds(day.year, day.month))
        day = months[-1][1] + dt.timedelta(days=1)
    return months


def _metric_state(
    metric: Metric,
    start: dt.date,
    end: dt.date,
    found: dict[tuple[dt.date, dt.date], str],
) -> tuple[bool, bool, bool]:
    """(started, answered, approved) for one metric and unit, from the statuses of its values
    in the round's period keyed by (period_start, period_end)."""
    started = bool(found)
    whole = found.get((start, end))
    answered = whole in _ANSWERED
    approved = whole == ObservationStatus.APPROVED
    if metric.frequency == Frequency.MONTHLY and not approved:
        months = _months(start, end)
        if len(months) > 1:
            statuses = [found.get(m) for m in months]
            answered = answered or all(s in _ANSWERED for s in statuses)
            approved = all(s == ObservationStatus.APPROVED for s in statuses)
    return started, answered, approved


def _status(
    collection_round: CollectionRound,
    metrics: Sequence[Metric],
    units: Sequence[OrgUnit],
    values: dict[tuple[int, int], dict[tuple[dt.date, dt.date], str]],
    today: dt.date,
) -> RoundStatus:
    start, end = collection_round.period_start, collection_round.period_end
    rows = []
    for unit in units:
        started = answered = approved = 0
        for metric in metrics:
            found = {
                period: status
                for period, status in values.get((metric.pk, unit.pk), {}).items()
                if start <= period[0] and period[1] <= end
            }
            s, a, p = _metric_state(metric, start, end, found)
            started += s
            answered += a
            approved += p
        expected = len(metrics)
        if expected and approved == expected:
            state = APPROVED
        elif expected and answered == expected:
            state = SUBMITTED
        elif started:
            state = IN_PROGRESS
        else:
            state = NOT_STARTED
        overdue = today > collection_round.deadline and answered < expected
        rows.append(UnitStatus(unit, expected, answered, approved, state, overdue))
    return RoundStatus(collection_round, rows)


def _statuses(rounds: Sequence[CollectionRound], today: dt.date) -> list[RoundStatus]:
    """The status of each round (metrics and units prefetched) with one more query."""
    if not rounds:
        return []
    metric_ids = {m.pk for r in rounds for m in r.metrics.all()}
    unit_ids = {u.pk for r in rounds for u in r.units.all()}
    first = min(r.period_start for r in rounds)
    last = max(r.period_end for r in rounds)
    values: dict[tuple[int, int], dict[tuple[dt.date, dt.date], str]] = defaultdict(dict)
    rows = Observation.objects.filter(
        metric_id__in=metric_ids,
        org_unit_id__in=unit_ids,
        period_start__gte=first,
        period_end__lte=last,
    ).values_list("metric_id", "org_unit_id", "period_start", "period_end", "status")
    for metric_id, unit_id, period_start, period_end, status in rows:
        values[(metric_id, unit_id)][(period_start, period_end)] = status
    return [
        _status(
            r,
            list(r.metrics.all()),
            list(r.units.all()),
            values,
            today,
        )
        for r in rounds
    ]


def _parts() -> tuple[Prefetch[Any], Prefetch[Any]]:
    return (
        Prefetch("metrics", queryset=Metric.objects.order_by("code")),
        Prefetch("units", queryset=OrgUnit.objects.order_by("path")),
    )


def round_status(collection_round: CollectionRound, today: dt.date | None = None) -> RoundStatus:
    """Per asked unit: metrics expected, answered (submitted or approved) and approved, its
    state and whether it is overdue (deadline passed, not everything submitted). Three
    queries: the round's metrics, its units, and the values."""
    cache = getattr(collection_round, "_prefetched_objects_cache", {})
    if "metrics" not in cache or "units" not in cache:
        prefetch_related_objects([collection_round], *_parts())
    return _statuses([collection_round], today or dt.date.today())[0]


def overdue_units(today: dt.date, user: Any) -> list[OverdueUnit]:
    """Units late in open rounds, among the units `user` may view: the requesting office sees
    every unit it asked, a site's officer sees their own unit's lateness. Earliest deadline
    first; a fixed number of queries, however many rounds."""
    allowed = allowed_units(user, "kpis.view")
    rounds = CollectionRound.objects.filter(is_closed=False, deadline__lt=today)
    if allowed is not ALL:
        rounds = rounds.filter(Q(org_unit__in=allowed) | Q(units__in=allowed)).distinct()
    found = list(
        rounds.select_related("org_unit", "fiscal_year")
        .prefetch_related(*_parts())
        .order_by("deadline", "pk")
    )
    visible = None if allowed is ALL else set(allowed.values_list("pk", flat=True))
    return [
        OverdueUnit(status.collection_round, unit, (today - status.collection_round.deadline).days)
        for status in _statuses(found, today)
        for unit in status.overdue
        if visible is None or unit.unit.pk in visible
    ]


def round_statuses(
    collection_rounds: Iterable[CollectionRound], today: dt.date | None = None
) -> list[RoundStatus]:
    """`round_status` of several rounds at once, in a fixed number of queries (the rounds'
    metrics, their units, and the values), for lists of rounds."""
    found = list(collection_rounds)
    prefetch_related_objects(found, *_parts())
    return _statuses(found, today or dt.date.today())

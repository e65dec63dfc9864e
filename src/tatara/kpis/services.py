"""Every write of the kpis area, and the legal-parameter look-up targets need. Each write
checks the permission gate itself on the org unit, so pages, API, CLI and jobs cannot differ.

Each write also asks the fiscal-year lock (core.year_lock): a target of a closed year, a value
whose period lies in a closed year, its evidence — none changes until the year is reopened by a
second-approved decision, and every change made then is marked. The person who submitted a
value does not approve it (core.approvals, rule "kpis.observation", on by default)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tatara.core import fiscal, tabular, year_lock
from tatara.core.approvals import First, segregate
from tatara.core.audit import actor_label, record_event, stamp
from tatara.core.models import FiscalYear
from tatara.core.permissions import require
from tatara.cycle.services import check_evidence_file
from tatara.kpis.choices import Frequency, MetricKind, ObservationStatus, TargetKind
from tatara.kpis.models import (
    PLACES,
    CollectionRound,
    LegalParameter,
    Metric,
    Observation,
    Target,
)
from tatara.kpis.units import convert
from tatara.organisation.models import OrgUnit

HUNDRED_PERCENT = Decimal(100)
STORED_PLACES = Decimal(1).scaleb(-PLACES)  # 0.00000001
SUBMITTED_STATES = (ObservationStatus.SUBMITTED, ObservationStatus.APPROVED)


# --- legal parameters ---------------------------------------------------------------------


def parameter_in_force(code: str, on: dt.date) -> LegalParameter:
    """The row of legal parameter `code` that applies on day `on`: the latest valid_from on or
    before it. A ValidationError when the parameter did not exist yet (or is unknown)."""
    row = (
        LegalParameter.objects.filter(code=code, valid_from__lte=on).order_by("-valid_from").first()
    )
    if row is None:
        raise ValidationError(
            _("No value of the legal parameter %(code)s applies on %(day)s.")
            % {"code": code, "day": on.isoformat()}
        )
    return row


def legal_target_value(target: Target) -> Decimal:
    """The value a "legal minimum" target must reach: the parameter in force on the first day
    of the target's fiscal year (FY2019 starts 2019-04-01 → 2.2%; FY2020 → 2.2% too, since the
    2.3% rate applies from 2021-03-01; FY2021 → 2.3%). A rate that changes during the year
    applies from the next fiscal year's targets on."""
    row = parameter_in_force(target.legal_parameter, target.fiscal_year.start_date)
    return Decimal(row.value)


# --- targets ------------------------------------------------------------------------------


def parse_decimal(value: Any, field: str) -> Decimal:
    """A number as typed (or read from a file): a ValidationError on `field` otherwise."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: _("Enter a number.")}) from exc
    if not number.is_finite():
        raise ValidationError({field: _("Enter a number.")})
    return number


def check_target(
    *,
    kind: str,
    value: Decimal | float | int | str | None,
    year: int,
    base_year: int | None = None,
    legal_parameter: str = "",
    year_start: dt.date | None = None,
) -> Decimal | None:
    """The rules every target follows (create_target, update_target and the import use them):
    the value as a Decimal, None for a legal minimum. A ValidationError keyed by field."""
    if kind not in TargetKind.values:
        raise ValidationError(
            {
                "kind": _("Unknown target kind %(kind)s; use %(kinds)s.")
                % {"kind": kind, "kinds": ", ".join(TargetKind.values)}
            }
        )
    if kind == TargetKind.LEGAL_MINIMUM:
        if not legal_parameter:
            raise ValidationError(
                {"legal_parameter": _("A legal-minimum target names a legal parameter.")}
            )
        try:
            parameter_in_force(legal_parameter, year_start or fiscal.bounds(year)[0])
        except ValidationError as exc:
            raise ValidationError({"legal_parameter": exc.messages}) from exc
        return None
    if value is None or value == "":
        raise ValidationError({"value": _("This kind of target needs a value.")})
    number = parse_decimal(value, "value")
    if kind == TargetKind.REDUCE_VS_BASE:
        if base_year is None:
            raise ValidationError({"base_year": _("A reduction target needs a base year.")})
        if base_year >= year:
            raise ValidationError(
                {"base_year": _("The base year must come before the target's year.")}
            )
        if number <= 0:
            raise ValidationError({"value": _("The targeted reduction must be greater than zero.")})
    return number


@transaction.atomic
def create_target(
    *,
    actor: Any,
    metric: Metric,
    fiscal_year: FiscalYear,
    org_unit: OrgUnit,
    kind: str,
    value: Decimal | float | int | str | None = None,
    base_year: FiscalYear | None = None,
    legal_parameter: str = "",
) -> Target:
    """A target of `metric` for one fiscal year and scope unit (see choices.TargetKind)."""
    require(actor, "kpis.manage", org_unit)
    number = check_target(
        kind=kind,
        value=value,
        year=fiscal_year.year,
        base_year=base_year.year if base_year is not None else None,
        legal_parameter=legal_parameter,
        year_start=fiscal_year.start_date,
    )
    target = Target(
        metric=metric,
        fiscal_year=fiscal_year,
        org_unit=org_unit,
        kind=kind,
        value=number,
        base_year=base_year if kind == TargetKind.REDUCE_VS_BASE else None,
        legal_parameter=legal_parameter if kind == TargetKind.LEGAL_MINIMUM else "",
    )
    target.full_clean()
    stamp(target, actor)
    target.save()
    year_lock.require_open(
        actor=actor,
        year=fiscal_year.year,
        what="kpi_target.created",
        target=target,
        org_unit=org_unit,
    )
    record_event(
        actor=actor,
        verb="kpi_target.created",
        target=target,
        org_unit=org_unit,
        data={"metric": metric.code, "fiscal_year": fiscal_year.year, "kind": kind},
    )
    return target


def _target_state(target: Target) -> dict[str, Any]:
    return {
        "kind": target.kind,
        "value": plain_number(Decimal(target.value)) if target.value is not None else "",
        "base_year": target.base_year.year if target.base_year is not None else None,
        "legal_parameter": target.legal_parameter,
    }


@transaction.atomic
def update_target(
    *,
    actor: Any,
    target: Target,
    kind: str,
    value: Decimal | float | int | str | None = None,
    base_year: FiscalYear | None = None,
    legal_parameter: str = "",
) -> Target:
    """Change a target's kind, value, base year or legal parameter (its metric, year and unit
    stay). Nothing is saved and no event written when nothing changes."""
    require(actor, "kpis.manage", target.org_unit)
    target = (
        Target.objects.select_for_update(of=("self",))
        .select_related("fiscal_year", "base_year", "metric", "org_unit")
        .get(pk=target.pk)
    )
    number = check_target(
        kind=kind,
        value=value,
        year=target.fiscal_year.year,
        base_year=base_year.year if base_year is not None else None,
        legal_parameter=legal_parameter,
        year_start=target.fiscal_year.start_date,
    )
    before = _target_state(target)
    target.kind = kind
    target.value = number
    target.base_year = base_year if kind == TargetKind.REDUCE_VS_BASE else None
    target.legal_parameter = legal_parameter if kind == TargetKind.LEGAL_MINIMUM else ""
    after = _target_state(target)
    if after == before:
        return target
    year_lock.require_open(
        actor=actor,
        year=target.fiscal_year.year,
        what="kpi_target.updated",
        target=target,
        org_unit=target.org_unit,
    )
    target.full_clean()
    stamp(target, actor)
    target.save(update_fields=["kind", "value", "base_year", "legal_parameter"])
    record_event(
        actor=actor,
        verb="kpi_target.updated",
        target=target,
        org_unit=target.org_unit,
        data={
            "metric": target.metric.code,
            "fiscal_year": target.fiscal_year.year,
            "before": before,
            "after": after,
        },
    )
    return target


# --- periods ------------------------------------------------------------------------------


plain_number = tabular.plain_number  # a Decimal as people write it (core.tabular)


def is_fiscal_year(start: dt.date, end: dt.date) -> bool:
    return (start, end) == fiscal.bounds(fiscal.year_of(start))


def period_label(start: dt.date, end: dt.date) -> str:
    """FY2019 for a fiscal year, 2019-04 for a month (the import's period column)."""
    if is_fiscal_year(start, end):
        return fiscal.label(fiscal.year_of(start))
    return f"{start.year:04d}-{start.month:02d}"


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def previous_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The period before: the previous fiscal year for a fiscal year, else the previous month."""
    if is_fiscal_year(start, end):
        return fiscal.bounds(fiscal.year_of(start) - 1)
    last = start - dt.timedelta(days=1)
    return month_bounds(last.year, last.month)


def check_period(metric: Metric, start: dt.date, end: dt.date) -> None:
    """A period is a whole fiscal year, or (for monthly metrics) a whole calendar month."""
    if is_fiscal_year(start, end):
        return
    if metric.frequency == Frequency.MONTHLY and (start, end) == month_bounds(
        start.year, start.month
    ):
        return
    if metric.frequency == Frequency.MONTHLY:
        message = _("The period must be a calendar month or a fiscal year.")
    else:
        message = _("The period must be a fiscal year: this metric is collected yearly.")
    raise ValidationError({"period_start": message})


def check_no_double_count(metric: Metric, org_unit: OrgUnit, start: dt.date, end: dt.date) -> None:
    """A monthly metric is entered for a unit and fiscal year either month by month or as one
    value for the whole year, never both: consolidation would count the year twice."""
    if metric.frequency != Frequency.MONTHLY:
        return
    year = fiscal.year_of(start)
    fy_start, fy_end = fiscal.bounds(year)
    same = Observation.objects.filter(metric=metric, org_unit=org_unit)
    names = {"metric": metric.code, "unit": org_unit.code, "year": year}
    if (start, end) == (fy_start, fy_end):
        months = same.filter(period_start__gte=fy_start, period_end__lte=fy_end).exclude(
            period_start=fy_start, period_end=fy_end
        )
        if months.exists():
            raise ValidationError(
                {
                    "period_start": _(
                        "%(unit)s already has monthly values of %(metric)s in FY%(year)d; a "
                        "value for the whole year as well would count them twice. Enter the "
                        "remaining months instead."
                    )
                    % names
                }
            )
    elif same.filter(period_start=fy_start, period_end=fy_end).exists():
        raise ValidationError(
            {
                "period_start": _(
                    "%(unit)s already has a value of %(metric)s for the whole of FY%(year)d; "
                    "monthly values as well would count it twice."
                )
                % names
            }
        )


# --- observations -------------------------------------------------------------------------


def check_value(metric: Metric, value: Decimal) -> None:
    """Impossible values: negative amounts, ratios over 100%."""
    if value < 0:
        raise ValidationError(
            {"value": _("%(metric)s cannot be negative.") % {"metric": metric.code}}
        )
    if metric.kind == MetricKind.RATIO and convert(value, metric.unit, "percent") > HUNDRED_PERCENT:
        raise ValidationError(
            {"value": _("%(metric)s is a ratio and cannot exceed 100%%.") % {"metric": metric.code}}
        )


def _round_for(
    metric: Metric,
    org_unit: OrgUnit,
    start: dt.date,
    end: dt.date,
    given: CollectionRound | None,
) -> CollectionRound | None:
    """The collection round a value answers: the one given (checked), else the open round
    asking this unit for this metric over a period containing this one, if any."""
    if given is None:
        return (
            CollectionRound.objects.filter(
                is_closed=False,
                metrics=metric,
                units=org_unit,
                period_start__lte=start,
                period_end__gte=end,
            )
            .order_by("deadline", "pk")
            .first()
        )
    if given.is_closed:
        raise ValidationError({"collection_round": _("This collection round is closed.")})
    if not (
        given.period_start <= start
        and end <= given.period_end
        and given.metrics.filter(pk=metric.pk).exists()
        and given.units.filter(pk=org_unit.pk).exists()
    ):
        raise ValidationError(
            {
                "collection_round": _(
                    "The round “%(round)s” does not ask %(unit)s for %(metric)s in this period."
                )
                % {"round": given.title, "unit": org_unit.code, "metric": metric.code}
            }
        )
    return given


@transaction.atomic
def record_observation(
    *,
    actor: Any,
    metric: Metric,
    org_unit: OrgUnit,
    period_start: dt.date,
    period_end: dt.date,
    value: Decimal | float | int | str,
    unit: str = "",
    source: str = "",
    collection_round: CollectionRound | None = None,
) -> Observation:
    """Enter (or correct, while still a draft) the value of a metric for a unit and period.

    The value is stored in the metric's unit (1500 kWh for a MWh metric is stored as 1.5); what
    was entered is kept beside it. A unit of another dimension is refused, and so is a month
    of a monthly metric when the fiscal year already has a whole-year value (and vice versa).
    The value is linked to `collection_round`, or else to the open round asking for it.
    """
    require(actor, "kpis.change", org_unit)
    check_period(metric, period_start, period_end)
    year_lock.refuse_closed_period(period_start, period_end)  # the clearest reason first
    entered = parse_decimal(value, "value")
    entered_unit = (unit or metric.unit).strip()
    try:
        converted = convert(entered, entered_unit, metric.unit)
    except ValidationError as exc:
        raise ValidationError({"unit": exc.messages}) from exc
    # a conversion may carry more decimals than the column keeps (1500.00000000 kg → t);
    # what was entered is kept exactly beside it
    converted = converted.quantize(STORED_PLACES, rounding=ROUND_HALF_EVEN).normalize()
    observation = (
        Observation.objects.select_for_update()
        .filter(metric=metric, org_unit=org_unit, period_start=period_start, period_end=period_end)
        .first()
    )
    if observation is None:
        check_no_double_count(metric, org_unit, period_start, period_end)
        observation = Observation(
            metric=metric, org_unit=org_unit, period_start=period_start, period_end=period_end
        )
    elif observation.status != ObservationStatus.DRAFT:
        raise ValidationError(
            _("This value was already submitted (%(status)s); it can no longer be changed.")
            % {"status": observation.get_status_display()}
        )
    if collection_round is not None or observation.collection_round_id is None:
        observation.collection_round = _round_for(
            metric, org_unit, period_start, period_end, collection_round
        )
    observation.value = converted
    observation.original_value = entered
    observation.original_unit = entered_unit
    observation.source = source
    observation.full_clean()
    stamp(observation, actor)
    observation.save()
    _open(actor, observation, "kpi_observation.recorded")
    data: dict[str, Any] = {"metric": metric.code, "value": str(entered), "unit": entered_unit}
    if observation.collection_round_id:
        data["round"] = observation.collection_round_id
    record_event(
        actor=actor,
        verb="kpi_observation.recorded",
        target=observation,
        org_unit=org_unit,
        data=data,
    )
    return observation


def _open(actor: Any, observation: Observation, what: str) -> None:
    """The fiscal-year lock for a value: every fiscal year its period touches must be open
    (or reopened: then the change is marked)."""
    year_lock.require_open_period(
        actor=actor,
        start=observation.period_start,
        end=observation.period_end,
        what=what,
        target=observation,
        org_unit=observation.org_unit,
    )


def submitter(observation: Observation) -> First:
    return First(observation.submitted_by_id, observation.submitted_by_label)


def _lock_status(observation: Observation) -> str:
    """The observation's status as it is in the database, with its row locked."""
    status: str = (
        Observation.objects.select_for_update()
        .values_list("status", flat=True)
        .get(pk=observation.pk)
    )
    observation.status = status
    return status


def jump_limit(metric: Metric) -> Decimal:
    """The share of change that needs a reason: the metric's own, else KPI_JUMP_SHARE."""
    if metric.jump_threshold is not None:
        return Decimal(metric.jump_threshold)
    return Decimal(str(getattr(settings, "KPI_JUMP_SHARE", "0.5")))


@dataclass(frozen=True)
class Jump:
    """A value that moved more than the limit against the previous period's."""

    previous: Decimal
    value: Decimal
    share: Decimal | None  # None when the previous value was zero
    limit: Decimal
    previous_start: dt.date
    previous_end: dt.date

    def as_data(self) -> dict[str, str]:
        return {
            "previous_period": period_label(self.previous_start, self.previous_end),
            "previous": plain_number(self.previous),
            "value": plain_number(self.value),
            "share": _percent(self.share) if self.share is not None else "",
            "limit": _percent(self.limit),
        }


def _percent(share: Decimal) -> str:
    return plain_number((share * HUNDRED_PERCENT).quantize(Decimal("0.1"))) + "%"


def find_jump(observation: Observation) -> Jump | None:
    """Compare with the previous period's submitted or approved value of the same metric and
    unit (previous month for a month, previous fiscal year for a fiscal year). A change
    above the limit is a jump; so is any value above zero after a zero."""
    start, end = previous_period(observation.period_start, observation.period_end)
    previous = (
        Observation.objects.filter(
            metric_id=observation.metric_id,
            org_unit_id=observation.org_unit_id,
            period_start=start,
            period_end=end,
            status__in=SUBMITTED_STATES,
        )
        .values_list("value", flat=True)
        .first()
    )
    if previous is None:
        return None
    before, now = Decimal(previous), Decimal(observation.value)
    limit = jump_limit(observation.metric)
    if before == 0:
        return Jump(before, now, None, limit, start, end) if now > 0 else None
    share = abs(now - before) / abs(before)
    return Jump(before, now, share, limit, start, end) if share > limit else None


def _jump_message(jump: Jump, unit: str) -> str:
    names = {
        "value": plain_number(jump.value),
        "previous": plain_number(jump.previous),
        "unit": unit,
        "period": period_label(jump.previous_start, jump.previous_end),
        "limit": _percent(jump.limit),
    }
    if jump.share is None:
        return (
            _(
                "%(value)s %(unit)s after %(previous)s %(unit)s in %(period)s: a change from "
                "zero. Give the reason for the change."
            )
            % names
        )
    return _(
        "%(value)s %(unit)s against %(previous)s %(unit)s in %(period)s is a change of "
        "%(share)s, more than %(limit)s. Give the reason for the change."
    ) % {**names, "share": _percent(jump.share)}


@transaction.atomic
def submit_observation(*, actor: Any, observation: Observation, reason: str = "") -> Observation:
    """draft → submitted, after the checks: unit dimension, impossible values, and the jump
    against the previous period, which needs `reason` (kept in jump_reason)."""
    require(actor, "kpis.submit", observation.org_unit)
    _open(actor, observation, "kpi_observation.submitted")
    if _lock_status(observation) != ObservationStatus.DRAFT:
        raise ValidationError(_("Only a draft value can be submitted."))
    metric = observation.metric
    convert(Decimal(observation.original_value), observation.original_unit, metric.unit)
    check_value(metric, Decimal(observation.value))
    reason = (reason or "").strip()
    jump = find_jump(observation)
    if jump is not None and not reason:
        raise ValidationError({"jump_reason": _jump_message(jump, metric.unit)})
    observation.status = ObservationStatus.SUBMITTED
    observation.jump_reason = reason
    observation.return_note = ""  # answered by this submission; the row history keeps it
    observation.submitted_by = actor if getattr(actor, "pk", None) else None
    observation.submitted_by_label = actor_label(actor)
    stamp(observation, actor)
    observation.save(
        update_fields=[
            "status",
            "jump_reason",
            "return_note",
            "submitted_by",
            "submitted_by_label",
        ]
    )
    data: dict[str, Any] = {}
    if jump is not None:
        data["jump"] = jump.as_data()
    if reason:
        data["reason"] = reason
    record_event(
        actor=actor,
        verb="kpi_observation.submitted",
        target=observation,
        org_unit=observation.org_unit,
        data=data,
    )
    return observation


@transaction.atomic
def approve_observation(*, actor: Any, observation: Observation) -> Observation:
    """submitted → approved; only approved values feed consolidated figures. The submitter
    does not approve their own value (rule "kpis.observation")."""
    require(actor, "kpis.approve", observation.org_unit)
    _open(actor, observation, "kpi_observation.approved")
    if _lock_status(observation) != ObservationStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted value can be approved."))
    observation.refresh_from_db(fields=["submitted_by", "submitted_by_label"])
    segregate(
        actor,
        rule="kpis.observation",
        first=submitter(observation),
        message=_("You submitted this value: another approver approves it."),
    )
    observation.status = ObservationStatus.APPROVED
    observation.approved_by = actor if getattr(actor, "pk", None) else None
    observation.approved_at = timezone.now()
    stamp(observation, actor)
    observation.save(update_fields=["status", "approved_by", "approved_at"])
    record_event(
        actor=actor,
        verb="kpi_observation.approved",
        target=observation,
        org_unit=observation.org_unit,
    )
    return observation


@transaction.atomic
def return_observation(*, actor: Any, observation: Observation, note: str) -> Observation:
    """submitted → draft, by an approver, with a note saying what to correct."""
    require(actor, "kpis.approve", observation.org_unit)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"return_note": _("Say why the value is returned.")})
    _open(actor, observation, "kpi_observation.returned")
    if _lock_status(observation) != ObservationStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted value can be returned."))
    observation.status = ObservationStatus.DRAFT
    observation.return_note = note
    stamp(observation, actor)
    observation.save(update_fields=["status", "return_note"])
    record_event(
        actor=actor,
        verb="kpi_observation.returned",
        target=observation,
        org_unit=observation.org_unit,
        data={"note": note},
    )
    return observation


@transaction.atomic
def attach_evidence(*, actor: Any, observation: Observation, uploaded_file: Any) -> Observation:
    """Attach (or replace) the file backing a value, while it is a draft or submitted. The
    same types and size limit as the cycle's evidence; a replaced file stays in storage and
    in the row history."""
    require(actor, "kpis.change", observation.org_unit)
    _open(actor, observation, "kpi_observation.evidence")
    if _lock_status(observation) == ObservationStatus.APPROVED:
        raise ValidationError(
            {"evidence": _("The value is approved; its evidence can no longer be changed.")}
        )
    try:
        check_evidence_file(uploaded_file)
    except ValidationError as exc:
        raise ValidationError({"evidence": exc.messages}) from exc
    replaced = observation.evidence.name if observation.evidence else ""
    observation.evidence = uploaded_file
    stamp(observation, actor)
    observation.save(update_fields=["evidence"])
    data = {"file": observation.evidence.name}
    if replaced:
        data["replaced"] = replaced
    record_event(
        actor=actor,
        verb="kpi_observation.evidence_attached",
        target=observation,
        org_unit=observation.org_unit,
        data=data,
    )
    return observation

"""Every write of the kpis area, and the legal-parameter look-up targets need. Each write
checks the permission gate itself on the org unit, so pages, API, CLI and jobs cannot differ."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tatara.core import fiscal
from tatara.core.audit import record_event, stamp
from tatara.core.models import FiscalYear
from tatara.core.permissions import require
from tatara.kpis.choices import Frequency, MetricKind, ObservationStatus, TargetKind
from tatara.kpis.models import LegalParameter, Metric, Observation, Target
from tatara.kpis.units import convert
from tatara.organisation.models import OrgUnit

HUNDRED_PERCENT = Decimal(100)


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


def _decimal(value: Any, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: _("Enter a number.")}) from exc
    if not number.is_finite():
        raise ValidationError({field: _("Enter a number.")})
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
    if kind not in TargetKind.values:
        raise ValidationError({"kind": _("Unknown target kind.")})
    number: Decimal | None = None
    if kind == TargetKind.LEGAL_MINIMUM:
        if not legal_parameter:
            raise ValidationError(
                {"legal_parameter": _("A legal-minimum target names a legal parameter.")}
            )
        parameter_in_force(legal_parameter, fiscal_year.start_date)
    else:
        if value is None or value == "":
            raise ValidationError({"value": _("This kind of target needs a value.")})
        number = _decimal(value, "value")
        if kind == TargetKind.REDUCE_VS_BASE:
            if base_year is None:
                raise ValidationError({"base_year": _("A reduction target needs a base year.")})
            if base_year.year >= fiscal_year.year:
                raise ValidationError(
                    {"base_year": _("The base year must come before the target's year.")}
                )
            if number <= 0:
                raise ValidationError(
                    {"value": _("The targeted reduction must be greater than zero.")}
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
    record_event(
        actor=actor,
        verb="kpi_target.created",
        target=target,
        org_unit=org_unit,
        data={"metric": metric.code, "fiscal_year": fiscal_year.year, "kind": kind},
    )
    return target


# --- observations -------------------------------------------------------------------------


def check_period(metric: Metric, start: dt.date, end: dt.date) -> None:
    """A period is a whole fiscal year, or (for monthly metrics) a whole calendar month."""
    fy_start, fy_end = fiscal.bounds(fiscal.year_of(start))
    if (start, end) == (fy_start, fy_end):
        return
    last_day = dt.date(start.year, start.month, calendar.monthrange(start.year, start.month)[1])
    if metric.frequency == Frequency.MONTHLY and start.day == 1 and end == last_day:
        return
    if metric.frequency == Frequency.MONTHLY:
        message = _("The period must be a calendar month or a fiscal year.")
    else:
        message = _("The period must be a fiscal year: this metric is collected yearly.")
    raise ValidationError({"period_start": message})


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
) -> Observation:
    """Enter (or correct, while still a draft) the value of a metric for a unit and period.

    The value is stored in the metric's unit (1500 kWh for a MWh metric is stored as 1.5); what
    was entered is kept beside it. A unit of another dimension is refused.
    """
    require(actor, "kpis.change", org_unit)
    check_period(metric, period_start, period_end)
    entered = _decimal(value, "value")
    entered_unit = (unit or metric.unit).strip()
    try:
        converted = convert(entered, entered_unit, metric.unit)
    except ValidationError as exc:
        raise ValidationError({"unit": exc.messages}) from exc
    observation = Observation.objects.filter(
        metric=metric, org_unit=org_unit, period_start=period_start, period_end=period_end
    ).first()
    if observation is None:
        observation = Observation(
            metric=metric, org_unit=org_unit, period_start=period_start, period_end=period_end
        )
    elif observation.status != ObservationStatus.DRAFT:
        raise ValidationError(
            _("This value was already submitted (%(status)s); it can no longer be changed.")
            % {"status": observation.get_status_display()}
        )
    observation.value = converted
    observation.original_value = entered
    observation.original_unit = entered_unit
    observation.source = source
    observation.full_clean()
    stamp(observation, actor)
    observation.save()
    record_event(
        actor=actor,
        verb="kpi_observation.recorded",
        target=observation,
        org_unit=org_unit,
        data={"metric": metric.code, "value": str(entered), "unit": entered_unit},
    )
    return observation


@transaction.atomic
def submit_observation(*, actor: Any, observation: Observation) -> Observation:
    """draft → submitted, after the checks: unit dimension and impossible values."""
    require(actor, "kpis.submit", observation.org_unit)
    if observation.status != ObservationStatus.DRAFT:
        raise ValidationError(_("Only a draft value can be submitted."))
    metric = observation.metric
    convert(Decimal(observation.original_value), observation.original_unit, metric.unit)
    check_value(metric, Decimal(observation.value))
    observation.status = ObservationStatus.SUBMITTED
    stamp(observation, actor)
    observation.save(update_fields=["status"])
    record_event(
        actor=actor,
        verb="kpi_observation.submitted",
        target=observation,
        org_unit=observation.org_unit,
    )
    return observation


@transaction.atomic
def approve_observation(*, actor: Any, observation: Observation) -> Observation:
    """submitted → approved; only approved values feed consolidated figures."""
    require(actor, "kpis.approve", observation.org_unit)
    if observation.status != ObservationStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted value can be approved."))
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

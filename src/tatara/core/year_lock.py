"""A closed fiscal year is a record: one lock per fiscal year that every write checks.

Each area's services call `require_open()` (or `require_open_period()`) before they change a
record that belongs to a fiscal year — an initiative, a KPI target, an observation of a period
in that year, an evidence file, a rating override — so the pages, the API, the command line,
imports and jobs cannot differ. The admin writes nothing of these records.

    require_open(actor=user, year=2019, target=initiative, what="initiative.results")
    close_year(actor=csr, year=2019)                     # the cycle does this when it closes
    reopening = request_reopening(actor=csr, year=2019, reason="Auditor's correction of …")
    approve_reopening(actor=risk, reopening=reopening)   # another person, "fiscal.approve"
    close_year(actor=csr, year=2019)                     # ends the reopening

A closed year opens again only through a reopening: asked for with a reason ("fiscal.reopen",
group-wide), approved by another person ("fiscal.approve", group-wide; core.approvals) and
ended by closing the year again. While it is open, every write that passes the lock records an
AuditEvent "fiscal.changed_while_reopened" naming the reopening and what changed, so the
changes made under it stay marked (`changes_under()`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tatara.core import fiscal
from tatara.core.approvals import First, require_other_person, same_person
from tatara.core.audit import actor_label, record_event
from tatara.core.models import AuditEvent, FiscalYear, ReopeningStatus, YearReopening
from tatara.core.permissions import ALL, allowed_units, can

CLOSE, REOPEN, APPROVE = "fiscal.close", "fiscal.reopen", "fiscal.approve"
CHANGED_WHILE_REOPENED = "fiscal.changed_while_reopened"


class YearClosed(ValidationError):
    """A write touched a closed fiscal year."""


def _require_group_wide(actor: Any, action: str) -> None:
    # a fiscal year is the whole group's: only a group-wide grant acts on it
    if allowed_units(actor, action) is not ALL:
        raise PermissionDenied(f"not allowed: {action}")


def _year_number(year: int | FiscalYear) -> int:
    return year.year if isinstance(year, FiscalYear) else int(year)


def open_reopening(year: int | FiscalYear) -> YearReopening | None:
    return (
        YearReopening.objects.filter(
            fiscal_year__year=_year_number(year), status=ReopeningStatus.OPEN
        )
        .select_related("fiscal_year")
        .first()
    )


def is_closed(year: int | FiscalYear) -> bool:
    """Closed and not reopened: no record of the year may change."""
    number = _year_number(year)
    closed = FiscalYear.objects.filter(year=number, closed_at__isnull=False).exists()
    return closed and open_reopening(number) is None


def closed_years() -> set[int]:
    """The years that are closed and not reopened (one query, for pages that mark many rows)."""
    closed = set(FiscalYear.objects.filter(closed_at__isnull=False).values_list("year", flat=True))
    reopened = set(
        YearReopening.objects.filter(status=ReopeningStatus.OPEN).values_list(
            "fiscal_year__year", flat=True
        )
    )
    return closed - reopened


def closed_condition(path: str) -> Any:
    """A filter condition for rows whose fiscal year — at `path`, e.g. "cycle__fiscal_year" —
    is closed and not reopened; no query of its own (for lists: `.exclude(closed_condition(…))`)."""
    reopened = YearReopening.objects.filter(
        fiscal_year=models.OuterRef(path), status=ReopeningStatus.OPEN
    )
    return models.Q(**{f"{path}__closed_at__isnull": False}) & ~models.Exists(reopened)


def closed_message(year: int) -> str:
    return _(
        "FY%(year)d is closed; its records can no longer change. A closed year can be "
        "reopened by a decision with a reason, approved by a second person."
    ) % {"year": year}


def require_open(
    *,
    actor: Any,
    year: int | FiscalYear,
    what: str,
    target: models.Model | None = None,
    org_unit: Any = None,
) -> YearReopening | None:
    """Refuse (YearClosed) a write to a record of a closed year. When the year is reopened,
    mark the change (an event under the reopening) and return the reopening; else None."""
    number = _year_number(year)
    row = FiscalYear.objects.filter(year=number).only("closed_at").first()
    if row is None or row.closed_at is None:
        return None
    reopening = open_reopening(number)
    if reopening is None:
        raise YearClosed(closed_message(number), code="year_closed")
    record_event(
        actor=actor,
        verb=CHANGED_WHILE_REOPENED,
        target=target,
        org_unit=org_unit,
        data={"year": number, "reopening": reopening.pk, "what": what},
    )
    return reopening


def years_of_period(start: dt.date, end: dt.date) -> list[int]:
    first, last = fiscal.year_of(start), fiscal.year_of(end)
    return list(range(first, last + 1))


def require_open_period(
    *,
    actor: Any,
    start: dt.date,
    end: dt.date,
    what: str,
    target: models.Model | None = None,
    org_unit: Any = None,
) -> YearReopening | None:
    """require_open() for every fiscal year the period [start, end] touches."""
    found = None
    for number in years_of_period(start, end):
        found = (
            require_open(actor=actor, year=number, what=what, target=target, org_unit=org_unit)
            or found
        )
    return found


def refuse_closed_period(start: dt.date, end: dt.date) -> None:
    """Refuse (YearClosed) early, before any other check, a write into a closed year; marks
    nothing (the write still calls require_open_period, which marks it when reopened)."""
    for number in years_of_period(start, end):
        if is_closed(number):
            raise YearClosed(closed_message(number), code="year_closed")


def _fiscal_year(year: int | FiscalYear, *, create: bool = False) -> FiscalYear:
    if isinstance(year, FiscalYear):
        return year
    found = FiscalYear.objects.filter(year=int(year)).first()
    if found is None:
        if not create:
            raise ValidationError(_("FY%(year)d is not known.") % {"year": int(year)})
        start, end = fiscal.bounds(int(year))
        found = FiscalYear.objects.create(year=int(year), start_date=start, end_date=end)
    return found


# Areas register what must be finished before a reopened year closes again: a check gets the
# reopening and returns the problems (sentences naming the records), empty when none.
_END_CHECKS: list[Callable[[YearReopening], list[str]]] = []


def register_end_check(check: Callable[[YearReopening], list[str]]) -> None:
    if check not in _END_CHECKS:
        _END_CHECKS.append(check)


def changed_targets(reopening: YearReopening, model: type[models.Model]) -> set[str]:
    """The ids (as stored in audit events) of `model`'s rows changed under the reopening."""
    content_type = ContentType.objects.get_for_model(model)
    return set(
        changes_under(reopening)
        .filter(target_type=content_type)
        .values_list("target_id", flat=True)
    )


@transaction.atomic
def close_year(*, actor: Any, year: int | FiscalYear) -> FiscalYear:
    """Close the year (its records become read-only). Closing a reopened year ends the
    reopening, once what was reopened is finished again (the areas' end checks: e.g. an
    initiative sent back under the reopening is confirmed again); closing a closed year
    changes nothing."""
    _require_group_wide(actor, CLOSE)
    fiscal_year = FiscalYear.objects.select_for_update().get(pk=_fiscal_year(year, create=True).pk)
    reopening = open_reopening(fiscal_year)
    now = timezone.now()
    if reopening is not None:
        problems = [problem for check in _END_CHECKS for problem in check(reopening)]
        if problems:
            raise ValidationError(
                [
                    _("FY%(year)d cannot be closed again yet.") % {"year": fiscal_year.year},
                    *problems,
                ],
                code="reopening_unfinished",
            )
        reopening.status = ReopeningStatus.ENDED
        reopening.ended_at = now
        reopening.ended_by_label = actor_label(actor)
        reopening.save(update_fields=["status", "ended_at", "ended_by_label"])
        record_event(
            actor=actor,
            verb="fiscal.reopening_ended",
            target=reopening,
            data={"year": fiscal_year.year, "changes": changes_under(reopening).count()},
        )
        return fiscal_year
    if fiscal_year.closed_at is not None:
        return fiscal_year
    fiscal_year.closed_at = now
    fiscal_year.closed_by_label = actor_label(actor)
    fiscal_year.save(update_fields=["closed_at", "closed_by_label"])
    record_event(
        actor=actor, verb="fiscal.year_closed", target=fiscal_year, data={"year": fiscal_year.year}
    )
    return fiscal_year


@transaction.atomic
def request_reopening(*, actor: Any, year: int | FiscalYear, reason: str) -> YearReopening:
    """Ask for a closed year to be reopened; it opens once another person approves."""
    _require_group_wide(actor, REOPEN)
    fiscal_year = FiscalYear.objects.select_for_update().get(pk=_fiscal_year(year).pk)
    if fiscal_year.closed_at is None:
        raise ValidationError(_("FY%(year)d is not closed.") % {"year": fiscal_year.year})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for reopening the year.")})
    pending = fiscal_year.reopenings.filter(
        status__in=[ReopeningStatus.REQUESTED, ReopeningStatus.OPEN]
    ).first()
    if pending is not None:
        raise ValidationError(
            _("FY%(year)d is already reopened or awaiting approval of a reopening.")
            % {"year": fiscal_year.year}
        )
    reopening = YearReopening.objects.create(
        fiscal_year=fiscal_year,
        reason=reason,
        requested_by=actor if getattr(actor, "pk", None) else None,
        requested_by_label=actor_label(actor),
        requested_at=timezone.now(),
    )
    record_event(
        actor=actor,
        verb="fiscal.reopening_requested",
        target=reopening,
        data={"year": fiscal_year.year, "reason": reason},
    )
    return reopening


def _locked(reopening: YearReopening) -> YearReopening:
    return (
        YearReopening.objects.select_for_update().select_related("fiscal_year").get(pk=reopening.pk)
    )


@transaction.atomic
def approve_reopening(*, actor: Any, reopening: YearReopening) -> YearReopening:
    """The second approval: another person holding "fiscal.approve" group-wide."""
    _require_group_wide(actor, APPROVE)
    reopening = _locked(reopening)
    if reopening.status != ReopeningStatus.REQUESTED:
        raise ValidationError(_("This reopening is not awaiting approval."))
    require_other_person(
        actor,
        first=First(reopening.requested_by_id, reopening.requested_by_label),
        message=_("A reopening must be approved by someone other than the person who asked."),
    )
    reopening.status = ReopeningStatus.OPEN
    reopening.approved_by = actor if getattr(actor, "pk", None) else None
    reopening.approved_by_label = actor_label(actor)
    reopening.approved_at = timezone.now()
    reopening.save(update_fields=["status", "approved_by", "approved_by_label", "approved_at"])
    record_event(
        actor=actor,
        verb="fiscal.reopening_approved",
        target=reopening,
        data={"year": reopening.fiscal_year.year, "asked_by": reopening.requested_by_label},
    )
    return reopening


@transaction.atomic
def withdraw_reopening(*, actor: Any, reopening: YearReopening) -> YearReopening:
    """Withdraw (or refuse) a reopening that has not been approved yet."""
    reopening = _locked(reopening)
    if allowed_units(actor, APPROVE) is not ALL:
        _require_group_wide(actor, REOPEN)
    if reopening.status != ReopeningStatus.REQUESTED:
        raise ValidationError(_("Only a reopening awaiting approval can be withdrawn."))
    reopening.status = ReopeningStatus.WITHDRAWN
    reopening.ended_at = timezone.now()
    reopening.ended_by_label = actor_label(actor)
    reopening.save(update_fields=["status", "ended_at", "ended_by_label"])
    record_event(
        actor=actor,
        verb="fiscal.reopening_withdrawn",
        target=reopening,
        data={"year": reopening.fiscal_year.year},
    )
    return reopening


def changes_under(reopening: YearReopening) -> QuerySet[AuditEvent]:
    """The changes made while `reopening` was open, oldest first."""
    return AuditEvent.objects.filter(
        verb=CHANGED_WHILE_REOPENED, data__reopening=reopening.pk
    ).order_by("created_at", "id")


# --- reads: the fiscal years page, the marks on changed records, the dashboard -------------

VIEW = "fiscal.view"


def can_act(actor: Any, action: str) -> bool:
    """Does `actor` hold `action` (fiscal.close, fiscal.reopen, fiscal.approve) group-wide?"""
    return bool(allowed_units(actor, action) is ALL)


@dataclass(frozen=True)
class LockState:
    """A year's lock as a page shows it: closed (and not reopened), the reopening open now,
    and whether it was ever reopened (only then can its records carry a mark)."""

    year: int
    closed: bool
    reopening: YearReopening | None
    ever_reopened: bool


def lock_state(year: int | FiscalYear) -> LockState:
    """Two queries, whatever the page."""
    number = _year_number(year)
    closed_at = FiscalYear.objects.filter(year=number).values_list("closed_at", flat=True).first()
    reopenings = list(
        YearReopening.objects.filter(
            fiscal_year__year=number, status__in=[ReopeningStatus.OPEN, ReopeningStatus.ENDED]
        ).select_related("fiscal_year")
    )
    current = next((r for r in reopenings if r.status == ReopeningStatus.OPEN), None)
    return LockState(
        year=number,
        closed=closed_at is not None and current is None,
        reopening=current,
        ever_reopened=bool(reopenings),
    )


def fiscal_years(*, viewer: Any) -> list[FiscalYear]:
    """Every fiscal year, newest first, each with its reopenings (`reopening_list`, newest
    first) and `state`: "open", "closed", "requested" (closed, a reopening awaits approval) or
    "reopened". Group-wide data: anyone who may view fiscal years sees them all."""
    if not can(viewer, VIEW):
        return []
    years: list[FiscalYear] = list(
        FiscalYear.objects.order_by("-year").prefetch_related(
            models.Prefetch(
                "reopenings",
                queryset=YearReopening.objects.order_by("-requested_at", "-id"),
                to_attr="reopening_list",
            )
        )
    )
    for year in years:
        statuses = {r.status for r in year.reopening_list}  # type: ignore[attr-defined]
        if year.closed_at is None:
            state = "open"
        elif ReopeningStatus.OPEN in statuses:
            state = "reopened"
        elif ReopeningStatus.REQUESTED in statuses:
            state = "requested"
        else:
            state = "closed"
        year.state = state  # type: ignore[attr-defined]
    return years


def visible_changes(reopening: YearReopening, *, viewer: Any) -> QuerySet[AuditEvent]:
    """The changes made under `reopening` on records in the viewer's scope."""
    return changes_under(reopening).filter(
        pk__in=AuditEvent.objects.visible_to(viewer, VIEW).values("pk")
    )


def reopenings_touching(target: models.Model) -> list[YearReopening]:
    """The reopenings under which `target` was changed (for a mark on its page)."""
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(target)
    ids = set(
        AuditEvent.objects.filter(
            verb=CHANGED_WHILE_REOPENED, target_type=content_type, target_id=str(target.pk)
        ).values_list("data__reopening", flat=True)
    )
    return list(
        YearReopening.objects.filter(pk__in=[i for i in ids if i is not None])
        .select_related("fiscal_year")
        .order_by("requested_at", "id")
    )


def changed_while_reopened(model: type[models.Model], pks: list[Any]) -> set[str]:
    """Of the rows `pks` of `model`, the primary keys (as text) changed under a reopening."""
    from django.contrib.contenttypes.models import ContentType

    if not pks:
        return set()
    return set(
        AuditEvent.objects.filter(
            verb=CHANGED_WHILE_REOPENED,
            target_type=ContentType.objects.get_for_model(model),
            target_id__in=[str(pk) for pk in pks],
        ).values_list("target_id", flat=True)
    )


def awaiting_approval(*, viewer: Any) -> list[YearReopening]:
    """Reopenings the viewer may approve now: asked for by someone else."""
    if not can_act(viewer, APPROVE):
        return []
    return _others(viewer, YearReopening.objects.filter(status=ReopeningStatus.REQUESTED))


def _others(viewer: Any, reopenings: Any) -> list[YearReopening]:
    return [
        r
        for r in reopenings.select_related("fiscal_year")
        if not same_person(viewer, First(r.requested_by_id, r.requested_by_label))
    ]


def dashboard_panel(viewer: Any) -> Any:
    """Tasks of the fiscal-year lock: approve a reopening asked for by someone else; close a
    reopened year again once its corrections are made. No panel when there is nothing to do."""
    from django.urls import reverse

    from tatara.core.dashboard import Panel, Task

    approver, closer = can_act(viewer, APPROVE), can_act(viewer, CLOSE)
    if not (approver or closer):
        return None
    pending = list(  # one query for both kinds of task
        YearReopening.objects.filter(
            status__in=[ReopeningStatus.REQUESTED, ReopeningStatus.OPEN]
        ).select_related("fiscal_year")
    )
    tasks = []
    asked = [r for r in pending if r.status == ReopeningStatus.REQUESTED]
    for reopening in asked if approver else []:
        if same_person(viewer, First(reopening.requested_by_id, reopening.requested_by_label)):
            continue
        tasks.append(
            Task(
                _("Approve or refuse the reopening of %(fy)s (asked for by %(who)s: %(why)s)")
                % {
                    "fy": reopening.fiscal_year.label,
                    "who": reopening.requested_by_label,
                    "why": reopening.reason[:80] + ("…" if len(reopening.reason) > 80 else ""),
                },
                reverse("fiscal-reopening", args=[reopening.pk]),
                _("Second approver"),
            )
        )
    for reopening in pending if closer else []:
        if reopening.status == ReopeningStatus.OPEN:
            tasks.append(
                Task(
                    _("%(fy)s is reopened: close it again once the corrections are made")
                    % {"fy": reopening.fiscal_year.label},
                    reverse("fiscal-reopening", args=[reopening.pk]),
                    _("CSR Management Office"),
                )
            )
    if not tasks:
        return None
    return Panel(title=_("Closed fiscal years"), tasks=tasks, url=reverse("fiscal-years"))

"""The officer's review of a batch screening: every alert is cleared (not the listed party,
with a reason) or confirmed (it is the listed party, with a reason). Clearing an alert with a
strong hit (score ≥ STRONG_THRESHOLD) is an override: it waits for the second approval of
another user holding `screening.approve`, as clearing a strong hit on a transaction does.

    batch = store_batch(actor=user, org_unit=unit, file_name="customers.xlsx", result=..., job=job)
    decide_alert(actor=officer, alert=alert, decision="clear", reason="Different person: born 1980")
    approve_alert(actor=risk_officer, alert=alert)

Permissions: `screening.view` on the batch's unit to see it, `screening.review` to decide,
`screening.approve` (not the decider) for the second approval. Every decision is in the
alert's row history and in the audit trail (`screening.batch_alert_decided`, `…_approved`).

Cleared namesakes are remembered (namesakes.py, decision 0019): once an alert is cleared for
good (at once, or at the second approval of a strong one) each of its hits is remembered for
the batch's company, and later batches of that company show those hits "cleared before"
without counting them; a row whose every hit was cleared before is kept with the status
`cleared_before` (clear; it may still be confirmed). Confirming an alert reverses the
clearings of its name on its hits' entries.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction as db
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tatara.core.approvals import First, require_other_person
from tatara.core.audit import actor_label, record_event, stamp
from tatara.core.permissions import require
from tatara.core.tabular import deterministic_xlsx, guard_formula
from tatara.screening import namesakes
from tatara.screening.choices import AlertDecision, AlertStatus
from tatara.screening.models import BatchAlert, BatchScreening

VIEW, REVIEW, APPROVE = "screening.view", "screening.review", "screening.approve"
OPEN = (AlertStatus.PENDING, AlertStatus.AWAITING_APPROVAL)


# --- storing a screened batch ------------------------------------------------------------------


def store_batch(
    *, actor: Any, org_unit: Any, file_name: str, result: Any, job: Any = None
) -> BatchScreening:
    """Keep a screened batch (`batch.BatchResult`) with its alerts, for review."""
    require(actor, VIEW, org_unit)
    with db.atomic():
        batch = BatchScreening.objects.create(
            org_unit=org_unit,
            job=job,
            file_name=file_name[:255],
            created_by=actor if getattr(actor, "pk", None) else None,
            created_by_label=actor_label(actor),
            list_versions=list(result.list_versions),
            counts=result.counts,
        )
        BatchAlert.objects.bulk_create(
            [
                BatchAlert(
                    batch=batch,
                    row=row.party.row,
                    name=row.party.name[:500],
                    country=row.party.country or "",
                    date_of_birth=row.party.date_of_birth or "",
                    kind=row.party.kind or "",
                    outcome=row.outcome,
                    best_score=row.result.hits[0].score,
                    hits=[hit.to_json() for hit in row.result.hits],
                    status=AlertStatus.CLEARED_BEFORE
                    if row.cleared_before
                    else AlertStatus.PENDING,
                )
                for row in result.rows
                if row.result.hits
            ],
            batch_size=1000,
        )
        record_event(
            actor=actor,
            verb="screening.batch_stored",
            target=batch,
            org_unit=org_unit,
            data={"file": batch.file_name, **batch.counts},
        )
    return batch


# --- reads ---------------------------------------------------------------------------------


def batches(*, viewer: Any) -> QuerySet[BatchScreening]:
    """Batches in the viewer's scope, newest first, with their open and decided alerts
    counted (`open_alerts`, `awaiting`, `cleared`, `confirmed`, `cleared_before`) in the same
    query."""
    return (
        BatchScreening.objects.visible_to(viewer, VIEW)
        .select_related("org_unit")
        .annotate(
            open_alerts=Count("alerts", filter=Q(alerts__status=AlertStatus.PENDING)),
            awaiting=Count("alerts", filter=Q(alerts__status=AlertStatus.AWAITING_APPROVAL)),
            cleared=Count("alerts", filter=Q(alerts__status=AlertStatus.CLEARED)),
            confirmed=Count("alerts", filter=Q(alerts__status=AlertStatus.CONFIRMED)),
            cleared_before=Count("alerts", filter=Q(alerts__status=AlertStatus.CLEARED_BEFORE)),
        )
        .order_by("-created_at", "-pk")
    )


def alerts_of(*, viewer: Any, batch: BatchScreening, status: str = "") -> QuerySet[BatchAlert]:
    found = BatchAlert.objects.visible_to(viewer, VIEW).filter(batch=batch)
    if status == "open":
        found = found.filter(status__in=OPEN)
    elif status:
        found = found.filter(status=status)
    return found.order_by("-best_score", "row", "pk")


def awaiting_approval(*, viewer: Any) -> QuerySet[BatchAlert]:
    """Alerts cleared by someone else that `viewer` may approve (oldest first)."""
    return (
        BatchAlert.objects.visible_to(viewer, APPROVE)
        .filter(status=AlertStatus.AWAITING_APPROVAL)
        .exclude(decided_by_id=getattr(viewer, "pk", None))
        .select_related("batch")
        .order_by("decided_at", "pk")
    )


def batches_to_review(*, viewer: Any) -> QuerySet[BatchScreening]:
    """Batches with alerts still to review, in units where `viewer` may review."""
    units = BatchScreening.objects.visible_to(viewer, REVIEW).values("pk")
    return batches(viewer=viewer).filter(pk__in=units, open_alerts__gt=0)


# --- decisions -----------------------------------------------------------------------------


def _save(alert: BatchAlert, actor: Any, verb: str, data: dict[str, Any]) -> BatchAlert:
    stamp(alert, actor, verb)
    alert.save()
    record_event(
        actor=actor,
        verb=f"screening.batch_alert_{verb}",
        target=alert,
        org_unit=alert.batch.org_unit,
        data={"batch": alert.batch_id, "row": alert.row, "status": alert.status, **data},
    )
    return alert


def subject_of(alert: BatchAlert) -> namesakes.Subject:
    """The alert's name as the key of remembered clearings (as batch.subject_of its row)."""
    return namesakes.Subject.of_name(
        alert.name, country=alert.country or None, birth_date=alert.date_of_birth or None
    )


def _remember(actor: Any, alert: BatchAlert, permission: str) -> None:
    """The alert is cleared for good: remember each of its hits for the batch's company
    (hits stored before entries had an identity are not: nothing would tell a changed entry)."""
    namesakes.remember(
        actor=actor,
        permission=permission,
        org_unit=alert.batch.org_unit,
        subject=subject_of(alert),
        hits=[h for h in alert.hits if h.get("entry_identity")],
        decision=alert,
        reason=alert.reason,
        decided_by_label=alert.decided_by_label,
        decided_at=alert.decided_at or timezone.now(),
        approved_by_label=alert.approved_by_label,
        decision_label=_("%(file)s, row %(row)s")
        % {"file": alert.batch.file_name, "row": alert.row},
    )


def _reverse(actor: Any, alert: BatchAlert) -> list[int]:
    """A confirmed match reverses what the company remembered of this name on these entries."""
    unit = alert.batch.org_unit
    found = namesakes.in_force(
        company=namesakes.company_of(unit),
        subject=subject_of(alert),
        entries=[(h.get("source", ""), h.get("list_entry_id", "")) for h in alert.hits],
    )
    why = _("Confirmed as a match: batch %(batch)s, row %(row)s") % {
        "batch": alert.batch.file_name,
        "row": alert.row,
    }
    return namesakes.forget(actor=actor, permission=REVIEW, org_unit=unit, clearings=found, why=why)


@db.atomic
def decide_alert(*, actor: Any, alert: BatchAlert, decision: str, reason: str) -> BatchAlert:
    """Clear or confirm an alert. A decided alert is final; one awaiting its second approval
    may be decided again (its clearing withdrawn, or confirmed instead); one cleared before
    (every hit a remembered namesake) may be confirmed after all, which reverses the memory."""
    alert = (
        BatchAlert.objects.select_for_update().select_related("batch__org_unit").get(pk=alert.pk)
    )
    require(actor, REVIEW, alert.batch.org_unit)
    if decision not in AlertDecision.values:
        raise ValidationError({"decision": _("Choose “not a match” or “confirmed match”.")})
    if alert.status == AlertStatus.CLEARED_BEFORE and decision == AlertDecision.CLEAR:
        raise ValidationError(_("This name was cleared before: it needs no new clearing."))
    if alert.status not in (*OPEN, AlertStatus.CLEARED_BEFORE):
        raise ValidationError(_("This alert has been decided already."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    override = decision == AlertDecision.CLEAR and alert.is_strong
    if decision == AlertDecision.CONFIRM:
        alert.status = AlertStatus.CONFIRMED
    else:
        alert.status = AlertStatus.AWAITING_APPROVAL if override else AlertStatus.CLEARED
    alert.reason = reason
    alert.decided_by = actor if getattr(actor, "pk", None) else None
    alert.decided_by_label = actor_label(actor)
    alert.decided_at = timezone.now()
    saved = _save(alert, actor, "decided", {"decision": decision, "override": override})
    if alert.status == AlertStatus.CLEARED:
        _remember(actor, alert, REVIEW)
    elif alert.status == AlertStatus.CONFIRMED:
        _reverse(actor, alert)
    return saved


@db.atomic
def approve_alert(*, actor: Any, alert: BatchAlert) -> BatchAlert:
    """The second approval of clearing a strong hit, by someone other than the decider."""
    alert = (
        BatchAlert.objects.select_for_update().select_related("batch__org_unit").get(pk=alert.pk)
    )
    require(actor, APPROVE, alert.batch.org_unit)
    if alert.status != AlertStatus.AWAITING_APPROVAL:
        raise ValidationError(_("This alert is not awaiting a second approval."))
    require_other_person(actor, first=First(alert.decided_by_id, alert.decided_by_label))
    alert.status = AlertStatus.CLEARED
    alert.approved_by = actor if getattr(actor, "pk", None) else None
    alert.approved_by_label = actor_label(actor)
    alert.approved_at = timezone.now()
    saved = _save(alert, actor, "approved", {})
    _remember(actor, alert, APPROVE)
    return saved


# --- the reviewed result as a spreadsheet -----------------------------------------------------

COLUMNS = (
    "row",
    "name",
    "country",
    "date_of_birth",
    "score",
    "list",
    "list_entry_id",
    "matched_name",
    "outcome",
    "status",
    "reason",
    "decided_by",
    "decided_at",
    "approved_by",
    "approved_at",
)


def review_rows(alerts: Iterable[BatchAlert]) -> list[list[Any]]:
    """One row per hit of each alert, with the alert's review beside it."""
    out: list[list[Any]] = []
    for alert in alerts:
        review = [
            alert.status,
            alert.reason,
            alert.decided_by_label,
            alert.decided_at.strftime("%Y-%m-%d %H:%M") if alert.decided_at else "",
            alert.approved_by_label,
            alert.approved_at.strftime("%Y-%m-%d %H:%M") if alert.approved_at else "",
        ]
        for hit in alert.hits:
            out.append(
                [
                    alert.row,
                    alert.name,
                    alert.country,
                    alert.date_of_birth,
                    round(float(hit.get("score", 0)), 2),
                    hit.get("source", ""),
                    hit.get("list_entry_id", ""),
                    hit.get("matched_name", ""),
                    "cleared_before"
                    if hit.get("cleared_before")
                    else "strong"
                    if hit.get("level") == "strong"
                    else "review",
                    *review,
                ]
            )
    return out


def review_xlsx(batch: BatchScreening, alerts: Iterable[BatchAlert]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "review"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in review_rows(alerts):
        sheet.append([guard_formula(v) for v in line])
    sheet.freeze_panes = "A2"
    for column, width in {"B": 36, "H": 36, "K": 48}.items():
        sheet.column_dimensions[column].width = width
    return deterministic_xlsx(workbook)

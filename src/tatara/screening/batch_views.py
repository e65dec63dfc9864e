"""Batch screening pages: upload a file of names (screened by a background job), the list of
screened batches, and the officer's review of a batch's alerts (batch_review.py).

Everything needs `screening.view`; a batch outside the viewer's scope answers 404. Deciding
needs `screening.review` on the batch's unit, the second approval `screening.approve`;
actions a user may not take are not shown, and refused if posted anyway.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tatara.core.dashboard import Panel, Task, register_panel
from tatara.core.jobs import recent_jobs
from tatara.core.permissions import can
from tatara.core.tabular import ImportRejected
from tatara.organisation.models import OrgUnit
from tatara.screening import batch, namesakes
from tatara.screening import batch_review as review
from tatara.screening.choices import AlertStatus
from tatara.screening.forms import AlertDecisionForm, BatchForm
from tatara.screening.models import BatchAlert, BatchScreening

ALERTS_PAGE = 25
BATCHES_SHOWN = 20
FILTERS = ("open", "pending", "awaiting_approval", "cleared", "confirmed", "cleared_before", "all")


def _require_view(request: HttpRequest) -> None:
    if not can(request.user, review.VIEW):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
def batch_upload(request: HttpRequest) -> HttpResponse:
    """Upload a file of names: a background job screens it and keeps the alerts for review;
    the job's page shows the progress and offers the Excel file of hits."""
    _require_view(request)
    units = OrgUnit.objects.visible_to(request.user, review.VIEW).order_by("path")
    form = BatchForm(request.POST or None, request.FILES or None, units=units)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:  # the header at once; the rows in the job
            batch.read_table_header(upload)
        except ImportRejected as exc:
            for error in exc.errors:
                form.add_error("file", str(error))
        else:
            unit = form.cleaned_data["org_unit"] or units.first()  # default: the top of scope
            job = batch.start_batch(actor=request.user, upload=upload, org_unit=unit)
            return redirect("job", pk=job.pk)
    context: dict[str, Any] = {
        "form": form,
        "batches": list(review.batches(viewer=request.user)[:BATCHES_SHOWN]),
        "recent_jobs": [
            job
            for job in recent_jobs(viewer=request.user, kind=batch.JOB_KIND)
            if job.status != "succeeded"
        ],
        "columns": batch.COLUMNS,
    }
    return render(request, "screening/batch.html", context, status=400 if form.errors else 200)


def _batch_or_404(request: HttpRequest, pk: int) -> BatchScreening:
    found = review.batches(viewer=request.user).filter(pk=pk).first()
    if found is None:
        _require_view(request)
        raise Http404
    return found


def _decision_form(alert: BatchAlert, data: Any = None) -> AlertDecisionForm:
    return AlertDecisionForm(
        data,
        prefix=f"a{alert.pk}",
        confirm_only=alert.status == AlertStatus.CLEARED_BEFORE,
    )


def _alert_context(
    request: HttpRequest,
    alert: BatchAlert,
    form: Any = None,
    marks: namesakes.MarkerCache | None = None,
) -> dict[str, Any]:
    unit = alert.batch.org_unit
    decidable = alert.status in (*review.OPEN, AlertStatus.CLEARED_BEFORE)
    marks = marks or namesakes.MarkerCache(request.user)
    return {
        "alert": alert,
        "hits": [
            {**hit, "percent": round(float(hit["score"]) * 100)}
            for hit in namesakes.marked(alert.hits, marks)
        ],
        "form": form or _decision_form(alert),
        "can_decide": decidable and can(request.user, review.REVIEW, unit),
        "can_approve": alert.status == AlertStatus.AWAITING_APPROVAL
        and can(request.user, review.APPROVE, unit)
        and alert.decided_by_id != request.user.pk,
    }


@require_GET
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A batch's alerts, strongest first, filtered by review state, each with its hits and
    their reasons, and the decision form for a reviewer."""
    found = _batch_or_404(request, pk)
    wanted = request.GET.get("status", "")
    if wanted not in FILTERS:
        wanted = (
            "open" if (getattr(found, "open_alerts", 0) or getattr(found, "awaiting", 0)) else "all"
        )
    alerts = review.alerts_of(
        viewer=request.user, batch=found, status="" if wanted == "all" else wanted
    ).select_related("batch__org_unit")
    page = Paginator(alerts, ALERTS_PAGE).get_page(request.GET.get("page"))
    marks = namesakes.MarkerCache(request.user)  # every mark of the page in one go
    marks.prime(h.get("cleared_before") for a in page.object_list for h in a.hits)
    rows = [_alert_context(request, alert, marks=marks) for alert in page.object_list]
    return render(
        request,
        "screening/batch_review.html",
        {"batch": found, "page": page, "rows": rows, "status": wanted, "filters": FILTERS},
    )


@require_GET
def batch_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Every alert of the batch with its hits and its review, as Excel."""
    found = _batch_or_404(request, pk)
    content = review.review_xlsx(found, review.alerts_of(viewer=request.user, batch=found))
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stem = found.file_name.rsplit(".", 1)[0] or "batch"
    response["Content-Disposition"] = f'attachment; filename="review-{stem[:80]}.xlsx"'
    return response


def _alert_or_404(request: HttpRequest, pk: int) -> BatchAlert:
    alert = (
        BatchAlert.objects.visible_to(request.user, review.VIEW)
        .select_related("batch__org_unit")
        .filter(pk=pk)
        .first()
    )
    if alert is None:
        _require_view(request)
        raise Http404
    return alert


def _after_action(request: HttpRequest, alert: BatchAlert, form: Any = None) -> HttpResponse:
    """htmx: the alert's card again; otherwise back to the batch, at the alert."""
    alert.refresh_from_db()
    if request.htmx:  # type: ignore[attr-defined]
        status = 400 if form is not None and form.errors else 200
        context = _alert_context(request, alert, form)
        context.update(  # the filters' counts, swapped out of band
            oob=True,
            batch=review.batches(viewer=request.user).get(pk=alert.batch_id),
            status=request.GET.get("status", ""),
            filters=FILTERS,
        )
        return render(request, "screening/_alert.html", context, status=status)
    if form is not None and form.errors:
        for message in [m for errors in form.errors.values() for m in errors]:
            messages.error(request, message)
    url = reverse("screening:batch-review", args=[alert.batch_id])
    return redirect(f"{url}?{request.GET.urlencode()}#alert-{alert.pk}")


@require_POST
def alert_decide(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _alert_or_404(request, pk)
    if not can(request.user, review.REVIEW, alert.batch.org_unit):
        raise PermissionDenied
    form = _decision_form(alert, request.POST)
    if form.is_valid():
        try:
            review.decide_alert(
                actor=request.user,
                alert=alert,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            if not request.htmx:  # type: ignore[attr-defined]
                messages.success(request, _("Row %(row)s decided.") % {"row": alert.row})
            return _after_action(request, alert)
    return _after_action(request, alert, form)


@require_POST
def alert_approve(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _alert_or_404(request, pk)
    if not can(request.user, review.APPROVE, alert.batch.org_unit):
        raise PermissionDenied
    try:
        review.approve_alert(actor=request.user, alert=alert)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if not request.htmx:  # type: ignore[attr-defined]
            messages.success(request, _("Row %(row)s cleared.") % {"row": alert.row})
    return _after_action(request, alert)


# --- the dashboard --------------------------------------------------------------------------


def dashboard_panel(user: Any) -> Panel | None:
    """Batches with alerts to review (for reviewers) and clearings awaiting the user's second
    approval (for approvers)."""
    if not (can(user, review.REVIEW) or can(user, review.APPROVE)):
        return None
    panel = Panel(title=_("Batch screening"), url=reverse("screening:batch"))
    if can(user, review.REVIEW):
        for found in review.batches_to_review(viewer=user)[:20]:
            panel.tasks.append(
                Task(
                    title=_("Review %(n)s alerts of %(file)s")
                    % {"n": getattr(found, "open_alerts", 0), "file": found.file_name},
                    url=reverse("screening:batch-review", args=[found.pk]),
                    who=_("Export-control officer"),
                    due=found.created_at,
                )
            )
    for alert in review.awaiting_approval(viewer=user)[:20]:
        panel.tasks.append(
            Task(
                title=_("Second approval: clearing row %(row)s of %(file)s (%(name)s)")
                % {"row": alert.row, "file": alert.batch.file_name, "name": alert.name},
                url=reverse("screening:batch-review", args=[alert.batch_id])
                + f"?status=awaiting_approval#alert-{alert.pk}",
                who=_("Group risk officer"),
                due=alert.decided_at,
            )
        )
    return panel if panel.tasks else None


def register_dashboard() -> None:
    register_panel(dashboard_panel)

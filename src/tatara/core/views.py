from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from tatara.core import year_lock
from tatara.core.approvals import First, same_person
from tatara.core.audit import trail_for
from tatara.core.dashboard import panels_for
from tatara.core.forms import ReopeningForm
from tatara.core.jobs import read_progress, visible_job
from tatara.core.login_throttle import ThrottledAuthenticationForm
from tatara.core.models import FiscalYear, Job, ReopeningStatus, YearReopening
from tatara.core.permissions import can


def _roles_of(user: Any) -> list[dict[str, Any]]:
    """The viewer's active roles, to say on the dashboard what they may do where. The unit is
    named only when the viewer may see it (an employee's role grants no view of units)."""
    from tatara.organisation.models import RoleAssignment

    roles = []
    for assignment in (
        RoleAssignment.objects.filter(user=user, active=True)
        .select_related("org_unit")
        .order_by("org_unit__path", "role")
    ):
        unit = assignment.org_unit
        roles.append(
            {
                "label": assignment.get_role_display(),
                "unit": unit.name if can(user, "organisation.view", unit) else "",
                "below": assignment.include_descendants,
            }
        )
    return roles


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    panels = panels_for(request.user)
    return render(
        request,
        "core/dashboard.html",
        {
            "panels": panels,
            "roles": _roles_of(request.user),
            "task_count": sum(len(p.tasks) for p in panels),
            "overdue_count": sum(1 for p in panels for t in p.tasks if t.overdue),
        },
    )


@method_decorator(never_cache, name="dispatch")
class LoginView(auth_views.LoginView):
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True


# Our own template names: django.contrib.admin (installed first) ships
# registration/password_change_*.html, which would otherwise win over ours.
class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "core/password_change_form.html"


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "core/password_change_done.html"


# --- background jobs (core/jobs.py) -------------------------------------------------------------


def _job_or_404(request: HttpRequest, pk: int) -> Job:
    job = visible_job(viewer=request.user, pk=pk)
    if job is None:
        raise Http404
    return job


def _job_context(job: Job) -> dict[str, Any]:
    result = job.result or {}
    return {
        "job": job,
        "progress": read_progress(job),
        "errors": result.get("error_details")
        or [{"message": text} for text in result.get("errors", [])],
        "error_count": result.get("error_count", len(result.get("errors", []))),
    }


@never_cache
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "core/job.html", _job_context(_job_or_404(request, pk)))


@never_cache
@require_GET
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress part of the job page, polled by htmx while the job is queued or running;
    once the job has finished it comes back without the polling attributes, with the result."""
    return render(request, "core/job_status.html", _job_context(_job_or_404(request, pk)))


@require_GET
def job_result_file(request: HttpRequest, pk: int) -> FileResponse:
    job = _job_or_404(request, pk)
    if not job.result_file:
        raise Http404
    return FileResponse(
        job.result_file.open("rb"),
        as_attachment=True,
        filename=(job.result or {}).get("file_name") or job.result_file.name.rsplit("/", 1)[-1],
    )


# --- closed fiscal years and their reopening (core/year_lock.py) ---------------------------------


def _require_fiscal_view(request: HttpRequest) -> None:
    if not can(request.user, year_lock.VIEW):
        raise PermissionDenied


def _refused(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


@require_GET
def fiscal_years(request: HttpRequest) -> HttpResponse:
    """Every fiscal year, closed or not, its reopenings and what the viewer may do about them."""
    _require_fiscal_view(request)
    user = request.user
    return render(
        request,
        "core/fiscal_years.html",
        {
            "years": year_lock.fiscal_years(viewer=user),
            "can_close": year_lock.can_act(user, year_lock.CLOSE),
            "can_reopen": year_lock.can_act(user, year_lock.REOPEN),
            "awaiting": {r.pk for r in year_lock.awaiting_approval(viewer=user)},
            "reason_form": ReopeningForm(),
        },
    )


def _fiscal_year_or_404(year: int) -> FiscalYear:
    found = FiscalYear.objects.filter(year=year).first()
    if found is None:
        raise Http404
    return found


@require_POST
def fiscal_year_close(request: HttpRequest, year: int) -> HttpResponse:
    _require_fiscal_view(request)
    fiscal_year = _fiscal_year_or_404(year)
    reopened = year_lock.open_reopening(fiscal_year) is not None
    try:
        year_lock.close_year(actor=request.user, year=fiscal_year)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            (
                _("%(fy)s is closed again; the reopening has ended.")
                if reopened
                else _("%(fy)s is closed.")
            )
            % {"fy": fiscal_year.label},
        )
    return redirect("fiscal-years")


@require_POST
def fiscal_year_reopen(request: HttpRequest, year: int) -> HttpResponse:
    _require_fiscal_view(request)
    fiscal_year = _fiscal_year_or_404(year)
    try:
        reopening = year_lock.request_reopening(
            actor=request.user,
            year=fiscal_year,
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        _refused(request, exc)
        return redirect("fiscal-years")
    messages.success(
        request,
        _("The reopening of %(fy)s is asked for; it opens once a second person approves it.")
        % {"fy": fiscal_year.label},
    )
    return redirect("fiscal-reopening", reopening.pk)


def _reopening_or_404(request: HttpRequest, pk: int) -> YearReopening:
    _require_fiscal_view(request)
    found = (
        YearReopening.objects.visible_to(request.user, year_lock.VIEW)
        .select_related("fiscal_year")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


@require_GET
def reopening_detail(request: HttpRequest, pk: int) -> HttpResponse:
    reopening = _reopening_or_404(request, pk)
    user = request.user
    changes = []
    for event in year_lock.visible_changes(reopening, viewer=user).select_related("target_type")[
        :500
    ]:
        url = ""
        if event.target_type is not None and event.target_id:
            model = event.target_type.model_class()
            target = model._default_manager.filter(pk=event.target_id).first() if model else None
            if target is not None and hasattr(target, "get_absolute_url"):
                url = target.get_absolute_url()
        changes.append({"event": event, "url": url})
    asker = First(reopening.requested_by_id, reopening.requested_by_label)
    return render(
        request,
        "core/reopening.html",
        {
            "reopening": reopening,
            "changes": changes,
            "change_count": year_lock.visible_changes(reopening, viewer=user).count(),
            "may_approve": reopening.status == ReopeningStatus.REQUESTED
            and year_lock.can_act(user, year_lock.APPROVE)
            and not same_person(user, asker),
            "is_asker": same_person(user, asker),
            "may_withdraw": reopening.status == ReopeningStatus.REQUESTED
            and (
                year_lock.can_act(user, year_lock.APPROVE)
                or year_lock.can_act(user, year_lock.REOPEN)
            ),
            "may_close": reopening.status == ReopeningStatus.OPEN
            and year_lock.can_act(user, year_lock.CLOSE),
            "trail": trail_for(reopening),
        },
    )


@require_POST
def reopening_approve(request: HttpRequest, pk: int) -> HttpResponse:
    reopening = _reopening_or_404(request, pk)
    try:
        year_lock.approve_reopening(actor=request.user, reopening=reopening)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            _("%(fy)s is reopened: its records can be corrected, and every change is marked.")
            % {"fy": reopening.fiscal_year.label},
        )
    return redirect("fiscal-reopening", reopening.pk)


@require_POST
def reopening_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    reopening = _reopening_or_404(request, pk)
    try:
        year_lock.withdraw_reopening(actor=request.user, reopening=reopening)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            _("The reopening of %(fy)s is withdrawn; the year stays closed.")
            % {"fy": reopening.fiscal_year.label},
        )
    return redirect("fiscal-reopening", reopening.pk)

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tatara.core.dashboard import panels_for
from tatara.core.jobs import read_progress, visible_job
from tatara.core.login_throttle import ThrottledAuthenticationForm
from tatara.core.models import Job
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

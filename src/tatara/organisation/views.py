from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from tatara.core.audit import trail_for
from tatara.core.jobs import recent_jobs
from tatara.core.permissions import can
from tatara.organisation import hr_import, selectors
from tatara.organisation.forms import PeopleImportForm


@require_GET
def tree(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "organisation.view"):
        raise PermissionDenied
    return render(
        request,
        "organisation/tree.html",
        {
            "units": selectors.tree(viewer=request.user),
            "can_manage": can(request.user, "organisation.manage"),
        },
    )


@require_GET
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.units(viewer=request.user).filter(pk=pk).first()
    if unit is None:
        raise Http404
    people = selectors.people(viewer=request.user).filter(org_unit=unit, is_active=True)[:200]
    return render(
        request,
        "organisation/unit.html",
        {"unit": unit, "people": people, "trail": trail_for(unit)},
    )


@require_GET
def people_list(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "organisation.view"):
        raise PermissionDenied
    rows = selectors.people(viewer=request.user).order_by("employee_number")
    query = request.GET.get("q", "").strip()
    if query:
        rows = rows.filter(full_name__icontains=query) | rows.filter(
            employee_number__icontains=query
        )
    if request.GET.get("all") != "1":
        rows = rows.filter(is_active=True)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "organisation/people.html", {"page": page, "query": query})


@require_http_methods(["GET", "POST"])
def people_import(request: HttpRequest) -> HttpResponse:
    """Upload an HR master file: it is stored with a background job, which checks (and, unless
    "check only" is ticked, applies) it; the job's page shows the progress and the outcome."""
    if not can(request.user, "organisation.manage"):
        raise PermissionDenied
    form = PeopleImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = hr_import.start_people_import(
            actor=request.user,
            upload=form.cleaned_data["file"],
            as_of=form.cleaned_data["as_of"],
            dry_run=form.cleaned_data["dry_run"],
        )
        return redirect("job", pk=job.pk)
    return render(
        request,
        "organisation/people_import.html",
        {
            "form": form,
            "recent_jobs": recent_jobs(viewer=request.user, kind=hr_import.JOB_KIND),
        },
    )

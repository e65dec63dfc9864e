from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tatara.core.audit import trail_for
from tatara.core.permissions import can
from tatara.core.tabular import FORMATS
from tatara.core.tabular.api import download
from tatara.core.tabular.pages import import_page
from tatara.organisation import selectors, structure_io
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


def _crumbs() -> list[tuple[str, str]]:
    return [(reverse("organisation:tree"), _("Organisation"))]


@require_http_methods(["GET", "POST"])
def people_import(request: HttpRequest) -> HttpResponse:
    """Upload an HR master file: it is stored with a background job, which checks (and, unless
    "check only" is ticked, applies) it; the job's page shows the progress and the outcome."""
    return import_page(
        request,
        "tatara.organisation.hr_import.PEOPLE",
        title=_("Import the HR master file"),
        crumbs=_crumbs(),
        intro=_(
            "Everyone in the file is employed on the file's date; people in your scope missing "
            "from it are recorded as leavers, and their sign-in and roles end."
        ),
        form_class=PeopleImportForm,
        options=lambda data: {"as_of": data["as_of"]},
    )


@require_http_methods(["GET", "POST"])
def structure_import(request: HttpRequest, what: str) -> HttpResponse:
    """Upload the organisation tree (units) or the role grants (roles)."""
    if what == "units":
        title = _("Import organisation units")
        intro = _(
            "A unit is matched by its code: a new code is a new unit, a known one takes the "
            "file's values (renamed, moved, joined or left the group) with its history kept. "
            "Units the file leaves out stay as they are."
        )
    else:
        title = _("Import role grants")
        intro = _(
            "One grant a row: a role on a unit, with or without the units below it; "
            "active “no” revokes it. Grants the file leaves out stay."
        )
    return import_page(
        request,
        f"tatara.organisation.structure_io.{what.upper()}",
        title=title,
        crumbs=_crumbs(),
        intro=intro,
        exports=[
            (f"{reverse('organisation:export', args=[what])}?format={fmt}", label)
            for fmt, label in (("xlsx", "Excel (.xlsx)"), ("csv", "CSV"))
        ],
    )


@require_GET
def structure_export(request: HttpRequest, what: str) -> HttpResponse:
    """The units or grants in the viewer's scope, in their import's columns."""
    if not can(request.user, "organisation.view"):
        raise PermissionDenied
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS:
        raise Http404
    return download(*structure_io.export(what, viewer=request.user, fmt=fmt))

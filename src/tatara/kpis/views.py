"""KPI pages (the read side): the year's targets, a metric's trend and breakdown, the metrics.

Views shape input and call `report` (which reads through the gate); nothing else. Everyone
needs "kpis.view" somewhere (403 otherwise); a unit outside the viewer's scope answers 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from tatara.core import fiscal
from tatara.core.models import FiscalYear
from tatara.core.permissions import can
from tatara.kpis import report
from tatara.kpis.models import Metric, Target
from tatara.organisation.models import OrgUnit

VIEW = report.VIEW
OBSERVATIONS_PER_PAGE = 50
FORMAT_LABELS = {
    "pdf": gettext_lazy("Download PDF"),
    "xlsx": gettext_lazy("Download Excel"),
    "csv": gettext_lazy("Download CSV"),
}


def _require_view(request: HttpRequest) -> None:
    """People without any KPI role get 403 on every KPI page (not a misleading 404)."""
    if not can(request.user, VIEW):
        raise PermissionDenied


def _year_or_404(year: int) -> FiscalYear:
    found = FiscalYear.objects.filter(year=year).first()
    if found is None:
        raise Http404
    return found


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The latest fiscal year with targets the viewer may see."""
    _require_view(request)
    years = report.target_years(request.user)
    if years:
        return redirect("kpis:year", years[0])
    return render(request, "kpis/empty.html", {})


@require_GET
def year_page(request: HttpRequest, year: int) -> HttpResponse:
    _require_view(request)
    fiscal_year = _year_or_404(year)
    data = report.year_report(viewer=request.user, year=year)
    years = sorted({*report.target_years(request.user), year}, reverse=True)
    counts = data.counts
    return render(
        request,
        "kpis/year.html",
        {
            "report": data,
            "year": year,
            "fiscal_year": fiscal_year,
            "years": years,
            "count": len(data.rows),
            "rating_counts": [
                (3, counts.get(3, 0)),
                (2, counts.get(2, 0)),
                (1, counts.get(1, 0)),
            ],
            "unrated": counts.get(None, 0),
            "formats": [
                (fmt, FORMAT_LABELS[fmt], reverse("kpis:export", args=[year, fmt]))
                for fmt in ("pdf", "xlsx", "csv")
            ],
            # --- WRITE SIDE (to come): observation entry, submission/approval, collection
            # rounds, import/export of observations and targets, target–initiative links and
            # rating overrides add their flags and forms here (see kpis/year.html). -----------
        },
    )


@require_GET
def export(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    if fmt not in report.FORMATS:
        raise Http404
    _require_view(request)
    _year_or_404(year)
    data, content_type, filename = report.export_year(viewer=request.user, year=year, fmt=fmt)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def metric_list(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    return render(request, "kpis/metrics.html", {"groups": report.subject_metrics(request.user)})


def _metric_context(request: HttpRequest, code: str) -> report.MetricReport:
    """The metric, the unit (`?unit=` code, else a default in scope) and the year (`?fy=`)."""
    _require_view(request)
    metric = (
        Metric.objects.visible_to(request.user, VIEW)
        .select_related("subject", "numerator", "denominator")
        .filter(code=code)
        .first()
    )
    if metric is None:
        raise Http404
    fy = request.GET.get("fy", "")
    year: int | None = int(fy) if fy.isdigit() and 1900 < int(fy) < 2200 else None
    if year is None:
        year = (
            Target.objects.visible_to(request.user, VIEW)
            .filter(metric=metric)
            .order_by("-fiscal_year__year")
            .values_list("fiscal_year__year", flat=True)
            .first()
        ) or fiscal.year_of(timezone.localdate())
    code_given = request.GET.get("unit", "")
    unit: OrgUnit | None
    if code_given:
        unit = OrgUnit.objects.filter(code=code_given).first()
        if unit is None or not can(request.user, VIEW, unit):
            raise Http404  # a unit outside the scope is not confirmed to exist
    else:
        unit = report.default_unit(request.user, metric, year)
        if unit is None:
            raise Http404
    return report.metric_report(viewer=request.user, metric=metric, unit=unit, year=year)


@require_GET
def metric_page(request: HttpRequest, code: str) -> HttpResponse:
    data = _metric_context(request, code)
    rows = report.observations(
        viewer=request.user, metric=data.metric, unit=data.unit, year=data.year
    )
    page = Paginator(rows, OBSERVATIONS_PER_PAGE).get_page(request.GET.get("page"))
    observations = [report.observation_row(o) for o in page.object_list]
    query: dict[str, str | int] = {"unit": data.unit.code, "fy": data.year}
    return render(
        request,
        "kpis/metric.html",
        {
            "report": data,
            "metric": data.metric,
            "page": page,
            "observations": observations,
            "query": urlencode(query),
            "pdf_url": reverse("kpis:metric-pdf", args=[data.metric.code]) + "?" + urlencode(query),
            "units": report.units_in_scope(request.user),
            "year_choices": sorted({*data.years, data.year}, reverse=True),
        },
    )


@require_GET
def metric_pdf(request: HttpRequest, code: str) -> HttpResponse:
    data = _metric_context(request, code)
    response = HttpResponse(report.metric_pdf(data), content_type="application/pdf")
    filename = f"tatara-FY{data.year}-{data.metric.code}-{data.unit.code}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

"""Emissions pages: a unit's activity data for a fiscal year (month × activity, entry form,
upload as a background job, download), its Scope 1 / Scope 2 calculation with the "post to
KPIs" action, and the factor tables (with the suppliers' factor import).

Views shape input and call the services, which check the permission gate themselves. Everyone
needs "emissions.view" somewhere (403 otherwise); a unit outside the viewer's scope answers
404 (its existence is not confirmed)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tatara.core import fiscal, tabular
from tatara.core.jobs import recent_jobs
from tatara.core.permissions import can, require_whole_group
from tatara.core.tabular import ImportRejected
from tatara.emissions import activity_io, quantities, recalculation, services
from tatara.emissions.choices import STANDARD_UNITS, Activity, Basis
from tatara.emissions.forms import (
    BASIS_CHOICES,
    ActivityForm,
    ActivityUploadForm,
    FactorImportForm,
    month_choices,
)
from tatara.emissions.models import (
    ActivityRecord,
    EmissionCalculation,
    EmissionFactor,
    EmissionFactorSet,
    GwpValue,
)
from tatara.kpis.models import Observation
from tatara.organisation.models import OrgUnit

VIEW, CHANGE, MANAGE = "emissions.view", "emissions.change", "emissions.manage"
FIRST_YEAR, LAST_YEAR = 1990, 2200


def _require_view(request: HttpRequest) -> None:
    if not can(request.user, VIEW):
        raise PermissionDenied


def units_in_scope(viewer: Any) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.visible_to(viewer, VIEW).order_by("path")


def _unit_or_404(request: HttpRequest, code: str) -> OrgUnit:
    _require_view(request)
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None or not can(request.user, VIEW, unit):
        raise Http404
    return unit


def _year_or_404(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    return year


def _years(unit: OrgUnit, year: int) -> list[int]:
    starts = ActivityRecord.objects.filter(org_unit=unit).dates("period_start", "month")
    return sorted({*(fiscal.year_of(d) for d in starts), year}, reverse=True)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The activity page of the first unit in scope with data (a site if possible), for the
    latest fiscal year with data; else the first unit in scope and the current year."""
    _require_view(request)
    record = (
        ActivityRecord.objects.visible_to(request.user, VIEW)
        .select_related("org_unit")
        .order_by("-period_start", "org_unit__path")
        .first()
    )
    if record is not None:
        return redirect(
            "emissions:activity", record.org_unit.code, fiscal.year_of(record.period_start)
        )
    unit = units_in_scope(request.user).first()
    if unit is None:
        raise PermissionDenied
    return redirect("emissions:activity", unit.code, fiscal.year_of(timezone.localdate()))


# --- activity data ------------------------------------------------------------------------


@dataclass
class Column:
    activity: str
    supplier: str
    label: str


@dataclass
class GridRow:
    key: str
    label: str
    cells: list[ActivityRecord | None] = field(default_factory=list)


def activity_grid(unit: OrgUnit, year: int) -> tuple[list[Column], list[GridRow]]:
    """The unit's records of the year as months (and the whole year) × activity/supplier."""
    start, end = fiscal.bounds(year)
    records = list(
        ActivityRecord.objects.filter(
            org_unit=unit, period_start__gte=start, period_end__lte=end
        ).order_by("period_start")
    )
    order = {code: index for index, code in enumerate(Activity.values)}
    keys = sorted(
        {(r.activity, r.supplier) for r in records},
        key=lambda k: (order[k[0]], k[1].casefold()),
    )
    labels = dict(Activity.choices)
    columns = [
        Column(activity, supplier, f"{labels[activity]}" + (f" ({supplier})" if supplier else ""))
        for activity, supplier in keys
    ]
    whole_year = fiscal.label(year)
    by_cell = {
        (
            whole_year
            if (r.period_start, r.period_end) == (start, end)
            else r.period_start.strftime("%Y-%m"),
            r.activity,
            r.supplier,
        ): r
        for r in records
    }
    rows = []
    for value, label in month_choices(year):
        key = whole_year if value == "year" else value
        row = GridRow(
            key, str(label), [by_cell.get((key, c.activity, c.supplier)) for c in columns]
        )
        if value != "year" or any(row.cells):
            rows.append(row)
    return columns, rows


def _activity_context(
    request: HttpRequest, unit: OrgUnit, year: int, form: ActivityForm | None = None
) -> dict[str, Any]:
    columns, rows = activity_grid(unit, year)
    may_change = can(request.user, CHANGE, unit)
    return {
        "unit": unit,
        "year": year,
        "columns": columns,
        "rows": rows,
        "has_data": any(any(r.cells) for r in rows),
        "years": _years(unit, year),
        "units": units_in_scope(request.user),
        "can_change": may_change,
        "form": (form or ActivityForm(year=year)) if may_change else None,
        "upload_form": ActivityUploadForm() if may_change else None,
        "standard_units": STANDARD_UNITS,
        "recent_jobs": recent_jobs(viewer=request.user, kind=activity_io.JOB_KIND)
        if may_change
        else [],
        "columns_text": ", ".join(activity_io.ALL_COLUMNS),
    }


@require_GET
def activity_page(request: HttpRequest, code: str, year: int) -> HttpResponse:
    unit = _unit_or_404(request, code)
    _year_or_404(year)
    if request.GET.get("unit") or request.GET.get("fy"):  # the unit/year picker
        other = request.GET.get("unit") or code
        fy = request.GET.get("fy", "")
        return redirect("emissions:activity", other, int(fy) if fy.isdigit() else year)
    return render(request, "emissions/activity.html", _activity_context(request, unit, year))


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for messages in exc.message_dict.values() for m in messages]
    return list(exc.messages)


@require_POST
def record(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Enter or correct one activity record (services.record_activity)."""
    unit = _unit_or_404(request, code)
    _year_or_404(year)
    if not can(request.user, CHANGE, unit):
        raise PermissionDenied
    form = ActivityForm(request.POST, year=year)
    if form.is_valid():
        start, end = form.period_bounds()
        data = form.cleaned_data
        try:
            saved = services.record_activity(
                actor=request.user,
                org_unit=unit,
                activity=data["activity"],
                period_start=start,
                period_end=end,
                quantity=data["quantity"],
                unit=data["unit"],
                supplier=data["supplier"],
                source=data["source"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, problems in exc.message_dict.items():
                    name = "period" if name == "period_start" else name
                    form.add_error(name if name in form.fields else None, problems)
            else:
                form.add_error(None, exc.messages)
        else:
            text = _("Recorded %(activity)s for %(period)s: %(quantity)s %(unit)s.") % {
                "activity": saved.get_activity_display(),
                "period": data["period"] if data["period"] != "year" else fiscal.label(year),
                "quantity": services.plain(Decimal(saved.quantity)),
                "unit": saved.unit,
            }
            note = quantities.parse(data["unit"]).note if data["unit"] else ""
            messages.success(request, f"{text} {note}".strip())
            return redirect("emissions:activity", unit.code, year)
    response = render(
        request, "emissions/activity.html", _activity_context(request, unit, year, form)
    )
    response.status_code = 400
    return response


@require_POST
def upload(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Upload an activity data file: stored with a background job that checks (and, unless
    "check only", applies) it; the job's page shows the progress and the outcome."""
    unit = _unit_or_404(request, code)
    _year_or_404(year)
    if not can(request.user, CHANGE, unit):
        raise PermissionDenied
    form = ActivityUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a .csv or .xlsx file to upload."))
        return redirect("emissions:activity", unit.code, year)
    job = activity_io.start_activity_import(
        actor=request.user,
        upload=form.cleaned_data["file"],
        org_unit=unit,
        fiscal_year=year,
        dry_run=form.cleaned_data["dry_run"],
    )
    return redirect("job", pk=job.pk)


@require_GET
def export(request: HttpRequest, code: str, year: int, fmt: str) -> HttpResponse:
    unit = _unit_or_404(request, code)
    _year_or_404(year)
    if fmt not in tabular.FORMATS:
        raise Http404
    data, content_type, filename = activity_io.export_activity(
        viewer=request.user, year=year, fmt=fmt, unit=unit
    )
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- calculation --------------------------------------------------------------------------


def _basis(request: HttpRequest) -> str:
    basis = request.GET.get("basis") or request.POST.get("basis") or Basis.MARKET
    return basis if basis in (Basis.MARKET, Basis.LOCATION) else Basis.MARKET


@require_GET
def calculation(request: HttpRequest, code: str, year: int) -> HttpResponse:
    unit = _unit_or_404(request, code)
    _year_or_404(year)
    basis = _basis(request)
    result, error = None, ""
    try:
        result = services.calculate(
            viewer=request.user, org_unit=unit, fiscal_year=year, basis=basis
        )
    except ValidationError as exc:
        error = " ".join(_messages(exc))
    start, end = fiscal.bounds(year)
    labels = dict(Activity.choices)
    last, pending = services.changes_since_posted(result, unit) if result else (None, [])
    history = [
        {
            "calculation": c,
            "changes": [recalculation.describe(change, labels) for change in c.changes],
        }
        for c in EmissionCalculation.objects.filter(
            org_unit=unit, period_start=start, period_end=end
        ).order_by("-posted_at", "-pk")
    ]
    posted: list[Observation] = []
    if can(request.user, "kpis.view", unit):
        posted = list(
            Observation.objects.filter(
                metric__code__in=services.POSTED_METRICS,
                org_unit=unit,
                period_start=start,
                period_end=end,
            )
            .select_related("metric")
            .order_by("metric__code")
        )
    return render(
        request,
        "emissions/calculation.html",
        {
            "unit": unit,
            "year": year,
            "basis": basis,
            "basis_choices": BASIS_CHOICES,
            "result": result,
            "lines": [
                {**asdict(line), "label": dict(Activity.choices)[line.activity]}
                for line in (result.lines if result else ())
            ],
            "last_posted": last,
            "pending": [recalculation.describe(change, labels) for change in pending],
            "history": history,
            "error": error,
            "posted": posted,
            "years": _years(unit, year),
            "can_post": bool(result and result.lines)
            and can(request.user, CHANGE, unit)
            and can(request.user, "kpis.change", unit),
        },
    )


@require_POST
def post(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Post the calculation to the KPIs as three drafts (services.post_to_kpis)."""
    unit = _unit_or_404(request, code)
    _year_or_404(year)
    basis = _basis(request)
    try:
        posted = services.post_to_kpis(
            actor=request.user, org_unit=unit, fiscal_year=year, basis=basis
        )
    except ValidationError as exc:
        messages.error(request, " ".join(_messages(exc)))
    else:
        messages.success(
            request,
            _(
                "Posted to the KPIs as drafts: Scope 1 %(s1)s t, Scope 2 %(s2)s t, "
                "total %(total)s t."
            )
            % {
                "s1": services.plain(Decimal(posted.scope1.value)),
                "s2": services.plain(Decimal(posted.scope2.value)),
                "total": services.plain(Decimal(posted.total.value)),
            },
        )
    url = reverse("emissions:calculation", args=[unit.code, year])
    return redirect(f"{url}?basis={basis}")


# --- factor tables ------------------------------------------------------------------------


def _may_manage(user: Any) -> bool:
    try:
        require_whole_group(user, MANAGE)
    except PermissionDenied:
        return False
    return True


@dataclass
class FactorRow:
    """A factor in force on the factors page, with its earlier versions."""

    factor: EmissionFactor
    earlier: list[EmissionFactor]


@require_GET
def factors(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    sets = list(EmissionFactorSet.objects.order_by("basis", "-valid_from", "code"))
    by_set: dict[int, list[FactorRow]] = {}
    earlier: dict[tuple[int, str, str], list[EmissionFactor]] = {}
    all_factors = EmissionFactor.objects.order_by("activity", "supplier", "-version")
    for factor in all_factors:
        key = (factor.factor_set_id, factor.activity, factor.supplier.casefold())
        if factor.is_current:
            by_set.setdefault(factor.factor_set_id, []).append(FactorRow(factor, []))
            earlier[key] = by_set[factor.factor_set_id][-1].earlier
        elif key in earlier:
            earlier[key].append(factor)
    gwp = list(GwpValue.objects.filter(horizon=100).order_by("gas", "report"))
    reports = sorted({g.report for g in gwp})
    by_gas: dict[str, dict[str, Any]] = {}
    for g in gwp:
        by_gas.setdefault(g.gas, {})[g.report] = g.value
    order = {code: index for index, code in enumerate(Activity.values)}
    for rows in by_set.values():
        rows.sort(key=lambda row: (order[row.factor.activity], row.factor.supplier.casefold()))
    return render(
        request,
        "emissions/factors.html",
        {
            "sets": [(s, by_set.get(s.pk, [])) for s in sets],
            "gwp": [(gas, [by_gas[gas].get(r) for r in reports]) for gas in sorted(by_gas)],
            "gwp_reports": reports,
            "gwp_sources": sorted({g.source for g in gwp if g.source}),
            "can_manage": _may_manage(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def factor_import(request: HttpRequest) -> HttpResponse:
    """Import suppliers' electricity factors (small files: checked and applied at once)."""
    _require_view(request)
    if not _may_manage(request.user):
        raise PermissionDenied
    form = FactorImportForm(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            result = services.import_supplier_factors(
                actor=request.user,
                file=upload_file,
                name=upload_file.name,
                dry_run=form.cleaned_data["dry_run"],
            )
        except ImportRejected as exc:
            errors = list(exc.errors)
        else:
            messages.success(request, result.summary())
            for line in result.changed:
                messages.info(request, line)
            if result.dry_run:
                return redirect("emissions:factor-import")
            return redirect("emissions:factors")
    response = render(request, "emissions/factor_import.html", {"form": form, "errors": errors})
    if errors or form.errors:
        response.status_code = 400
    return response

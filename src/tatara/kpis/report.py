"""What the KPI pages, their downloads and the dashboard show, read through the gate.

- `year_report(viewer=, year=)`: every target of a fiscal year the viewer may see
  ("kpis.view" on its unit), evaluated, grouped by ISO 26000 subject, with display texts.
- `export_year(viewer=, year=, fmt=)`: the same as CSV / XLSX (columns =
  `evaluation.RECORD_FIELDS`, numbers as numbers) or PDF (template `kpis/year_pdf.html`).
- `metric_report(viewer=, metric=, unit=, year=)`: a metric's trend at a unit (chart and
  table), its breakdown over the units directly below, and the observations behind it.
- `dashboard_panel(viewer)`: the current year's targets by rating.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tatara.core import fiscal, tabular
from tatara.core.dashboard import Panel, Task
from tatara.core.permissions import ALL, allowed_units, can
from tatara.cycle.models import Subject
from tatara.kpis import charts, display, evaluation
from tatara.kpis.choices import ObservationStatus, TargetKind
from tatara.kpis.consolidation import Tree, fiscal_year_expression
from tatara.kpis.evaluation import RECORD_FIELDS, Evaluation, Share, TrendPoint
from tatara.kpis.models import Metric, Observation, Target
from tatara.organisation.models import OrgUnit

VIEW = "kpis.view"
FORMATS = ("csv", "xlsx", "pdf")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
KIND_LABELS = dict(TargetKind.choices)


def language() -> str:
    return (translation.get_language() or "en").split("-")[0]


# --- the year page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One evaluated target with the texts the page and the PDF show."""

    evaluation: Evaluation
    metric: Metric
    unit: OrgUnit
    metric_name: str
    unit_name: str
    unit_label: str
    kind_label: str
    target_text: str
    actual_text: str
    actual_value_text: str
    achievement_text: str

    @property
    def rating(self) -> int | None:
        return self.evaluation.rating

    @property
    def stars(self) -> str:
        return "★" * self.rating if self.rating else ""

    @property
    def note(self) -> str:
        return self.evaluation.note

    @property
    def url(self) -> str:
        return (
            reverse("kpis:metric", args=[self.metric.code])
            + f"?unit={self.unit.code}&fy={self.evaluation.fiscal_year}"
        )


@dataclass(frozen=True)
class SubjectBlock:
    subject: Subject | None
    heading: str
    rows: list[Row]


@dataclass
class YearReport:
    year: int
    blocks: list[SubjectBlock]
    counts: dict[int | None, int] = field(default_factory=dict)

    @property
    def rows(self) -> list[Row]:
        return [row for block in self.blocks for row in block.rows]

    @property
    def evaluations(self) -> list[Evaluation]:
        return [row.evaluation for row in self.rows]


def target_text(e: Evaluation) -> str:
    unit = e.metric_unit
    if e.target is None:
        return "—"
    if e.kind == TargetKind.REDUCE_VS_BASE:
        return _("−%(percent)s vs FY%(year)s") % {
            "percent": display.with_unit(e.target, "percent"),
            "year": e.base_year,
        }
    if e.kind == TargetKind.AT_MOST:
        return f"≤ {display.with_unit(e.target, unit)}"
    return f"≥ {display.with_unit(e.target, unit)}"


def actual_text(e: Evaluation) -> str:
    if e.kind == TargetKind.REDUCE_VS_BASE:
        if e.actual is None:
            return "—"
        sign = "−" if e.actual >= 0 else "+"
        return f"{sign}{display.with_unit(abs(e.actual), 'percent')}"
    return display.with_unit(e.actual, e.metric_unit)


def make_row(e: Evaluation, target: Target) -> Row:
    lang = language()
    metric = target.metric
    return Row(
        evaluation=e,
        metric=metric,
        unit=target.org_unit,
        metric_name=str(metric.localized("name", lang)),
        unit_name=str(target.org_unit.localized("name", lang)),
        unit_label=display.unit_label(metric.unit),
        kind_label=str(KIND_LABELS.get(e.kind, e.kind)),
        target_text=target_text(e),
        actual_text=actual_text(e),
        actual_value_text=(
            display.with_unit(e.actual_value, metric.unit)
            if e.kind == TargetKind.REDUCE_VS_BASE and e.actual_value is not None
            else ""
        ),
        achievement_text=display.percent(e.achievement_percent),
    )


def subject_heading(subject: Subject | None) -> str:
    if subject is None:
        return _("Other metrics")
    return f"{subject.number}. {subject.localized('title', language())}"


def year_report(*, viewer: Any, year: int) -> YearReport:
    """The targets of `year` the viewer may see, evaluated and grouped by subject."""
    targets = evaluation.targets_for(year, viewer)
    evaluations = evaluation.evaluate(year, targets=targets) if targets else []
    subjects = {s.pk: s for s in Subject.objects.all()}
    grouped: dict[int | None, list[Row]] = {}
    for target, result in zip(targets, evaluations, strict=True):
        grouped.setdefault(target.metric.subject_id, []).append(make_row(result, target))
    order = sorted(grouped, key=lambda pk: subjects[pk].number if pk in subjects else 10**6)
    blocks = [
        SubjectBlock(subjects.get(pk) if pk else None, subject_heading(subjects.get(pk)), rows)
        for pk, rows in ((pk, grouped[pk]) for pk in order)
    ]
    report = YearReport(year, blocks)
    for row in report.rows:
        report.counts[row.rating] = report.counts.get(row.rating, 0) + 1
    return report


def target_years(viewer: Any) -> list[int]:
    """Fiscal years with at least one target the viewer may see, latest first."""
    return list(
        Target.objects.visible_to(viewer, VIEW)
        .order_by("-fiscal_year__year")
        .values_list("fiscal_year__year", flat=True)
        .distinct()
    )


# --- downloads --------------------------------------------------------------------------------


def export_year(*, viewer: Any, year: int, fmt: str) -> tuple[bytes, str, str]:
    """The year's KPI table as (data, content type, filename)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if not can(viewer, VIEW):
        raise PermissionDenied(f"not allowed: {VIEW}")
    report = year_report(viewer=viewer, year=year)
    writers = {"csv": year_csv, "xlsx": year_xlsx, "pdf": year_pdf}
    return writers[fmt](report), CONTENT_TYPES[fmt], f"tatara-FY{year}-kpis.{fmt}"


def records(report: YearReport) -> list[dict[str, Any]]:
    return [e.as_record() for e in report.evaluations]


def year_csv(report: YearReport) -> bytes:
    return tabular.write_csv(
        RECORD_FIELDS, ([rec[name] for name in RECORD_FIELDS] for rec in records(report))
    )


def year_xlsx(report: YearReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"FY{report.year}"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE4EE")
    for column, name in enumerate(RECORD_FIELDS, start=1):
        cell = sheet.cell(row=1, column=column, value=name)
        cell.font, cell.fill = bold, fill
        sheet.column_dimensions[get_column_letter(column)].width = max(12, len(name) + 4)
    sheet.column_dimensions["B"].width = 48
    sheet.column_dimensions[get_column_letter(len(RECORD_FIELDS))].width = 60
    for line, record in enumerate(records(report), start=2):
        for column, name in enumerate(RECORD_FIELDS, start=1):
            value = record[name]
            cell = sheet.cell(row=line, column=column)
            if isinstance(value, str):
                cell.value = tabular.guard_formula(value)
                cell.data_type = "s"
            else:
                cell.value = value
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(RECORD_FIELDS))}{len(report.rows) + 1}"
    return tabular.deterministic_xlsx(workbook)


def year_pdf(report: YearReport) -> bytes:
    html = render_to_string(
        "kpis/year_pdf.html",
        {
            "report": report,
            "fonts": font_urls(),
            "language": translation.get_language() or "en",
            "title": _("FY%(year)s KPIs and targets") % {"year": report.year},
        },
    )
    return html_to_pdf(html)


def font_urls() -> dict[str, str]:
    from tatara.cycle.table_export import font_urls as cycle_fonts

    return cycle_fonts()


def html_to_pdf(html: str) -> bytes:
    """Render with WeasyPrint; only the bundled fonts are fetched (no file, no network)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    allowed = set(font_urls().values())

    class FontsOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url not in allowed:
                raise ValueError(f"not fetched: {url}")
            return super().fetch(url, headers)

    fetcher = FontsOnly(allowed_protocols=("file",), fail_on_errors=True)
    pdf = HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_identifier=False)
    if pdf is None:  # pragma: no cover - only when a target is given
        raise RuntimeError("WeasyPrint returned no PDF")
    return bytes(pdf)


# --- the metric page --------------------------------------------------------------------------


def visible_unit_ids(viewer: Any) -> Any:
    """ALL, or the ids of the units the viewer may view KPIs of."""
    units = allowed_units(viewer, VIEW)
    return ALL if units is ALL else set(units.values_list("pk", flat=True))


def default_unit(viewer: Any, metric: Metric, year: int | None) -> OrgUnit | None:
    """The unit a metric page opens on: the top unit with a target for it, else the top unit
    the viewer may see."""
    targets = Target.objects.visible_to(viewer, VIEW).filter(metric=metric)
    if year is not None and targets.filter(fiscal_year__year=year).exists():
        targets = targets.filter(fiscal_year__year=year)
    found = targets.select_related("org_unit").order_by("org_unit__depth", "org_unit__path").first()
    if found is not None:
        return found.org_unit
    unit: OrgUnit | None = (
        OrgUnit.objects.visible_to(viewer, VIEW).order_by("depth", "path").first()
    )
    return unit


def data_years(metric: Metric, unit_id: int) -> list[int]:
    """Fiscal years with approved figures of the metric (or its parts) anywhere, and years
    with a target for it at the unit (and their base years)."""
    ids = [metric.pk, metric.numerator_id, metric.denominator_id]
    years = set(
        Observation.objects.filter(
            metric_id__in=[i for i in ids if i], status=ObservationStatus.APPROVED
        )
        .annotate(fy=fiscal_year_expression())
        .values_list("fy", flat=True)
        .distinct()
    )
    for year, base in Target.objects.filter(metric=metric, org_unit_id=unit_id).values_list(
        "fiscal_year__year", "base_year__year"
    ):
        years.add(year)
        if base is not None:
            years.add(base)
    return sorted(years)


@dataclass(frozen=True)
class ShareRow:
    share: Share
    unit: OrgUnit | None
    name: str
    value_text: str
    url: str


@dataclass
class MetricReport:
    metric: Metric
    unit: OrgUnit
    year: int
    years: list[int]
    points: list[TrendPoint]
    base_year: int | None
    target: Target | None
    evaluation: Evaluation | None
    shares: list[ShareRow]
    hidden_children: int
    chart: SafeString
    unit_label: str
    metric_name: str
    unit_name: str

    @property
    def point_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "year": p.year,
                "actual": display.with_unit(p.actual, self.metric.unit),
                "target": display.with_unit(p.target, self.metric.unit),
                "is_base": p.year == self.base_year,
                "is_current": p.year == self.year,
            }
            for p in self.points
        ]

    @property
    def parent_value_text(self) -> str:
        for point in self.points:
            if point.year == self.year:
                return display.with_unit(point.actual, self.metric.unit)
        return "—"

    @property
    def row(self) -> Row | None:
        if self.evaluation is None or self.target is None:
            return None
        return make_row(self.evaluation, self.target)


def metric_report(*, viewer: Any, metric: Metric, unit: OrgUnit, year: int) -> MetricReport:
    """Trend, breakdown and the year's evaluation of `metric` at `unit` (which the caller has
    checked the viewer may see)."""
    lang = language()
    tree = Tree.load()
    years = data_years(metric, unit.pk)
    target = (
        Target.objects.filter(metric=metric, org_unit=unit, fiscal_year__year=year)
        .select_related(
            "metric__numerator", "metric__denominator", "org_unit", "base_year", "fiscal_year"
        )
        .first()
    )
    base_year = target.base_year.year if target is not None and target.base_year else None
    chart_years = sorted({*years, year, *([base_year] if base_year else [])})
    chart_years = [y for y in chart_years if y <= year]
    points = evaluation.trend(metric, unit.pk, chart_years, tree=tree)
    result = evaluation.evaluate(year, targets=[target], tree=tree)[0] if target else None
    shares = evaluation.breakdown(metric, year, unit.pk, tree=tree)
    visible = visible_unit_ids(viewer)
    shown = [s for s in shares if visible is ALL or s.unit_id in visible]
    units = OrgUnit.objects.in_bulk([s.unit_id for s in shown])
    share_rows = []
    for share in shown:
        child = units.get(share.unit_id)
        share_rows.append(
            ShareRow(
                share=share,
                unit=child,
                name=str(child.localized("name", lang)) if child else share.name,
                value_text=display.with_unit(share.value, metric.unit),
                url=reverse("kpis:metric", args=[metric.code]) + f"?unit={share.code}&fy={year}",
            )
        )
    metric_name = str(metric.localized("name", lang))
    unit_name = str(unit.localized("name", lang))
    chart = charts.trend_svg(
        [charts.Point(p.year, p.actual, p.target) for p in points],
        unit=metric.unit,
        title=_("%(metric)s at %(unit)s: actual and target by fiscal year")
        % {"metric": metric_name, "unit": unit_name},
        chart_id=f"trend-{metric.code}",
        base_year=base_year,
        current_year=year,
    )
    return MetricReport(
        metric=metric,
        unit=unit,
        year=year,
        years=years,
        points=points,
        base_year=base_year,
        target=target,
        evaluation=result,
        shares=share_rows,
        hidden_children=len(shares) - len(shown),
        chart=chart,
        unit_label=display.unit_label(metric.unit),
        metric_name=metric_name,
        unit_name=unit_name,
    )


def observations(*, viewer: Any, metric: Metric, unit: OrgUnit, year: int) -> QuerySet[Any]:
    """Submitted and approved observations of the metric (and its parts) in the unit's
    subtree for the fiscal year, through the gate."""
    start, end = fiscal.bounds(year)
    ids = [i for i in (metric.pk, metric.numerator_id, metric.denominator_id) if i]
    return (
        Observation.objects.visible_to(viewer, VIEW)
        .filter(
            metric_id__in=ids,
            org_unit__path__startswith=unit.path,
            status__in=[ObservationStatus.SUBMITTED, ObservationStatus.APPROVED],
            period_start__gte=start,
            period_end__lte=end,
        )
        .select_related("metric", "org_unit", "approved_by")
        .order_by("org_unit__path", "metric__code", "period_start")
    )


def period_text(start: Any, end: Any) -> str:
    """ "FY2019" for a whole fiscal year, "2019-04" for a calendar month, else the dates."""
    year = fiscal.year_of(start)
    if (start, end) == fiscal.bounds(year):
        return fiscal.label(year)
    if start.day == 1 and start.year == end.year and start.month == end.month:
        following = (end + dt.timedelta(days=1)).month != end.month
        if following:
            return start.strftime("%Y-%m")
    return f"{start:%Y-%m-%d} – {end:%Y-%m-%d}"


def observation_row(observation: Observation) -> dict[str, Any]:
    """What the observations table shows of one row (metric and unit are select_related)."""
    metric = observation.metric
    entered = ""
    if observation.original_unit and observation.original_unit != metric.unit:
        entered = display.with_unit(Decimal(observation.original_value), observation.original_unit)
    return {
        "pk": observation.pk,
        "unit_name": observation.org_unit.localized("name", language()),
        "metric_code": metric.code,
        "period": period_text(observation.period_start, observation.period_end),
        "value": display.with_unit(Decimal(observation.value), metric.unit),
        "entered": entered,
        "status": observation.get_status_display(),
        "approved": observation.status == ObservationStatus.APPROVED,
        "source": observation.source,
    }


def render_metric_html(report: MetricReport) -> str:
    """The metric page's PDF as HTML: the same SVG chart as the page, the figures, the
    breakdown."""
    return render_to_string(
        "kpis/metric_pdf.html",
        {
            "report": report,
            "fonts": font_urls(),
            "language": translation.get_language() or "en",
            "title": _("%(metric)s — %(unit)s, FY%(year)s")
            % {"metric": report.metric_name, "unit": report.unit_name, "year": report.year},
        },
    )


def metric_pdf(report: MetricReport) -> bytes:
    return html_to_pdf(render_metric_html(report))


# --- the dashboard ----------------------------------------------------------------------------


def dashboard_panel(viewer: Any) -> Panel | None:
    if not can(viewer, VIEW):
        return None
    years = target_years(viewer)
    tasks = value_tasks(viewer)
    if not years:
        if not tasks:
            return None
        return Panel(title=_("KPIs and targets"), url=reverse("kpis:index"), tasks=tasks)
    current = fiscal.year_of(timezone.localdate())
    year = current if current in years else years[0]
    results = evaluation.evaluate(year, user=viewer)
    counts: dict[int | None, int] = {}
    for result in results:
        counts[result.rating] = counts.get(result.rating, 0) + 1
    panel = Panel(title=_("KPIs and targets"), url=reverse("kpis:year", args=[year]))
    panel.summary = [
        (_("FY%(year)s targets") % {"year": year}, ""),
        (_("Targets"), len(results)),
        ("★★★ " + _("Achieved"), counts.get(3, 0)),
        ("★★ " + _("90% achieved"), counts.get(2, 0)),
        ("★ " + _("Not achieved"), counts.get(1, 0)),
        (_("No rating yet"), counts.get(None, 0)),
    ]
    panel.tasks = tasks
    return panel


def value_tasks(viewer: Any) -> list[Task]:
    """Values waiting for this user: submissions to approve, and returned values to correct."""
    tasks = []
    if can(viewer, "kpis.approve"):
        waiting = (
            Observation.objects.visible_to(viewer, "kpis.approve")
            .filter(status=ObservationStatus.SUBMITTED)
            .count()
        )
        if waiting:
            tasks.append(
                Task(
                    title=ngettext(
                        "%(count)d submitted KPI value to approve",
                        "%(count)d submitted KPI values to approve",
                        waiting,
                    )
                    % {"count": waiting},
                    url=reverse("kpi_collect:approvals"),
                    who=_("Approver"),
                )
            )
    if can(viewer, "kpis.change"):
        returned = (
            Observation.objects.visible_to(viewer, "kpis.change")
            .filter(status=ObservationStatus.DRAFT)
            .exclude(return_note="")
            .count()
        )
        if returned:
            tasks.append(
                Task(
                    title=ngettext(
                        "%(count)d KPI value returned for correction",
                        "%(count)d KPI values returned for correction",
                        returned,
                    )
                    % {"count": returned},
                    url=reverse("kpi_collect:entry"),
                    who=_("Data entry"),
                )
            )
    return tasks


def subject_metrics(viewer: Any) -> list[tuple[str, list[Metric]]]:
    """Every metric, by subject (reference data: all of it for anyone with kpis.view)."""
    metrics = list(
        Metric.objects.visible_to(viewer, VIEW)
        .select_related("subject", "numerator", "denominator")
        .order_by("subject__number", "code")
    )
    grouped: dict[int | None, list[Metric]] = {}
    subjects: dict[int | None, Subject | None] = {}
    for metric in metrics:
        setattr(metric, "unit_label", display.unit_label(metric.unit))  # noqa: B010
        grouped.setdefault(metric.subject_id, []).append(metric)
        subjects[metric.subject_id] = metric.subject

    def position(pk: int | None) -> int:
        subject = subjects[pk]
        return subject.number if subject is not None else 10**6

    order = sorted(grouped, key=position)
    return [(subject_heading(subjects[pk]), grouped[pk]) for pk in order]


def units_in_scope(viewer: Any) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.visible_to(viewer, VIEW).order_by("path")


__all__ = [
    "FORMATS",
    "MetricReport",
    "Row",
    "YearReport",
    "dashboard_panel",
    "export_year",
    "metric_pdf",
    "metric_report",
    "observations",
    "target_years",
    "year_report",
]

"""Pages of the yearly cycle. Views shape input and call services/selectors; nothing else."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tatara.core import fiscal, year_lock
from tatara.core.audit import trail_for
from tatara.core.permissions import can
from tatara.core.tabular import ImportRejected
from tatara.cycle import forms, selectors, services, table_export, table_import
from tatara.cycle.choices import Column, Rating, Status
from tatara.cycle.models import CycleYear, Evidence, Initiative

# How each export format is offered on the year page.
FORMAT_LABELS = {
    "pdf": gettext_lazy("Download PDF"),
    "xlsx": gettext_lazy("Download Excel"),
    "csv": gettext_lazy("Download CSV"),
    "md": gettext_lazy("Download Markdown"),
    "html": gettext_lazy("Download HTML"),
}
RATINGS = (Rating.ACHIEVED, Rating.MOSTLY_ACHIEVED, Rating.NOT_ACHIEVED)


def _require_view(request: HttpRequest) -> None:
    """People without any cycle role get 403 on every cycle page (not a misleading 404)."""
    if not can(request.user, "cycle.view"):
        raise PermissionDenied


def _year_or_404(request: HttpRequest, year: int) -> CycleYear:
    _require_view(request)
    try:
        return selectors.get_year(viewer=request.user, year=year)
    except CycleYear.DoesNotExist as exc:
        raise Http404 from exc


def _neighbours(cycle: CycleYear) -> tuple[CycleYear | None, CycleYear | None]:
    """The year this one was carried forward from, and the one it was carried into."""
    previous = next_ = None
    for other in CycleYear.objects.select_related("fiscal_year").filter(
        Q(pk=cycle.opened_from_id) | Q(opened_from=cycle)
    ):
        if other.pk == cycle.opened_from_id:
            previous = other
        else:
            next_ = other
    return previous, next_


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@require_GET
def year_list(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    years = list(selectors.years(viewer=request.user))
    open_form = None
    if can(request.user, "cycle.manage"):
        next_year = years[0].year + 1 if years else fiscal.year_of(timezone.localdate())
        open_form = forms.OpenYearForm(initial={"year": next_year})
    return render(request, "cycle/years.html", {"years": years, "open_form": open_form})


@require_POST
def open_year(request: HttpRequest) -> HttpResponse:
    form = forms.OpenYearForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid year."))
        return redirect("cycle:years")
    try:
        cycle = services.open_year(actor=request.user, year=form.cleaned_data["year"])
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("cycle:years")
    messages.success(request, _("FY%(year)d is open for planning.") % {"year": cycle.year})
    return redirect("cycle:year", cycle.year)


@require_GET
def year_table(request: HttpRequest, year: int) -> HttpResponse:
    cycle = _year_or_404(request, year)
    user = request.user
    blocks = selectors.year_table(viewer=user, year=year)
    counts = selectors.status_counts(viewer=user, year=year)
    count = sum(len(b.initiatives) for b in blocks)
    can_export = can(user, "cycle.export")
    ordered = [f for f in FORMAT_LABELS if f in table_export.FORMATS]
    ordered += [f for f in table_export.FORMATS if f not in FORMAT_LABELS]
    formats = [
        (fmt, FORMAT_LABELS.get(fmt, fmt), reverse("cycle:export", args=[year, fmt]))
        for fmt in ordered
    ]
    measures = [m for b in blocks for i in b.initiatives for m in i.measures.all()]
    previous_cycle, next_cycle = _neighbours(cycle)
    lock = year_lock.lock_state(cycle.year)
    is_closed = lock.closed
    manage = can(user, "cycle.manage")
    return render(
        request,
        "cycle/year.html",
        {
            "cycle": cycle,
            "blocks": blocks,
            "count": count,
            "status_counts": counts,
            "status_rows": [
                (value, label, counts.get(value, 0)) for value, label in Status.choices
            ],
            "unconfirmed": count - counts.get(Status.CONFIRMED, 0),
            "drafts": counts.get(Status.DRAFT, 0),
            "can_manage": manage,
            "can_approve": can(user, "cycle.approve"),
            "year_form": (
                forms.YearForm(
                    initial={
                        "plan_due": cycle.plan_due,
                        "results_due": cycle.results_due,
                        "review_due": cycle.review_due,
                        "note": cycle.note,
                    }
                )
                if manage and not is_closed
                else None
            ),
            "can_export": can_export,
            "formats": formats if can_export else [],
            "next_cycle": next_cycle,
            "is_closed": is_closed,
            "lock": lock,
            "reopened_ids": (
                {
                    int(pk)
                    for pk in year_lock.changed_while_reopened(
                        Initiative, [i.pk for b in blocks for i in b.initiatives]
                    )
                }
                if lock.ever_reopened
                else set()
            ),
            "has_carried": any(m.carried_from_id for m in measures),
            "has_revised": any(m.revised for m in measures),
            "previous_cycle": previous_cycle,
            "statuses": Status,
        },
    )


@require_GET
def export(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    if fmt not in table_export.FORMATS:
        raise Http404
    if not can(request.user, "cycle.export"):
        raise PermissionDenied
    _year_or_404(request, year)
    data, content_type, filename = table_export.export_table(
        viewer=request.user, year=year, fmt=fmt
    )
    response = HttpResponse(data, content_type=content_type)
    disposition = "inline" if fmt == "html" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest, year: int) -> HttpResponse:
    if not can(request.user, "cycle.manage"):
        raise PermissionDenied
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = table_import.import_table(
                upload,
                name=upload.name,
                actor=request.user,
                year=year,
                dry_run=form.cleaned_data["dry_run"],
                replace=form.cleaned_data["replace"],
            )
        except ImportRejected as exc:
            errors = exc.errors
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            if not form.cleaned_data["dry_run"]:
                messages.success(request, _("Imported: %(s)s.") % {"s": result.summary()})
                return redirect("cycle:year", year)
    return render(
        request,
        "cycle/import.html",
        {
            "form": form,
            "errors": errors,
            "result": result,
            "year": year,
            "year_exists": CycleYear.objects.filter(fiscal_year__year=year).exists(),
        },
    )


@require_POST
def approve_plans(request: HttpRequest, year: int) -> HttpResponse:
    cycle = _year_or_404(request, year)
    if not can(request.user, "cycle.approve"):
        raise PermissionDenied
    try:
        count = services.approve_year_plan(actor=request.user, cycle=cycle)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("%(n)d plans approved.") % {"n": count})
        own = sum(
            services.drafted_by_actor(request.user, i)
            for i in Initiative.objects.visible_to(request.user, "cycle.approve").filter(
                cycle=cycle, status=Status.DRAFT
            )
        )
        if own:
            messages.warning(
                request,
                _(
                    "%(n)d draft plans are yours: another approver approves them (or open each "
                    "and give the reason why you approve your own draft)."
                )
                % {"n": own},
            )
    return redirect("cycle:year", year)


@require_POST
def year_settings(request: HttpRequest, year: int) -> HttpResponse:
    """The CSR office changes the year's deadlines and note."""
    cycle = _year_or_404(request, year)
    if not can(request.user, "cycle.manage"):
        raise PermissionDenied
    form = forms.YearForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the deadlines: %(e)s") % {"e": _form_errors(form)})
        return redirect("cycle:year", year)
    try:
        services.update_year(actor=request.user, cycle=cycle, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Deadlines and note saved."))
    return redirect("cycle:year", year)


@require_POST
def carry_forward(request: HttpRequest, year: int) -> HttpResponse:
    cycle = _year_or_404(request, year)
    try:
        new_cycle = services.carry_forward(actor=request.user, cycle=cycle)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("cycle:year", year)
    messages.success(
        request,
        _("FY%(year)d opened from FY%(old)d; its plan is a draft.")
        % {"year": new_cycle.year, "old": year},
    )
    return redirect("cycle:year", new_cycle.year)


@require_GET
def road_map(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    road = selectors.road_map(viewer=request.user)
    subjects: list[dict[str, Any]] = []
    for subject in road.subjects:
        lineages = road.lineages.get(subject.number, [])
        rows = [
            {"title": lineage.title, "cells": [lineage.by_year.get(y) for y in road.years]}
            for lineage in lineages
        ]
        counts = [
            [road.count(subject.number, y, int(rating)) for rating in RATINGS] for y in road.years
        ]
        subjects.append({"subject": subject, "rows": rows, "counts": counts})
    totals = [
        [sum(s["counts"][i][r] for s in subjects) for r in range(len(RATINGS))]
        for i in range(len(road.years))
    ]
    return render(
        request,
        "cycle/roadmap.html",
        {
            "map": road,
            "years": road.years,
            "subjects": subjects,
            "totals": totals,
            "ratings": RATINGS,
            "has_rows": any(s["rows"] for s in subjects),
        },
    )


def _initiative_or_404(request: HttpRequest, pk: int) -> Initiative:
    _require_view(request)
    initiative = selectors.initiatives(viewer=request.user).filter(pk=pk).first()
    if initiative is None:
        raise Http404
    return initiative


def _step_forms(
    request: HttpRequest, initiative: Initiative, lock: year_lock.LockState
) -> dict[str, Any]:
    """The forms the viewer may use on this initiative now, pre-filled."""
    user, unit, status = request.user, initiative.owner_unit, initiative.status
    if lock.closed:
        return {}  # a closed year is a record: nothing is entered or reviewed any more
    lines = {c: "\n".join(m.text for m in initiative.items(c)) for c in Column.values}
    manage = can(user, "cycle.manage", unit)
    found: dict[str, Any] = {}
    if (status == Status.DRAFT and (manage or can(user, "cycle.change", unit))) or (
        status != Status.DRAFT and manage and status != Status.CONFIRMED
    ):
        found["plan"] = forms.PlanForm(
            initial={"planned": lines[Column.PLANNED]}, revising=status != Status.DRAFT
        )
    waive = services.is_csr_office(user)
    if status == Status.DRAFT and can(user, "cycle.approve", unit):
        own = services.drafted_by_actor(user, initiative)
        if own and not waive:
            found["approve_blocked"] = True  # the drafter waits for another approver
        else:
            found["approve"] = forms.ApproveForm(waiving=own)
    if status == Status.APPROVED and (manage or can(user, "cycle.change", unit)):
        found["results"] = forms.ResultsForm(
            initial={
                "results": lines[Column.RESULT],
                "next_planned": lines[Column.NEXT],
                "notes": initiative.notes,
            }
        )
        found["evidence"] = forms.EvidenceForm()
    if (
        status == Status.APPROVED
        and initiative.results
        and (manage or can(user, "cycle.submit", unit))
    ):
        found["propose"] = forms.ProposeForm(initial={"rating": initiative.proposed_rating or 3})
    if status == Status.PROPOSED and can(user, "cycle.review", unit):
        own = services.proposed_by_actor(user, initiative)
        if own and not waive:
            found["review_blocked"] = True
        else:
            found["review"] = forms.ReviewForm(
                initial={"rating": initiative.proposed_rating}, waiving=own
            )
    if status in (Status.PROPOSED, Status.CONFIRMED) and can(user, "cycle.review", unit):
        found["send_back"] = forms.ReturnForm()
    # Name the columns with their years, as the table does.
    year = initiative.cycle.year
    if "plan" in found:
        found["plan"].fields["planned"].label = _("FY%(y)d Measures (Planned)") % {"y": year}
    if "results" in found:
        fields = found["results"].fields
        fields["results"].label = _("FY%(y)d Measures (Results)") % {"y": year}
        fields["next_planned"].label = _("Measures Planned for FY%(y)d") % {"y": year + 1}
    return found


@require_GET
def initiative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _initiative_or_404(request, pk)
    lock = year_lock.lock_state(initiative.cycle.year)
    lineage: list[Initiative] = []
    previous = initiative.predecessor
    while previous is not None and len(lineage) < 20:
        if can(request.user, "cycle.view", previous.owner_unit):
            lineage.append(previous)
        previous = previous.predecessor
    successor = getattr(initiative, "successor", None)
    if successor is not None and not can(request.user, "cycle.view", successor.owner_unit):
        successor = None
    return render(
        request,
        "cycle/initiative.html",
        {
            "initiative": initiative,
            "cycle": initiative.cycle,
            "next_year": initiative.cycle.year + 1,
            "lineage": lineage,
            "successor": successor,
            "forms": _step_forms(request, initiative, lock),
            "is_closed": lock.closed,
            "lock": lock,
            "evidence": initiative.evidence.all(),
            "trail": trail_for(initiative),
            "measure_trail": _measure_trail(initiative),
            "ratings": RATINGS,
            "has_carried": any(m.carried_from_id for m in initiative.measures.all()),
            "has_revised": any(m.revised for m in initiative.measures.all()),
        },
    )


def _measure_trail(initiative: Initiative) -> list[Any]:
    """The history of measures reviewed after approval (uses the prefetched measures)."""
    entries = []
    for measure in initiative.measures.all():
        if measure.revised:
            entries.extend(trail_for(measure))
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


STEPS = {"plan", "approve", "results", "propose", "review", "send_back", "evidence"}


def _form_errors(form: Any) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@require_POST
def initiative_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404
    initiative = _initiative_or_404(request, pk)
    user = request.user
    form: forms.BootstrapForm
    try:
        if step == "approve":
            form = forms.ApproveForm(request.POST)
            form.is_valid()
            services.approve_plan(
                actor=user, initiative=initiative, waiver=form.cleaned_data.get("waiver", "")
            )
            messages.success(request, _("Plan approved."))
        elif step == "plan":
            form = forms.PlanForm(request.POST)
            if form.is_valid():
                services.revise_plan(
                    actor=user,
                    initiative=initiative,
                    planned=form.cleaned_data["planned"],
                    reason=form.cleaned_data["reason"],
                )
                messages.success(request, _("Plan saved."))
            else:
                messages.error(request, _("Check the plan: %(e)s") % {"e": _form_errors(form)})
        elif step == "results":
            form = forms.ResultsForm(request.POST)
            if form.is_valid():
                services.enter_results(
                    actor=user,
                    initiative=initiative,
                    results=form.cleaned_data["results"],
                    next_planned=form.cleaned_data["next_planned"],
                    notes=form.cleaned_data["notes"],
                )
                messages.success(request, _("Results saved."))
            else:
                messages.error(request, _("Check the results: %(e)s") % {"e": _form_errors(form)})
        elif step == "propose":
            form = forms.ProposeForm(request.POST)
            if form.is_valid():
                services.propose_rating(
                    actor=user,
                    initiative=initiative,
                    rating=form.cleaned_data["rating"],
                    comment=form.cleaned_data["comment"],
                )
                messages.success(
                    request, _("Self-assessment proposed to the CSR Management Office.")
                )
            else:
                messages.error(request, _form_errors(form))
        elif step == "review":
            form = forms.ReviewForm(request.POST)
            if form.is_valid():
                services.confirm_rating(
                    actor=user,
                    initiative=initiative,
                    rating=form.cleaned_data["rating"],
                    note=form.cleaned_data["note"],
                    waiver=form.cleaned_data["waiver"],
                )
                messages.success(request, _("Rating confirmed."))
            else:
                messages.error(request, _form_errors(form))
        elif step == "send_back":
            form = forms.ReturnForm(request.POST)
            if form.is_valid():
                services.return_for_rework(
                    actor=user, initiative=initiative, note=form.cleaned_data["note"]
                )
                messages.success(request, _("Sent back to the owner."))
            else:
                messages.error(request, _form_errors(form))
        elif step == "evidence":
            form = forms.EvidenceForm(request.POST, request.FILES)
            if form.is_valid():
                services.add_evidence(
                    actor=user,
                    initiative=initiative,
                    upload=form.cleaned_data["file"],
                    description=form.cleaned_data["description"],
                )
                messages.success(request, _("Evidence added."))
            else:
                messages.error(request, _form_errors(form))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect("cycle:initiative", initiative.pk)


@require_GET
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """Evidence is served through the gate, never from a public media URL."""
    evidence = Evidence.objects.visible_to(request.user, "cycle.view").filter(pk=pk).first()
    if evidence is None:
        raise Http404
    name = evidence.file.name.rsplit("/", 1)[-1]
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=name)

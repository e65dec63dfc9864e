"""Pages of the yearly cycle. Views shape input and call services/selectors; nothing else."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tatara.core.audit import trail_for
from tatara.core.permissions import can
from tatara.core.tabular import ImportRejected
from tatara.cycle import forms, selectors, services, table_export, table_import
from tatara.cycle.choices import Column, Status
from tatara.cycle.models import CycleYear, Initiative


def _year_or_404(request: HttpRequest, year: int) -> CycleYear:
    try:
        return selectors.get_year(viewer=request.user, year=year)
    except CycleYear.DoesNotExist as exc:
        raise Http404 from exc


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@require_GET
def year_list(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "cycle.view"):
        raise PermissionDenied
    return render(request, "cycle/years.html", {
        "years": selectors.years(viewer=request.user),
        "open_form": forms.OpenYearForm() if can(request.user, "cycle.manage") else None,
    })


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
    return redirect("cycle:year", cycle.year)


@require_GET
def year_table(request: HttpRequest, year: int) -> HttpResponse:
    cycle = _year_or_404(request, year)
    blocks = selectors.year_table(viewer=request.user, year=year)
    user = request.user
    return render(request, "cycle/year.html", {
        "cycle": cycle,
        "blocks": blocks,
        "count": sum(len(b.initiatives) for b in blocks),
        "status_counts": selectors.status_counts(viewer=user, year=year),
        "can_manage": can(user, "cycle.manage"),
        "can_approve": can(user, "cycle.approve"),
        "can_export": can(user, "cycle.export"),
        "formats": table_export.FORMATS,
        "statuses": Status,
    })


@require_GET
def export(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    if fmt not in table_export.FORMATS:
        raise Http404
    if not can(request.user, "cycle.export"):
        raise PermissionDenied
    _year_or_404(request, year)
    data, content_type, filename = table_export.export_table(viewer=request.user, year=year, fmt=fmt)
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
                upload, name=upload.name, actor=request.user, year=year,
                dry_run=form.cleaned_data["dry_run"], replace=form.cleaned_data["replace"],
            )
        except ImportRejected as exc:
            errors = exc.errors
        else:
            if form.cleaned_data["dry_run"]:
                messages.info(request, _("The file is valid: %(s)s. Nothing was changed.") % {"s": result.summary()})
            else:
                messages.success(request, _("Imported: %(s)s.") % {"s": result.summary()})
                return redirect("cycle:year", year)
    return render(request, "cycle/import.html", {"form": form, "errors": errors, "result": result, "year": year})


@require_POST
def approve_plans(request: HttpRequest, year: int) -> HttpResponse:
    cycle = _year_or_404(request, year)
    if not can(request.user, "cycle.approve"):
        raise PermissionDenied
    count = services.approve_year_plan(actor=request.user, cycle=cycle)
    messages.success(request, _("%(n)d plans approved.") % {"n": count})
    return redirect("cycle:year", year)


@require_POST
def carry_forward(request: HttpRequest, year: int) -> HttpResponse:
    cycle = _year_or_404(request, year)
    try:
        new_cycle = services.carry_forward(actor=request.user, cycle=cycle)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("cycle:year", year)
    messages.success(request, _("FY%(year)d opened from FY%(old)d; its plan is a draft.") % {"year": new_cycle.year, "old": year})
    return redirect("cycle:year", new_cycle.year)


@require_GET
def road_map(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "cycle.view"):
        raise PermissionDenied
    return render(request, "cycle/roadmap.html", {"map": selectors.road_map(viewer=request.user)})


def _initiative_or_404(request: HttpRequest, pk: int) -> Initiative:
    initiative = selectors.initiatives(viewer=request.user).filter(pk=pk).first()
    if initiative is None:
        raise Http404
    return initiative


def _step_forms(request: HttpRequest, initiative: Initiative) -> dict[str, Any]:
    """The forms the viewer may use on this initiative now, pre-filled."""
    user, unit, status = request.user, initiative.owner_unit, initiative.status
    lines = {c: "\n".join(m.text for m in initiative.items(c)) for c in Column.values}
    manage = can(user, "cycle.manage", unit)
    found: dict[str, Any] = {}
    if (status == Status.DRAFT and (manage or can(user, "cycle.change", unit))) or (status != Status.DRAFT and manage and status != Status.CONFIRMED):
        found["plan"] = forms.PlanForm(initial={"planned": lines[Column.PLANNED]})
    if status == Status.DRAFT and can(user, "cycle.approve", unit):
        found["approve"] = True
    if status == Status.APPROVED and (manage or can(user, "cycle.change", unit)):
        found["results"] = forms.ResultsForm(initial={"results": lines[Column.RESULT], "next_planned": lines[Column.NEXT], "notes": initiative.notes})
        found["evidence"] = forms.EvidenceForm()
    if status == Status.APPROVED and initiative.results and (manage or can(user, "cycle.submit", unit)):
        found["propose"] = forms.ProposeForm(initial={"rating": initiative.proposed_rating or 3})
    if status == Status.PROPOSED and can(user, "cycle.review", unit):
        found["review"] = forms.ReviewForm(initial={"rating": initiative.proposed_rating})
    if status in (Status.PROPOSED, Status.CONFIRMED) and can(user, "cycle.review", unit):
        found["send_back"] = forms.ReturnForm()
    return found


@require_GET
def initiative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _initiative_or_404(request, pk)
    lineage = []
    previous = initiative.predecessor
    while previous is not None and len(lineage) < 20:
        lineage.append(previous)
        previous = previous.predecessor
    successor = getattr(initiative, "successor", None)
    return render(request, "cycle/initiative.html", {
        "initiative": initiative,
        "lineage": lineage,
        "successor": successor,
        "forms": _step_forms(request, initiative),
        "evidence": initiative.evidence.all(),
        "trail": trail_for(initiative),
        "measure_trail": _measure_trail(initiative),
    })


def _measure_trail(initiative: Initiative) -> list[Any]:
    entries = []
    for measure in initiative.measures.all().prefetch_related(Prefetch("history")):
        if measure.revised:
            entries.extend(trail_for(measure))
    return entries


STEPS = {"plan", "approve", "results", "propose", "review", "send_back", "evidence"}


@require_POST
def initiative_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404
    initiative = _initiative_or_404(request, pk)
    user = request.user
    try:
        if step == "approve":
            services.approve_plan(actor=user, initiative=initiative)
            messages.success(request, _("Plan approved."))
        elif step == "plan":
            form = forms.PlanForm(request.POST)
            if form.is_valid():
                services.revise_plan(actor=user, initiative=initiative, planned=form.cleaned_data["planned"], reason=form.cleaned_data["reason"])
                messages.success(request, _("Plan saved."))
            else:
                messages.error(request, _("Check the plan: %(e)s") % {"e": form.errors.as_text()})
        elif step == "results":
            form = forms.ResultsForm(request.POST)
            if form.is_valid():
                services.enter_results(actor=user, initiative=initiative, results=form.cleaned_data["results"],
                                       next_planned=form.cleaned_data["next_planned"], notes=form.cleaned_data["notes"])
                messages.success(request, _("Results saved."))
            else:
                messages.error(request, _("Check the results: %(e)s") % {"e": form.errors.as_text()})
        elif step == "propose":
            form = forms.ProposeForm(request.POST)
            if form.is_valid():
                services.propose_rating(actor=user, initiative=initiative, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"])
                messages.success(request, _("Self-assessment proposed to the CSR Management Office."))
            else:
                messages.error(request, form.errors.as_text())
        elif step == "review":
            form = forms.ReviewForm(request.POST)
            if form.is_valid():
                services.confirm_rating(actor=user, initiative=initiative, rating=form.cleaned_data["rating"], note=form.cleaned_data["note"])
                messages.success(request, _("Rating confirmed."))
            else:
                messages.error(request, form.errors.as_text())
        elif step == "send_back":
            form = forms.ReturnForm(request.POST)
            if form.is_valid():
                services.return_for_rework(actor=user, initiative=initiative, note=form.cleaned_data["note"])
                messages.success(request, _("Sent back to the owner."))
            else:
                messages.error(request, form.errors.as_text())
        elif step == "evidence":
            form = forms.EvidenceForm(request.POST, request.FILES)
            if form.is_valid():
                services.add_evidence(actor=user, initiative=initiative, upload=form.cleaned_data["file"], description=form.cleaned_data["description"])
                messages.success(request, _("Evidence added."))
            else:
                messages.error(request, form.errors.as_text())
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect("cycle:initiative", initiative.pk)

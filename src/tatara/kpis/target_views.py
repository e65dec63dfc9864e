"""KPI target pages: create and edit a target, link it to initiatives of its year, and the
CSR office's rating override on an initiative. Every check is in the services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tatara.core import year_lock
from tatara.core.permissions import can
from tatara.cycle import selectors as cycle_selectors
from tatara.cycle.models import Initiative
from tatara.cycle.services import get_or_create_fiscal_year
from tatara.kpis import initiative_ratings, services
from tatara.kpis.collection import MANAGE, VIEW, units_for
from tatara.kpis.collection_forms import LinkForm, OverrideForm, TargetForm
from tatara.kpis.models import Target


def _require(request: HttpRequest, action: str) -> None:
    if not can(request.user, action):
        raise PermissionDenied


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            for message in errors:
                form.add_error(name if name in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _target_or_404(request: HttpRequest, pk: int) -> Target:
    _require(request, VIEW)
    target = (
        Target.objects.visible_to(request.user, VIEW)
        .select_related("metric", "org_unit", "fiscal_year", "base_year")
        .filter(pk=pk)
        .first()
    )
    if target is None:
        raise Http404
    return target


def _kind_values(form: TargetForm) -> dict[str, Any]:
    data = form.cleaned_data
    base = data.get("base_year")
    return {
        "kind": data["kind"],
        "value": data.get("value") or None,
        "base_year": get_or_create_fiscal_year(base) if base else None,
        "legal_parameter": data.get("legal_parameter") or "",
    }


@require_http_methods(["GET", "POST"])
def target_new(request: HttpRequest) -> HttpResponse:
    _require(request, MANAGE)
    form = TargetForm(
        request.POST or None,
        units=units_for(request.user, MANAGE),
        initial={
            "fiscal_year": request.GET.get("fy", ""),
            "legal_parameter": "disability-employment-rate",
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            target = services.create_target(
                actor=request.user,
                metric=data["metric"],
                fiscal_year=get_or_create_fiscal_year(data["fiscal_year"]),
                org_unit=data["org_unit"],
                **_kind_values(form),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Target created."))
            return redirect("kpi_collect:target-edit", target.pk)
    return render(
        request,
        "kpis/collect/target_form.html",
        {"form": form, "target": None},
        status=400 if form.is_bound and form.errors else 200,
    )


def _link_choices(request: HttpRequest, target: Target) -> list[tuple[int, str]]:
    linked = {i.pk for i in target.initiatives.all()}
    found = (
        cycle_selectors.initiatives(viewer=request.user)
        .filter(cycle__fiscal_year=target.fiscal_year)
        .select_related("subject", "owner_unit")
        .order_by("subject__number", "position")
    )
    return [
        (i.pk, f"{i.subject.number}.{i.position} {i.subject.title} · {i.owner_unit.name}")
        for i in found
        if i.pk not in linked
    ]


@require_http_methods(["GET", "POST"])
def target_edit(request: HttpRequest, pk: int) -> HttpResponse:
    target = _target_or_404(request, pk)
    lock = year_lock.lock_state(target.fiscal_year.year)
    # a closed year's target is a record: shown, not offered for change (the service refuses)
    manage = can(request.user, MANAGE, target.org_unit) and not lock.closed
    if request.method == "POST" and not can(request.user, MANAGE, target.org_unit):
        raise PermissionDenied
    initial = {
        "kind": target.kind,
        "value": services.plain_number(target.value) if target.value is not None else "",
        "base_year": target.base_year.year if target.base_year else "",
        "legal_parameter": target.legal_parameter or "disability-employment-rate",
    }
    form = TargetForm(request.POST or None, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_target(actor=request.user, target=target, **_kind_values(form))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Target saved."))
            return redirect("kpi_collect:target-edit", target.pk)
    linked = list(
        target.initiatives.filter(
            pk__in=cycle_selectors.initiatives(viewer=request.user).values("pk")
        ).select_related("subject", "owner_unit")
    )
    return render(
        request,
        "kpis/collect/target_form.html",
        {
            # after a refused POST the form stays, with the service's reason on it
            "form": form if manage or form.is_bound else None,
            "target": target,
            "linked": linked,
            "link_form": LinkForm(choices=_link_choices(request, target)) if manage else None,
            "can_manage": manage,
            "lock": lock,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _initiative_or_404(request: HttpRequest, pk: int) -> Initiative:
    initiative = cycle_selectors.initiatives(viewer=request.user).filter(pk=pk).first()
    if initiative is None:
        raise Http404
    return initiative


@require_POST
def target_link(request: HttpRequest, pk: int) -> HttpResponse:
    target = _target_or_404(request, pk)
    form = LinkForm(request.POST)
    if not form.is_valid() or form.cleaned_data["initiative"] is None:
        messages.error(request, _("Choose an initiative."))
        return redirect("kpi_collect:target-edit", pk)
    initiative = _initiative_or_404(request, form.cleaned_data["initiative"])
    try:
        initiative_ratings.link_target(actor=request.user, target=target, initiative=initiative)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Target linked to the initiative."))
    return redirect("kpi_collect:target-edit", pk)


@require_POST
def target_unlink(request: HttpRequest, pk: int, initiative_pk: int) -> HttpResponse:
    target = _target_or_404(request, pk)
    initiative = _initiative_or_404(request, initiative_pk)
    try:
        initiative_ratings.unlink_target(actor=request.user, target=target, initiative=initiative)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Link removed."))
    return redirect("kpi_collect:target-edit", pk)


@require_POST
def rating_override(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, VIEW)
    initiative = _initiative_or_404(request, pk)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        if not can(request.user, MANAGE, initiative.owner_unit):
            raise PermissionDenied
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("cycle:initiative", pk)
    try:
        initiative_ratings.override_rating(
            actor=request.user,
            initiative=initiative,
            rating=form.cleaned_data["rating"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Rating set by the CSR Management Office."))
    return redirect("cycle:initiative", pk)


@require_POST
def rating_clear(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, VIEW)
    initiative = _initiative_or_404(request, pk)
    try:
        initiative_ratings.clear_override(actor=request.user, initiative=initiative)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Override removed: the targets' rating applies."))
    return redirect("cycle:initiative", pk)

"""Template tags of the KPI write side: the actions block of the KPI year page and the KPI
targets block of a cycle initiative's page (so those pages change by one line)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from tatara.core import year_lock
from tatara.core.permissions import can
from tatara.kpis import display, report
from tatara.kpis.collection import APPROVE, CHANGE, EXPORT, MANAGE, VIEW
from tatara.kpis.collection_forms import OverrideForm
from tatara.kpis.initiative_ratings import rating_for
from tatara.kpis.models import Observation, Target

register = template.Library()


def _user(context: Any) -> Any:
    request = context.get("request")
    return getattr(request, "user", None)


@register.inclusion_tag("kpis/collect/_year_actions.html", takes_context=True)
def kpi_year_actions(context: Any, year: int) -> dict[str, Any]:
    """Links to the write side from the KPI year page, as far as the viewer may use them."""
    user = _user(context)
    manage = can(user, MANAGE)
    return {
        "year": year,
        "can_enter": can(user, CHANGE),
        "can_approve": can(user, APPROVE),
        "waiting": (
            Observation.objects.visible_to(user, APPROVE).filter(status="submitted").count()
            if can(user, APPROVE)
            else 0
        ),
        "can_view": can(user, VIEW),
        "can_export": can(user, EXPORT),
        "can_manage": manage,
        "targets": (
            list(
                Target.objects.visible_to(user, MANAGE)
                .filter(fiscal_year__year=year)
                .select_related("metric", "org_unit")
                .order_by("metric__code", "org_unit__path")
            )
            if manage
            else []
        ),
    }


@register.inclusion_tag("kpis/collect/_initiative_panel.html", takes_context=True)
def initiative_kpis(context: Any, initiative: Any) -> dict[str, Any]:
    """The targets linked to an initiative with actual, achievement and stars, the rating
    they suggest (the lowest), the override and — for the CSR office — its form."""
    user = _user(context)
    if not can(user, VIEW):
        return {"show": False}
    found = rating_for(initiative)
    visible = set(
        Target.objects.visible_to(user, VIEW)
        .filter(pk__in=[e.target_id for e in found.evaluations])
        .values_list("pk", flat=True)
    )
    manage = can(user, MANAGE, initiative.owner_unit)
    # the override changes only in an open year and before the rating is confirmed
    # (kpis.initiative_ratings); the page says why when it does not offer the form
    if year_lock.is_closed(initiative.cycle.fiscal_year.year):
        frozen = _("The year is closed: the override is a record.")
    elif initiative.status == "confirmed":
        frozen = _("The rating is confirmed: the override changes after a send-back.")
    else:
        frozen = ""
    rows = [
        {
            "evaluation": e,
            "target": report.target_text(e),
            "actual": report.actual_text(e),
            "achievement": display.percent(e.achievement_percent),
            "url": reverse("kpi_collect:target-edit", args=[e.target_id]),
        }
        for e in found.evaluations
        if e.target_id in visible
    ]
    override = found.override
    return {
        "show": True,
        "initiative": initiative,
        "rows": rows,
        "suggested": found.suggested,
        "override": override,
        "rating": found.rating,
        "can_manage": manage,
        "frozen": frozen if manage else "",
        "form": (
            OverrideForm(
                initial={
                    "rating": override.rating if override else (found.suggested or 3),
                    "reason": override.reason if override else "",
                },
                auto_id="override_%s",
            )
            if manage and not frozen
            else None
        ),
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def unit_label(unit: str) -> str:
    """A unit of measure as people read it ("yen" → "円" in Japanese, "percent" → "%")."""
    return display.unit_label(unit)

"""Initiatives of the yearly cycle linked to their targets, and the rating that follows.

An initiative's suggested rating is the lowest rating among its linked targets' evaluations,
unless the CSR office overrides it with a recorded reason.

Links and the override are part of the initiative's rating: they change only while its year is
open (core.year_lock; marked when the year is reopened) and while its rating is not confirmed
(a confirmed initiative is sent back first, cycle.services.return_for_rework).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tatara.core import year_lock
from tatara.core.audit import record_event, stamp
from tatara.core.permissions import require
from tatara.cycle.models import Initiative
from tatara.cycle.services import refuse_confirmed
from tatara.kpis.evaluation import Evaluation, evaluate
from tatara.kpis.models import RatingOverride, Target


@transaction.atomic
def link_target(*, actor: Any, target: Target, initiative: Initiative) -> None:
    """Link a target to an initiative of the same fiscal year."""
    require(actor, "kpis.manage", target.org_unit)
    require(actor, "cycle.view", initiative.owner_unit)
    if initiative.cycle.fiscal_year_id != target.fiscal_year_id:
        raise ValidationError(_("The target and the initiative belong to different fiscal years."))
    _guard(actor, initiative, "kpi_target.linked", target=target)
    target.initiatives.add(initiative)
    record_event(
        actor=actor,
        verb="kpi_target.linked",
        target=target,
        org_unit=target.org_unit,
        data={"initiative": initiative.pk},
    )


@transaction.atomic
def unlink_target(*, actor: Any, target: Target, initiative: Initiative) -> None:
    require(actor, "kpis.manage", target.org_unit)
    _guard(actor, initiative, "kpi_target.unlinked", target=target)
    target.initiatives.remove(initiative)
    record_event(
        actor=actor,
        verb="kpi_target.unlinked",
        target=target,
        org_unit=target.org_unit,
        data={"initiative": initiative.pk},
    )


@transaction.atomic
def override_rating(
    *, actor: Any, initiative: Initiative, rating: int, reason: str
) -> RatingOverride:
    """The CSR office sets the initiative's rating itself; the reason is required."""
    require(actor, "kpis.manage", initiative.owner_unit)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Give the reason for a rating other than the one its targets suggest.")}
        )
    if rating not in (1, 2, 3):
        raise ValidationError({"rating": _("A rating is 1, 2 or 3 stars.")})
    _guard(actor, initiative, "kpi_rating.overridden")
    override = RatingOverride.objects.filter(initiative=initiative).first() or RatingOverride(
        initiative=initiative
    )
    override.rating = rating
    override.reason = reason
    override.decided_by = actor if getattr(actor, "pk", None) else None
    override.full_clean()
    stamp(override, actor)
    override.save()
    record_event(
        actor=actor,
        verb="kpi_rating.overridden",
        target=initiative,
        org_unit=initiative.owner_unit,
        data={"rating": rating, "reason": reason},
    )
    return override


@transaction.atomic
def clear_override(*, actor: Any, initiative: Initiative) -> None:
    require(actor, "kpis.manage", initiative.owner_unit)
    _guard(actor, initiative, "kpi_rating.override_cleared")
    deleted, _rows = RatingOverride.objects.filter(initiative=initiative).delete()
    if deleted:
        record_event(
            actor=actor,
            verb="kpi_rating.override_cleared",
            target=initiative,
            org_unit=initiative.owner_unit,
        )


def _guard(actor: Any, initiative: Initiative, what: str, target: Target | None = None) -> None:
    """The year lock (the initiative's and the target's fiscal year are the same), then: a
    confirmed initiative's rating basis changes only after a send-back."""
    initiative = Initiative.objects.select_related("cycle__fiscal_year").get(pk=initiative.pk)
    year_lock.require_open(
        actor=actor,
        year=initiative.cycle.fiscal_year.year,
        what=what,
        target=target if target is not None else initiative,
        org_unit=target.org_unit if target is not None else initiative.owner_unit,
    )
    refuse_confirmed(initiative)


@dataclass(frozen=True)
class InitiativeRating:
    """What the targets suggest, the override if any, and the rating that applies."""

    evaluations: list[Evaluation]
    suggested: int | None
    override: RatingOverride | None

    @property
    def rating(self) -> int | None:
        return self.override.rating if self.override is not None else self.suggested


def rating_for(initiative: Initiative) -> InitiativeRating:
    """The lowest rating among the initiative's linked targets (None when none can be rated)."""
    targets = list(
        initiative.kpi_targets.select_related(
            "metric__numerator", "metric__denominator", "org_unit", "base_year", "fiscal_year"
        )
    )
    evaluations = evaluate(initiative.cycle.fiscal_year.year, targets=targets) if targets else []
    ratings = [e.rating for e in evaluations if e.rating is not None]
    override = RatingOverride.objects.filter(initiative=initiative).first()
    return InitiativeRating(evaluations, min(ratings) if ratings else None, override)

"""Every write of the yearly CSR cycle. Each checks the permission gate itself, so the web
pages, the API, the CLI and jobs cannot differ in what they allow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tatara.core import fiscal
from tatara.core.audit import record_event, stamp
from tatara.core.models import FiscalYear
from tatara.core.permissions import can, require
from tatara.cycle.choices import Column, Phase, Status
from tatara.cycle.models import CycleYear, Evidence, Initiative, Measure, Subject
from tatara.organisation.models import OrgUnit

MIN_YEAR, MAX_YEAR = 2000, 2100
EVIDENCE_SUFFIXES = {
    ".pdf",
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".webp",
    ".xlsx",
    ".xls",
    ".csv",
    ".docx",
    ".doc",
    ".pptx",
    ".ppt",
    ".txt",
    ".zip",
    ".msg",
    ".eml",
}
EVIDENCE_MAX_BYTES = 50 * 1024 * 1024


def check_evidence_file(upload: Any) -> None:
    name = str(getattr(upload, "name", "") or "")
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if suffix not in EVIDENCE_SUFFIXES:
        raise ValidationError(
            {
                "file": _("Files of type %(suffix)s are not accepted as evidence.")
                % {"suffix": suffix or "?"}
            }
        )
    if (getattr(upload, "size", 0) or 0) > EVIDENCE_MAX_BYTES:
        raise ValidationError({"file": _("Evidence files are limited to 50 MB.")})


def clean_items(items: Sequence[str] | str) -> list[str]:
    """Cell text → list of items: one per non-empty line, whitespace collapsed."""
    if isinstance(items, str):
        items = items.splitlines()
    return [" ".join(item.split()) for item in items if item and item.strip()]


def get_or_create_fiscal_year(year: int) -> FiscalYear:
    start, end = fiscal.bounds(year)
    fiscal_year, _created = FiscalYear.objects.get_or_create(
        year=year, defaults={"start_date": start, "end_date": end}
    )
    return fiscal_year


@transaction.atomic
def open_year(
    *,
    actor: Any,
    year: int,
    plan_due: dt.date | None = None,
    results_due: dt.date | None = None,
    review_due: dt.date | None = None,
    note: str = "",
) -> CycleYear:
    """Open the cycle of a fiscal year (phase: planning). Default deadlines follow the fiscal
    calendar: plan approved by the year's first day, results two weeks after it ends, the
    review a month after that."""
    require(actor, "cycle.manage")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(
            _("A fiscal year between %(low)d and %(high)d, please.")
            % {"low": MIN_YEAR, "high": MAX_YEAR}
        )
    fiscal_year = get_or_create_fiscal_year(year)
    if CycleYear.objects.filter(fiscal_year=fiscal_year).exists():
        raise ValidationError(_("FY%(year)d is already open.") % {"year": year})
    cycle = CycleYear(
        fiscal_year=fiscal_year,
        plan_due=plan_due or fiscal_year.start_date,
        results_due=results_due or fiscal_year.end_date + dt.timedelta(days=14),
        review_due=review_due or fiscal_year.end_date + dt.timedelta(days=45),
        note=note,
    )
    stamp(cycle, actor)
    cycle.save()
    record_event(actor=actor, verb="cycle.year_opened", target=cycle, data={"year": year})
    return cycle


def _change_phase(*, actor: Any, cycle: CycleYear, phase: str) -> CycleYear:
    if phase not in Phase.values:
        raise ValidationError(_("Unknown phase %(phase)s.") % {"phase": phase})
    old = cycle.phase
    cycle.phase = phase
    stamp(cycle, actor)
    cycle.save(update_fields=["phase"])
    record_event(
        actor=actor, verb="cycle.phase_changed", target=cycle, data={"from": old, "to": phase}
    )
    return cycle


@transaction.atomic
def set_phase(*, actor: Any, cycle: CycleYear, phase: str) -> CycleYear:
    """The CSR office sets the year's phase by hand (phases also follow the initiatives on
    their own). A year carried forward stays closed: reopening it would let its plan for the
    next year drift from the next year's actual plan."""
    require(actor, "cycle.manage")
    if phase not in Phase.values:
        raise ValidationError(_("Unknown phase %(phase)s.") % {"phase": phase})
    if hasattr(cycle, "opened_next"):
        raise ValidationError(
            _("FY%(year)d has been carried forward; it stays closed.") % {"year": cycle.year}
        )
    return _change_phase(actor=actor, cycle=cycle, phase=phase)


def _set_column(
    initiative: Initiative, column: str, items: Sequence[str], *, actor: Any, mark_revised: bool
) -> bool:
    """Make one column's measures equal `items`, keeping rows whose text is unchanged (so
    carried-from links survive) and recording edits in each measure's history."""
    items = clean_items(items)
    current = list(initiative.measures.filter(column=column).order_by("position"))
    changed = False
    for position, text in enumerate(items, start=1):
        if position <= len(current):
            measure = current[position - 1]
            if measure.text == text and measure.position == position:
                continue
            if measure.text != text:
                measure.text = text
                measure.revised = measure.revised or mark_revised
            measure.position = position
            stamp(measure, actor, "revised" if mark_revised else "")
            measure.save()
        else:
            measure = Measure(
                initiative=initiative,
                column=column,
                position=position,
                text=text,
                revised=mark_revised,
            )
            stamp(measure, actor)
            measure.save()
        changed = True
    for measure in current[len(items) :]:
        stamp(measure, actor, "removed")
        measure.delete()
        changed = True
    return changed


@transaction.atomic
def create_initiative(
    *,
    actor: Any,
    cycle: CycleYear,
    subject: Subject,
    owner_unit: OrgUnit,
    planned: Sequence[str] | str,
    next_planned: Sequence[str] | str = (),
    position: int | None = None,
    notes: str = "",
) -> Initiative:
    require(actor, "cycle.manage", owner_unit)
    if cycle.phase == Phase.CLOSED:
        raise ValidationError(_("FY%(year)d is closed.") % {"year": cycle.year})
    if not clean_items(planned):
        raise ValidationError({"planned": _("An initiative needs at least one planned measure.")})
    if position is None:
        position = Initiative.objects.filter(cycle=cycle, subject=subject).count() + 1
    initiative = Initiative(
        cycle=cycle, subject=subject, owner_unit=owner_unit, position=position, notes=notes
    )
    initiative.full_clean()
    stamp(initiative, actor)
    initiative.save()
    _set_column(initiative, Column.PLANNED, planned, actor=actor, mark_revised=False)
    _set_column(initiative, Column.NEXT, next_planned, actor=actor, mark_revised=False)
    record_event(actor=actor, verb="initiative.created", target=initiative, org_unit=owner_unit)
    return initiative


@transaction.atomic
def revise_plan(
    *, actor: Any, initiative: Initiative, planned: Sequence[str] | str, reason: str = ""
) -> Initiative:
    """Edit the planned measures. While the plan is a draft the owner may edit freely; once
    approved, only the CSR office may review it, and every changed measure is marked revised."""
    _lock(initiative)
    approved = initiative.status != Status.DRAFT
    if approved:
        require(actor, "cycle.manage", initiative.owner_unit)
        if not reason.strip():
            raise ValidationError({"reason": _("Say why an approved plan is revised.")})
    elif not can(actor, "cycle.manage", initiative.owner_unit):
        require(actor, "cycle.change", initiative.owner_unit)
    if not clean_items(planned):
        raise ValidationError({"planned": _("An initiative needs at least one planned measure.")})
    if _set_column(initiative, Column.PLANNED, planned, actor=actor, mark_revised=approved):
        record_event(
            actor=actor,
            verb="initiative.plan_revised" if approved else "initiative.plan_edited",
            target=initiative,
            org_unit=initiative.owner_unit,
            data={"reason": reason} if reason else {},
        )
    return initiative


@transaction.atomic
def approve_plan(*, actor: Any, initiative: Initiative) -> Initiative:
    _lock(initiative)
    require(actor, "cycle.approve", initiative.owner_unit)
    if initiative.status != Status.DRAFT:
        raise ValidationError(
            _("Only a draft plan can be approved (this one is %(status)s).")
            % {"status": initiative.get_status_display()}
        )
    initiative.status = Status.APPROVED
    stamp(initiative, actor)
    initiative.save(update_fields=["status"])
    record_event(
        actor=actor,
        verb="initiative.plan_approved",
        target=initiative,
        org_unit=initiative.owner_unit,
    )
    _advance_phase(actor, initiative.cycle)
    return initiative


@transaction.atomic
def approve_year_plan(*, actor: Any, cycle: CycleYear) -> int:
    """Approve every draft plan of the year that the actor may approve."""
    require(actor, "cycle.approve")
    count = 0
    for initiative in (
        Initiative.objects.visible_to(actor, "cycle.approve")
        .filter(cycle=cycle, status=Status.DRAFT)
        .select_related("owner_unit")
    ):
        approve_plan(actor=actor, initiative=initiative)
        count += 1
    return count


def _advance_phase(actor: Any, cycle: CycleYear) -> None:
    """The year follows its initiatives: once no plan is a draft it is in execution; once every
    rating is confirmed it is in review. (The CSR office may still set a phase by hand.)"""
    cycle.refresh_from_db(fields=["phase"])
    statuses = set(cycle.initiatives.values_list("status", flat=True))
    if cycle.phase == Phase.PLANNING and statuses and Status.DRAFT not in statuses:
        _change_phase(actor=actor, cycle=cycle, phase=Phase.EXECUTION)
    if cycle.phase == Phase.EXECUTION and statuses == {Status.CONFIRMED}:
        _change_phase(actor=actor, cycle=cycle, phase=Phase.REVIEW)


@transaction.atomic
def enter_results(
    *,
    actor: Any,
    initiative: Initiative,
    results: Sequence[str] | str | None,
    next_planned: Sequence[str] | str | None = None,
    notes: str | None = None,
) -> Initiative:
    """The owner records what was done (and may draft next year's measures)."""
    _lock(initiative)
    if not can(actor, "cycle.manage", initiative.owner_unit):
        require(actor, "cycle.change", initiative.owner_unit)
    if initiative.status not in (Status.APPROVED,):
        raise ValidationError(
            _(
                "Results are entered once the plan is approved and before the rating is proposed (status: %(status)s)."
            )
            % {"status": initiative.get_status_display()}
        )
    changed = False
    if results is not None:  # None leaves the results as they are (e.g. a notes-only update)
        changed = _set_column(initiative, Column.RESULT, results, actor=actor, mark_revised=False)
    if next_planned is not None:
        changed |= _set_column(
            initiative, Column.NEXT, next_planned, actor=actor, mark_revised=False
        )
    if notes is not None and notes != initiative.notes:
        initiative.notes = notes
        stamp(initiative, actor)
        initiative.save(update_fields=["notes"])
        changed = True
    if changed:
        record_event(
            actor=actor,
            verb="initiative.results_entered",
            target=initiative,
            org_unit=initiative.owner_unit,
        )
    return initiative


@transaction.atomic
def propose_rating(
    *, actor: Any, initiative: Initiative, rating: int, comment: str = ""
) -> Initiative:
    """The owner's self-assessment: 3 achieved, 2 at least 90% achieved, 1 not achieved."""
    _lock(initiative)
    if not can(actor, "cycle.manage", initiative.owner_unit):
        require(actor, "cycle.submit", initiative.owner_unit)
    if initiative.status != Status.APPROVED:
        raise ValidationError(
            _("A rating is proposed after the plan is approved (status: %(status)s).")
            % {"status": initiative.get_status_display()}
        )
    if rating not in (1, 2, 3):
        raise ValidationError({"rating": _("The rating is 1, 2 or 3 stars.")})
    if not initiative.measures.filter(column=Column.RESULT).exists():
        raise ValidationError(
            {"results": _("Enter the results before proposing a self-assessment.")}
        )
    initiative.proposed_rating = rating
    initiative.status = Status.PROPOSED
    stamp(initiative, actor, comment)
    initiative.save(update_fields=["proposed_rating", "status"])
    record_event(
        actor=actor,
        verb="initiative.rating_proposed",
        target=initiative,
        org_unit=initiative.owner_unit,
        data={"rating": rating, **({"comment": comment} if comment else {})},
    )
    return initiative


@transaction.atomic
def confirm_rating(
    *, actor: Any, initiative: Initiative, rating: int | None = None, note: str = ""
) -> Initiative:
    """The CSR office confirms (or corrects, with a note) the proposed self-assessment."""
    _lock(initiative)
    require(actor, "cycle.review", initiative.owner_unit)
    if initiative.status != Status.PROPOSED:
        raise ValidationError(
            _("Only a proposed rating can be confirmed (status: %(status)s).")
            % {"status": initiative.get_status_display()}
        )
    final = rating or initiative.proposed_rating
    if final not in (1, 2, 3):
        raise ValidationError({"rating": _("The rating is 1, 2 or 3 stars.")})
    if final != initiative.proposed_rating and not note.strip():
        raise ValidationError({"note": _("Say why the rating differs from the owner's proposal.")})
    initiative.rating = final
    initiative.review_note = note
    initiative.status = Status.CONFIRMED
    stamp(initiative, actor, note)
    initiative.save(update_fields=["rating", "review_note", "status"])
    record_event(
        actor=actor,
        verb="initiative.rating_confirmed",
        target=initiative,
        org_unit=initiative.owner_unit,
        data={
            "proposed": initiative.proposed_rating,
            "confirmed": final,
            **({"note": note} if note else {}),
        },
    )
    _advance_phase(actor, initiative.cycle)
    return initiative


@transaction.atomic
def return_for_rework(*, actor: Any, initiative: Initiative, note: str) -> Initiative:
    """The CSR office sends a proposed (or confirmed) rating back to the owner."""
    _lock(initiative)
    require(actor, "cycle.review", initiative.owner_unit)
    if initiative.status not in (Status.PROPOSED, Status.CONFIRMED):
        raise ValidationError(_("Only a proposed or confirmed rating can be sent back."))
    if not note.strip():
        raise ValidationError({"note": _("Say what the owner should rework.")})
    initiative.status = Status.APPROVED
    initiative.rating = None
    initiative.review_note = note
    stamp(initiative, actor, note)
    initiative.save(update_fields=["status", "rating", "review_note"])
    record_event(
        actor=actor,
        verb="initiative.returned",
        target=initiative,
        org_unit=initiative.owner_unit,
        data={"note": note},
    )
    return initiative


@transaction.atomic
def add_evidence(
    *, actor: Any, initiative: Initiative, upload: Any, description: str = ""
) -> Evidence:
    if not can(actor, "cycle.manage", initiative.owner_unit):
        require(actor, "cycle.change", initiative.owner_unit)
    _lock(initiative)
    if initiative.status not in (Status.APPROVED, Status.PROPOSED):
        raise ValidationError(
            _("Evidence is added while the results are being entered or reviewed.")
        )
    check_evidence_file(upload)
    evidence = Evidence(
        initiative=initiative,
        file=upload,
        description=description,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    evidence.save()
    record_event(
        actor=actor,
        verb="initiative.evidence_added",
        target=initiative,
        org_unit=initiative.owner_unit,
        data={"file": evidence.file.name},
    )
    return evidence


@transaction.atomic
def carry_forward(*, actor: Any, cycle: CycleYear, allow_unconfirmed: bool = False) -> CycleYear:
    """Open next year's cycle drafted from this one.

    Each initiative gets a successor whose planned measures are this year's "measures planned
    for next year" (each linked to the measure it came from), and whose own next-year column
    starts with the measures marked "(ongoing)". This year moves to closed."""
    require(actor, "cycle.manage")
    # lock the year and its initiatives so that no rating is sent back while we carry forward
    cycle = CycleYear.objects.select_for_update().select_related("fiscal_year").get(pk=cycle.pk)
    list(cycle.initiatives.select_for_update().values_list("pk", flat=True))
    if not allow_unconfirmed:
        pending = [
            str(i)
            for i in cycle.initiatives.exclude(status=Status.CONFIRMED).select_related(
                "cycle__fiscal_year", "subject"
            )
        ]
        if pending:
            raise ValidationError(
                _("Confirm every rating first; still open: %(list)s.")
                % {"list": ", ".join(pending)}
            )
    if hasattr(cycle, "opened_next"):
        raise ValidationError(
            _("FY%(year)d has already been carried forward.") % {"year": cycle.year}
        )
    target_year = cycle.year + 1
    existing = CycleYear.objects.filter(fiscal_year__year=target_year).first()
    if existing is not None:
        if existing.initiatives.exists():
            raise ValidationError(_("FY%(year)d already has initiatives.") % {"year": target_year})
        new_cycle = existing
    else:
        new_cycle = open_year(actor=actor, year=target_year)
    new_cycle.opened_from = cycle
    stamp(new_cycle, actor)
    new_cycle.save(update_fields=["opened_from"])
    initiatives = cycle.initiatives.select_related("subject", "owner_unit").prefetch_related(
        "measures"
    )
    created = 0
    for old in initiatives:
        next_items = old.next_planned
        if not next_items:
            continue  # nothing planned for next year: the initiative ends here
        new = Initiative(
            cycle=new_cycle,
            subject=old.subject,
            owner_unit=old.owner_unit,
            position=old.position,
            predecessor=old,
            language=old.language,
        )
        stamp(new, actor, f"carried forward from {old}")
        new.save()
        carried = (
            (Column.PLANNED, next_items),
            (Column.NEXT, [m for m in next_items if m.ongoing]),
        )
        for column, sources in carried:
            for position, source in enumerate(sources, start=1):
                measure = Measure(
                    initiative=new,
                    column=column,
                    position=position,
                    text=source.text,
                    carried_from=source,
                )
                stamp(measure, actor).save()
        created += 1
    if cycle.phase != Phase.CLOSED:
        _change_phase(actor=actor, cycle=cycle, phase=Phase.CLOSED)
    record_event(
        actor=actor,
        verb="cycle.carried_forward",
        target=new_cycle,
        data={"from": cycle.year, "initiatives": created},
    )
    return new_cycle


def _lock(initiative: Initiative) -> Initiative:
    """Re-read the row under a lock so a transition sees the current status, not a stale copy."""
    fresh = (
        Initiative.objects.select_for_update()
        .select_related("owner_unit", "cycle__fiscal_year", "subject")
        .get(pk=initiative.pk)
    )
    initiative.__dict__.update({k: v for k, v in fresh.__dict__.items() if not k.startswith("_")})
    if fresh.cycle.phase == Phase.CLOSED:
        raise ValidationError(
            _("FY%(year)d is closed; its initiatives can no longer change.")
            % {"year": fresh.cycle.year}
        )
    return initiative


def ensure_can_import(actor: Any) -> None:
    if not can(actor, "cycle.manage"):
        raise PermissionDenied("not allowed: cycle.manage")

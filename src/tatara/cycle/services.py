"""Every write of the yearly CSR cycle. Each checks the permission gate itself, so the web
pages, the API, the CLI and jobs cannot differ in what they allow.

Two rules hold on every path besides the gate:

- **A closed year is a record** (core.year_lock): every write of a year's cycle, initiatives,
  measures and evidence asks `require_open` first; a closed year refuses, a reopened one lets
  the change through and marks it. The cycle closes its year in the lock when its phase is set
  to closed and when it is carried forward; a confirmed initiative changes only after the CSR
  office sends it back (`return_for_rework`).
- **Two people where the decision matters** (core.approvals, configurable): the drafter of a
  plan does not approve it, the proposer of a rating does not confirm it — unless the CSR
  office (cycle.manage on the whole group) records why, a waiver kept on the initiative and in
  the event. A rating that differs from the one proposed before it always needs its note.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tatara.core import fiscal, year_lock
from tatara.core.approvals import First, rule_enabled, same_person, segregate
from tatara.core.audit import actor_label, record_event, stamp
from tatara.core.models import FiscalYear, YearReopening
from tatara.core.permissions import ALL, allowed_units, can, require, require_whole_group
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
    require_whole_group(actor, "cycle.manage")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(
            _("A fiscal year between %(low)d and %(high)d, please.")
            % {"low": MIN_YEAR, "high": MAX_YEAR}
        )
    fiscal_year = get_or_create_fiscal_year(year)
    if CycleYear.objects.filter(fiscal_year=fiscal_year).exists():
        raise ValidationError(_("FY%(year)d is already open.") % {"year": year})
    year_lock.require_open(actor=actor, year=year, what="cycle.year_opened")
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


@transaction.atomic
def update_year(
    *,
    actor: Any,
    cycle: CycleYear,
    plan_due: dt.date | None,
    results_due: dt.date | None,
    review_due: dt.date | None,
    note: str = "",
) -> CycleYear:
    """The CSR office sets the year's deadlines and the note printed above its table."""
    require_whole_group(actor, "cycle.manage")
    cycle = CycleYear.objects.select_for_update().select_related("fiscal_year").get(pk=cycle.pk)
    fields = {
        "plan_due": plan_due,
        "results_due": results_due,
        "review_due": review_due,
        "note": (note or "").strip(),
    }
    before = {name: getattr(cycle, name) for name in fields}
    if before == fields:
        return cycle
    year_lock.require_open(actor=actor, year=cycle.year, what="cycle.year_updated", target=cycle)
    for name, value in fields.items():
        setattr(cycle, name, value)
    stamp(cycle, actor)
    cycle.save(update_fields=list(fields))

    def shown(value: Any) -> str:
        return value.isoformat() if isinstance(value, dt.date) else str(value or "")

    record_event(
        actor=actor,
        verb="cycle.year_updated",
        target=cycle,
        data={
            name: {"from": shown(before[name]), "to": shown(value)}
            for name, value in fields.items()
            if before[name] != value
        },
    )
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
    their own). Setting it to closed closes the fiscal year in the lock (core.year_lock); a
    closed year leaves "closed" only while a second-approved reopening is open. A year carried
    forward stays closed: reopening its cycle would let its plan for the next year drift from
    the next year's actual plan (its records can still be corrected under a reopening)."""
    require_whole_group(actor, "cycle.manage")
    if phase not in Phase.values:
        raise ValidationError(_("Unknown phase %(phase)s.") % {"phase": phase})
    cycle = CycleYear.objects.select_for_update().select_related("fiscal_year").get(pk=cycle.pk)
    if phase == Phase.CLOSED:
        if cycle.phase != Phase.CLOSED:
            if not year_lock.is_closed(cycle.year):  # else the phase only catches up
                year_lock.require_open(
                    actor=actor, year=cycle.year, what="cycle.phase", target=cycle
                )
            _change_phase(actor=actor, cycle=cycle, phase=phase)
        year_lock.close_year(actor=actor, year=cycle.fiscal_year)
        return cycle
    if cycle.phase == Phase.CLOSED and hasattr(cycle, "opened_next"):
        raise ValidationError(
            _("FY%(year)d has been carried forward; it stays closed.") % {"year": cycle.year}
        )
    year_lock.require_open(actor=actor, year=cycle.year, what="cycle.phase", target=cycle)
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
    if not clean_items(planned):
        raise ValidationError({"planned": _("An initiative needs at least one planned measure.")})
    if position is None:
        position = Initiative.objects.filter(cycle=cycle, subject=subject).count() + 1
    initiative = Initiative(
        cycle=cycle, subject=subject, owner_unit=owner_unit, position=position, notes=notes
    )
    _mark_drafter(initiative, actor)
    initiative.full_clean()
    stamp(initiative, actor)
    initiative.save()
    year_lock.require_open(
        actor=actor,
        year=cycle.fiscal_year.year,
        what="initiative.created",
        target=initiative,
        org_unit=owner_unit,
    )
    _set_column(initiative, Column.PLANNED, planned, actor=actor, mark_revised=False)
    _set_column(initiative, Column.NEXT, next_planned, actor=actor, mark_revised=False)
    record_event(actor=actor, verb="initiative.created", target=initiative, org_unit=owner_unit)
    return initiative


@transaction.atomic
def revise_plan(
    *, actor: Any, initiative: Initiative, planned: Sequence[str] | str, reason: str = ""
) -> Initiative:
    """Edit the planned measures. While the plan is a draft the owner may edit freely (and the
    last to edit it is its drafter); once approved, only the CSR office may review it, and every
    changed measure is marked revised. A confirmed initiative is sent back first."""
    _lock(initiative)
    approved = initiative.status != Status.DRAFT
    if approved:
        require(actor, "cycle.manage", initiative.owner_unit)
    elif not can(actor, "cycle.manage", initiative.owner_unit):
        require(actor, "cycle.change", initiative.owner_unit)
    _open(actor, initiative, "initiative.plan")
    refuse_confirmed(initiative)
    if approved and not reason.strip():
        raise ValidationError({"reason": _("Say why an approved plan is revised.")})
    if not clean_items(planned):
        raise ValidationError({"planned": _("An initiative needs at least one planned measure.")})
    if _set_column(initiative, Column.PLANNED, planned, actor=actor, mark_revised=approved):
        if not approved:
            _mark_drafter(initiative, actor)
            stamp(initiative, actor)
            initiative.save(update_fields=["drafted_by", "drafted_by_label"])
        record_event(
            actor=actor,
            verb="initiative.plan_revised" if approved else "initiative.plan_edited",
            target=initiative,
            org_unit=initiative.owner_unit,
            data={"reason": reason} if reason else {},
        )
    return initiative


@transaction.atomic
def approve_plan(*, actor: Any, initiative: Initiative, waiver: str = "") -> Initiative:
    """The approver approves the draft plan. Its drafter does not (rule "cycle.plan"), unless
    the CSR office gives `waiver`, the reason it approves its own draft."""
    _lock(initiative)
    require(actor, "cycle.approve", initiative.owner_unit)
    _open(actor, initiative, "initiative.plan_approved")
    if initiative.status != Status.DRAFT:
        raise ValidationError(
            _("Only a draft plan can be approved (this one is %(status)s).")
            % {"status": initiative.get_status_display()}
        )
    may_waive = is_csr_office(actor)
    waived = segregate(
        actor,
        rule="cycle.plan",
        first=drafter(initiative),
        message=(
            _(
                "You drafted this plan: another approver approves it, or give the reason why "
                "the CSR Management Office approves its own draft."
            )
            if may_waive
            else _("You drafted this plan: another approver approves it.")
        ),
        waiver=waiver,
        may_waive=may_waive,
    )
    initiative.status = Status.APPROVED
    initiative.plan_waiver = waived
    stamp(initiative, actor, waived)
    initiative.save(update_fields=["status", "plan_waiver"])
    record_event(
        actor=actor,
        verb="initiative.plan_approved",
        target=initiative,
        org_unit=initiative.owner_unit,
        data={"drafted_by": initiative.drafted_by_label, "waiver": waived} if waived else {},
    )
    _advance_phase(actor, initiative.cycle)
    return initiative


@transaction.atomic
def approve_year_plan(*, actor: Any, cycle: CycleYear) -> int:
    """Approve every draft plan of the year that the actor may approve, except the ones the
    actor drafted (when the rule "cycle.plan" is on): those wait for another approver, or for
    the CSR office to approve each with its reason. Returns the number approved."""
    require(actor, "cycle.approve")
    count = 0
    for initiative in (
        Initiative.objects.visible_to(actor, "cycle.approve")
        .filter(cycle=cycle, status=Status.DRAFT)
        .select_related("owner_unit")
    ):
        if drafted_by_actor(actor, initiative):
            continue
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
    _open(actor, initiative, "initiative.results")
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
    """The owner's self-assessment: 3 achieved, 2 at least 90% achieved, 1 not achieved.

    The proposer is recorded: they do not confirm it themselves (rule "cycle.rating"). A rating
    other than the one proposed before (after a send-back) needs `comment`, whoever proposes
    it — the owner changing their mind or the CSR office proposing in the owner's place."""
    _lock(initiative)
    if not can(actor, "cycle.manage", initiative.owner_unit):
        require(actor, "cycle.submit", initiative.owner_unit)
    _open(actor, initiative, "initiative.rating_proposed")
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
    comment = (comment or "").strip()
    previous = initiative.proposed_rating
    if previous is not None and previous != rating and not comment:
        raise ValidationError(
            {
                "comment": _("Say why the rating differs from the one proposed before (%(stars)s).")
                % {"stars": "★" * previous}
            }
        )
    initiative.proposed_rating = rating
    initiative.status = Status.PROPOSED
    initiative.proposed_by = actor if getattr(actor, "pk", None) else None
    initiative.proposed_by_label = actor_label(actor)
    stamp(initiative, actor, comment)
    initiative.save(update_fields=["proposed_rating", "status", "proposed_by", "proposed_by_label"])
    record_event(
        actor=actor,
        verb="initiative.rating_proposed",
        target=initiative,
        org_unit=initiative.owner_unit,
        data={
            "rating": rating,
            **({"comment": comment} if comment else {}),
            **({"previous": previous} if previous is not None and previous != rating else {}),
        },
    )
    return initiative


@transaction.atomic
def confirm_rating(
    *,
    actor: Any,
    initiative: Initiative,
    rating: int | None = None,
    note: str = "",
    waiver: str = "",
) -> Initiative:
    """The CSR office confirms (or corrects, with a note) the proposed self-assessment. Its
    proposer does not (rule "cycle.rating"), unless the CSR office gives `waiver`, the reason
    it confirms a rating it proposed itself."""
    _lock(initiative)
    require(actor, "cycle.review", initiative.owner_unit)
    _open(actor, initiative, "initiative.rating_confirmed")
    if initiative.status != Status.PROPOSED:
        raise ValidationError(
            _("Only a proposed rating can be confirmed (status: %(status)s).")
            % {"status": initiative.get_status_display()}
        )
    final = rating or initiative.proposed_rating
    if final not in (1, 2, 3):
        raise ValidationError({"rating": _("The rating is 1, 2 or 3 stars.")})
    note = (note or "").strip()
    if final != initiative.proposed_rating and not note:
        raise ValidationError({"note": _("Say why the rating differs from the owner's proposal.")})
    may_waive = is_csr_office(actor)
    waived = segregate(
        actor,
        rule="cycle.rating",
        first=proposer(initiative),
        message=(
            _(
                "You proposed this rating: another reviewer confirms it, or give the reason why "
                "the CSR Management Office confirms a rating it proposed itself."
            )
            if may_waive
            else _("You proposed this rating: another reviewer confirms it.")
        ),
        waiver=waiver,
        may_waive=may_waive,
    )
    initiative.rating = final
    initiative.review_note = note
    initiative.rating_waiver = waived
    initiative.status = Status.CONFIRMED
    stamp(initiative, actor, note or waived)
    initiative.save(update_fields=["rating", "review_note", "rating_waiver", "status"])
    record_event(
        actor=actor,
        verb="initiative.rating_confirmed",
        target=initiative,
        org_unit=initiative.owner_unit,
        data={
            "proposed": initiative.proposed_rating,
            "confirmed": final,
            **({"note": note} if note else {}),
            **({"proposed_by": initiative.proposed_by_label, "waiver": waived} if waived else {}),
        },
    )
    _advance_phase(actor, initiative.cycle)
    return initiative


@transaction.atomic
def return_for_rework(*, actor: Any, initiative: Initiative, note: str) -> Initiative:
    """The CSR office sends a proposed (or confirmed) rating back to the owner: the only way a
    confirmed initiative opens for changes again."""
    _lock(initiative)
    require(actor, "cycle.review", initiative.owner_unit)
    _open(actor, initiative, "initiative.returned")
    if initiative.status not in (Status.PROPOSED, Status.CONFIRMED):
        raise ValidationError(_("Only a proposed or confirmed rating can be sent back."))
    if not note.strip():
        raise ValidationError({"note": _("Say what the owner should rework.")})
    initiative.status = Status.APPROVED
    initiative.rating = None
    initiative.rating_waiver = ""
    initiative.review_note = note
    stamp(initiative, actor, note)
    initiative.save(update_fields=["status", "rating", "rating_waiver", "review_note"])
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
    _open(actor, initiative, "initiative.evidence")
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
    starts with the measures marked "(ongoing)"; the successors are drafts drafted by `actor`.
    This year moves to closed, and its fiscal year is closed in the lock (core.year_lock)."""
    require_whole_group(actor, "cycle.manage")
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
        year_lock.require_open(
            actor=actor, year=target_year, what="cycle.carried_forward", target=existing
        )
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
        _mark_drafter(new, actor)
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
        # this year's records do not change: its phase follows the lock closed just below
        _change_phase(actor=actor, cycle=cycle, phase=Phase.CLOSED)
    record_event(
        actor=actor,
        verb="cycle.carried_forward",
        target=new_cycle,
        data={"from": cycle.year, "initiatives": created},
    )
    year_lock.close_year(actor=actor, year=cycle.fiscal_year)
    return new_cycle


def _lock(initiative: Initiative) -> Initiative:
    """Re-read the row under a lock so a transition sees the current status, not a stale copy."""
    fresh = (
        Initiative.objects.select_for_update()
        .select_related("owner_unit", "cycle__fiscal_year", "subject")
        .get(pk=initiative.pk)
    )
    initiative.__dict__.update({k: v for k, v in fresh.__dict__.items() if not k.startswith("_")})
    return initiative


def _open(actor: Any, initiative: Initiative, what: str) -> None:
    """The year lock (core.year_lock): refuse a change of a closed year's initiative; mark a
    change made while its year is reopened."""
    year_lock.require_open(
        actor=actor,
        year=initiative.cycle.fiscal_year.year,
        what=what,
        target=initiative,
        org_unit=initiative.owner_unit,
    )


def refuse_confirmed(initiative: Initiative) -> None:
    """A confirmed initiative changes only after a send-back: its plan here, and in the kpis
    area its linked targets and the rating override."""
    if initiative.status == Status.CONFIRMED:
        raise ValidationError(
            _(
                "The rating of %(initiative)s is confirmed: it changes only after the CSR "
                "Management Office sends it back to the owner."
            )
            % {"initiative": initiative}
        )


# --- two people where the decision matters (core.approvals) --------------------------------


def is_csr_office(actor: Any) -> bool:
    """The CSR office: manages the cycle of the whole group. Only it may waive a rule."""
    return allowed_units(actor, "cycle.manage") is ALL


def _mark_drafter(initiative: Initiative, actor: Any) -> None:
    initiative.drafted_by = actor if getattr(actor, "pk", None) else None
    initiative.drafted_by_label = actor_label(actor)


def drafter(initiative: Initiative) -> First:
    return First(initiative.drafted_by_id, initiative.drafted_by_label)


def proposer(initiative: Initiative) -> First:
    return First(initiative.proposed_by_id, initiative.proposed_by_label)


def drafted_by_actor(actor: Any, initiative: Initiative) -> bool:
    """Would the rule "cycle.plan" stop `actor` approving this plan (without a waiver)?"""
    return rule_enabled("cycle.plan") and same_person(actor, drafter(initiative))


def proposed_by_actor(actor: Any, initiative: Initiative) -> bool:
    """Would the rule "cycle.rating" stop `actor` confirming this rating (without a waiver)?"""
    return rule_enabled("cycle.rating") and same_person(actor, proposer(initiative))


def ensure_can_import(actor: Any) -> None:
    if not can(actor, "cycle.manage"):
        raise PermissionDenied("not allowed: cycle.manage")


def unconfirmed_under_reopening(reopening: YearReopening) -> list[str]:
    """The year's end check (core.year_lock.register_end_check): an initiative changed while
    its year was reopened — sent back, re-planned, rated again — is confirmed again before the
    year closes, so the closed year's table holds no half-done row."""
    ids = [int(i) for i in year_lock.changed_targets(reopening, Initiative) if i.isdigit()]
    rows = (
        Initiative.objects.filter(pk__in=ids, cycle__fiscal_year=reopening.fiscal_year)
        .exclude(status=Status.CONFIRMED)
        .select_related("cycle__fiscal_year", "subject")
        .order_by("subject__number", "position", "pk")
    )
    return [
        _(
            "Initiative %(initiative)s was changed under the reopening and is not confirmed again (%(status)s)."
        )
        % {"initiative": row, "status": row.get_status_display()}
        for row in rows
    ]

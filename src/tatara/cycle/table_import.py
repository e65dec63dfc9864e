"""Import a year's CSR table from CSV or Excel, in the layout the export writes.

Columns `subject_no,subject,planned,results,rating,next_planned` (CSV, or the sheet named
"FY<year>" of an .xlsx, else its first sheet); one row per initiative; items inside a cell
on separate lines; rating 1–3 or empty.

The whole file is validated first and every problem is reported with its file, sheet, row
and column (`ImportRejected`). Only a clean file is applied, in one transaction, through the
cycle's services — the year is opened, each initiative created, and rows with results or a
rating walk the real flow (plan approved → results entered → rating proposed → confirmed),
so the audit trail shows who imported what. Any failure rolls everything back.

A closed year (core.year_lock) takes no import. Replacing a year's initiatives refuses, one
message per initiative, those that are confirmed (send them back first), carried forward,
linked to KPI targets or rated by the CSR office's override. The importer drafts, approves,
proposes and confirms alone: the segregation rules (core.approvals) are waived with the file
named as the reason, which the events and the initiative's page show.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tatara.core import year_lock
from tatara.core.audit import record_event, stamp
from tatara.core.permissions import can
from tatara.core.tabular import (
    CellError,
    ImportRejected,
    Row,
    read_source,
    read_table,
)
from tatara.cycle import services
from tatara.cycle.choices import Status
from tatara.cycle.models import CycleYear, Initiative, Subject
from tatara.cycle.table_export import CSV_COLUMNS
from tatara.organisation.choices import UnitKind
from tatara.organisation.models import OrgUnit

_BULLETS = ("•", "・", "●")
_STAR_RATINGS = {"★": 1, "★★": 2, "★★★": 3}


@dataclass
class ImportResult:
    year: int
    dry_run: bool = False
    opened_year: bool = False
    replaced: int = 0
    initiatives: int = 0
    subjects: int = 0
    with_results: int = 0
    rated: int = 0
    measures: int = 0

    def summary(self) -> str:
        text = _(
            "FY%(year)d: %(n)d initiatives under %(subjects)d subjects "
            "(%(rated)d rated, %(results)d with results), %(measures)d measures"
        ) % {
            "year": self.year,
            "n": self.initiatives,
            "subjects": self.subjects,
            "rated": self.rated,
            "results": self.with_results,
            "measures": self.measures,
        }
        if self.opened_year:
            text += _("; the year was opened")
        if self.replaced:
            text += _("; %(n)d earlier initiatives replaced") % {"n": self.replaced}
        if self.dry_run:
            text += _(" (dry run: nothing was stored)")
        return text


@dataclass(frozen=True)
class _Entry:
    row: Row
    subject: Subject
    planned: list[str]
    results: list[str]
    rating: int | None
    next_planned: list[str]


def _items(text: str) -> list[str]:
    """A cell → its items: one per line, leading bullets dropped, whitespace collapsed."""
    lines = []
    for line in text.splitlines():
        line = line.strip()
        if line[:1] in _BULLETS:
            line = line[1:]
        lines.append(line)
    return services.clean_items(lines)


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _read(source: str | Path | IO[bytes], name: str | None, year: int) -> Any:
    label, data = read_source(source, name)
    sheet = None
    if data[:4] == b"PK\x03\x04":  # an .xlsx: prefer the sheet named after the year
        sheet = _year_sheet(data, year)
    return read_table(io.BytesIO(data), name=label, required=CSV_COLUMNS, sheet=sheet)


def _year_sheet(data: bytes, year: int) -> str | None:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True)
    except Exception:
        return None  # read_table reports the unreadable workbook
    try:
        wanted = f"fy{year}"
        return next(
            (name for name in workbook.sheetnames if name.strip().casefold() == wanted), None
        )
    finally:
        workbook.close()


def _parse_rating(row: Row, errors: list[CellError]) -> int | None:
    text = row.text("rating").replace(" ", "")
    if not text:
        return None
    if text in {"1", "2", "3"}:
        return int(text)
    if text in _STAR_RATINGS:
        return _STAR_RATINGS[text]
    errors.append(
        row.error(
            "rating",
            _("“%(value)s” is not a rating; use 1, 2 or 3 (★ to ★★★), or leave it empty")
            % {"value": row.text("rating")},
        )
    )
    return None


def _validate(table: Any) -> tuple[list[_Entry], list[CellError]]:
    subjects = {s.number: s for s in Subject.objects.all()}
    numbers = ", ".join(str(n) for n in sorted(subjects))
    errors: list[CellError] = []
    entries: list[_Entry] = []
    seen: dict[tuple[Any, ...], int] = {}
    for row in table.rows:
        before = len(errors)
        subject = None
        number_text = row.text("subject_no")
        number = re.fullmatch(r"(\d+)(?:\.0*)?", number_text)  # "4", "4." or "4.0"
        if not number_text:
            errors.append(
                row.error(
                    "subject_no",
                    _("is empty; give the subject number (%(numbers)s)") % {"numbers": numbers},
                )
            )
        elif number is None or int(number[1]) not in subjects:
            errors.append(
                row.error(
                    "subject_no",
                    _("“%(value)s” is not a subject number; use %(numbers)s")
                    % {"value": row.text("subject_no"), "numbers": numbers},
                )
            )
        else:
            subject = subjects[int(number[1])]
            title = re.sub(rf"^{subject.number}\.\s*", "", row.text("subject"))  # "2. Title" too
            known = {_fold(subject.title), _fold(str(subject.localized("title", "ja")))}
            if title and _fold(title) not in known:
                errors.append(
                    row.error(
                        "subject",
                        _("“%(value)s” is not the title of subject %(number)d (“%(title)s”)")
                        % {"value": title, "number": subject.number, "title": subject.title},
                    )
                )
        planned = _items(row.text("planned"))
        results = _items(row.text("results"))
        next_planned = _items(row.text("next_planned"))
        if not planned:
            errors.append(
                row.error(
                    "planned", _("is empty; an initiative needs at least one planned measure")
                )
            )
        rating = _parse_rating(row, errors)
        if rating is not None and not results:
            errors.append(
                row.error(
                    "results", _("is empty, but the row has a rating; a rating needs results")
                )
            )
        key = (
            subject.pk if subject else number_text,
            tuple(planned),
            tuple(results),
            rating,
            tuple(next_planned),
        )
        if key in seen:
            errors.append(row.error(None, _("duplicate of row %(row)d") % {"row": seen[key]}))
        else:
            seen[key] = row.number
        if len(errors) == before and subject is not None:
            entries.append(_Entry(row, subject, planned, results, rating, next_planned))
    return entries, errors


def _owner(owner_unit: OrgUnit | None, label: str, errors: list[CellError]) -> OrgUnit | None:
    if owner_unit is not None:
        return owner_unit
    roots = OrgUnit.objects.filter(parent__isnull=True, is_active=True).order_by("path")
    root = roots.filter(kind=UnitKind.GROUP).first() or roots.first()
    if root is None:
        errors.append(
            CellError(
                label,
                None,
                None,
                None,
                _("there is no organisation unit to own the initiatives; create the group first"),
            )
        )
    return root


def _year_errors(
    cycle: CycleYear | None, *, year: int, replace: bool, label: str
) -> list[CellError]:
    def problem(message: str) -> CellError:
        return CellError(label, None, None, None, message)

    if year_lock.is_closed(year):
        return [
            problem(
                _("FY%(year)d is closed; nothing can be imported into it. %(how)s")
                % {"year": year, "how": year_lock.closed_message(year)}
            )
        ]
    if cycle is None:
        return []
    existing = cycle.initiatives.all()
    count = existing.count()
    if not count:
        return []
    if not replace:
        return [
            problem(
                _(
                    "FY%(year)d already has %(n)d initiatives; import with replace to delete them first"
                )
                % {"year": year, "n": count}
            )
        ]
    errors = []
    for initiative in existing.filter(status=Status.CONFIRMED).select_related(
        "cycle__fiscal_year", "subject"
    ):
        errors.append(
            problem(
                _(
                    "%(initiative)s is confirmed (%(stars)s): the CSR Management Office sends it back before it can be replaced"
                )
                % {"initiative": initiative, "stars": initiative.stars}
            )
        )
    for initiative in (
        existing.filter(kpi_targets__isnull=False)
        .distinct()
        .select_related("cycle__fiscal_year", "subject")
    ):
        errors.append(
            problem(
                _(
                    "%(initiative)s is linked to KPI targets; replacing it would drop the links (unlink them first)"
                )
                % {"initiative": initiative}
            )
        )
    for initiative in existing.filter(kpi_rating_override__isnull=False).select_related(
        "cycle__fiscal_year", "subject"
    ):
        errors.append(
            problem(
                _(
                    "%(initiative)s has a rating set by the CSR Management Office; replacing it would drop that decision (remove the override first)"
                )
                % {"initiative": initiative}
            )
        )
    carried = existing.filter(successor__isnull=False).count()
    if carried:
        errors.append(
            problem(
                _(
                    "%(n)d initiatives of FY%(year)d were carried forward to a later year; they cannot be replaced"
                )
                % {"n": carried, "year": year}
            )
        )
    with_evidence = existing.filter(evidence__isnull=False).distinct().count()
    if with_evidence:
        errors.append(
            problem(
                _(
                    "%(n)d initiatives of FY%(year)d have evidence files; replacing them would delete the evidence"
                )
                % {"n": with_evidence, "year": year}
            )
        )
    with_lineage = existing.filter(predecessor__isnull=False).count()
    if with_lineage:
        errors.append(
            problem(
                _(
                    "%(n)d initiatives of FY%(year)d were carried forward from the previous year; replacing them would lose that lineage"
                )
                % {"n": with_lineage, "year": year}
            )
        )
    root = OrgUnit.objects.filter(parent__isnull=True).first()
    owned = existing.exclude(owner_unit=root).count() if root else 0
    if owned:
        errors.append(
            problem(
                _(
                    "%(n)d initiatives of FY%(year)d belong to units other than the group; replacing them would lose their owners"
                )
                % {"n": owned, "year": year}
            )
        )
    return errors


def import_table(
    source: str | Path | IO[bytes],
    *,
    actor: Any,
    year: int,
    name: str | None = None,
    dry_run: bool = False,
    replace: bool = False,
    owner_unit: OrgUnit | None = None,
    note: str | None = None,
) -> ImportResult:
    """Validate the whole file, then apply it all or nothing (see the module docstring).

    `owner_unit` owns the new initiatives (default: the root of the organisation, the
    group); `note`, when the import opens the year, becomes the note printed above its
    table. Raises PermissionDenied (the actor may not manage the cycle) or ImportRejected."""
    services.ensure_can_import(actor)
    table = _read(source, name, year)
    label = table.file
    errors: list[CellError] = []
    unit = _owner(owner_unit, label, errors)
    cycle = CycleYear.objects.filter(fiscal_year__year=year).select_related("fiscal_year").first()
    errors += _year_errors(cycle, year=year, replace=replace, label=label)
    entries, row_errors = _validate(table)
    errors += row_errors
    if not table.rows:
        errors.append(CellError(label, table.sheet, None, None, _("the file has no initiatives")))
    if errors:
        raise ImportRejected(errors)
    assert unit is not None
    if not can(actor, "cycle.manage", unit):
        raise PermissionDenied(f"not allowed: cycle.manage on {unit}")
    if any(e.results for e in entries) and not can(actor, "cycle.approve", unit):
        raise PermissionDenied(f"not allowed: cycle.approve on {unit}")
    if any(e.rating for e in entries) and not can(actor, "cycle.review", unit):
        raise PermissionDenied(f"not allowed: cycle.review on {unit}")

    result = ImportResult(year=year, dry_run=dry_run)
    with transaction.atomic():
        if cycle is None:
            try:
                cycle = services.open_year(actor=actor, year=year, note=(note or "").strip())
            except ValidationError as exc:  # opened meanwhile by someone else
                raise ImportRejected(
                    [CellError(label, None, None, None, " ".join(exc.messages))]
                ) from exc
            result.opened_year = True
        else:  # checked again under a lock: the year may have changed since validation
            cycle = (
                CycleYear.objects.select_for_update().select_related("fiscal_year").get(pk=cycle.pk)
            )
            if late := _year_errors(cycle, year=year, replace=replace, label=label):
                raise ImportRejected(late)
        result.replaced = _delete_existing(cycle, actor=actor, label=label)
        # Every row is created first, then taken through the flow, so the year's phase (which
        # the services move on as plans are approved and ratings confirmed) ends where the
        # file's rows are, whatever their order.
        created = [
            (entry, _create(entry, cycle=cycle, unit=unit, actor=actor)) for entry in entries
        ]
        for entry, initiative in created:
            _walk(entry, initiative, actor=actor, label=label)
            result.initiatives += 1
            result.with_results += bool(entry.results)
            result.rated += entry.rating is not None
            result.measures += len(entry.planned) + len(entry.results) + len(entry.next_planned)
        result.subjects = len({e.subject.pk for e in entries})
        record_event(
            actor=actor,
            verb="cycle.table_imported",
            target=cycle,
            data={
                "file": label,
                "initiatives": result.initiatives,
                "rated": result.rated,
                "replaced": result.replaced,
            },
        )
        if dry_run:
            transaction.set_rollback(True)
    return result


def _delete_existing(cycle: CycleYear, *, actor: Any, label: str) -> int:
    """Replace: delete the year's initiatives (validation made sure none is confirmed, carried
    forward, linked to KPI targets or has evidence). Each deletion stays in the row history and
    the event log (and is marked when the year is reopened)."""
    count = 0
    for initiative in (
        Initiative.objects.select_for_update()
        .filter(cycle=cycle)
        .select_related("subject", "cycle__fiscal_year", "owner_unit")
    ):
        year_lock.require_open(
            actor=actor,
            year=cycle.fiscal_year.year,
            what="initiative.deleted",
            target=initiative,
            org_unit=initiative.owner_unit,
        )
        record_event(
            actor=actor,
            verb="initiative.deleted",
            target=initiative,
            org_unit=initiative.owner_unit,
            data={"reason": f"replaced by the import of {label}"},
        )
        for measure in initiative.measures.all():
            stamp(measure, actor, f"replaced by the import of {label}")
            measure.delete()
        stamp(initiative, actor, f"replaced by the import of {label}")
        initiative.delete()
        count += 1
    return count


@contextmanager
def _located(entry: _Entry) -> Iterator[None]:
    """A service's refusal of one row, reported at that row."""
    try:
        yield
    except ValidationError as exc:
        raise ImportRejected([entry.row.error(None, " ".join(exc.messages))]) from exc


def _create(entry: _Entry, *, cycle: CycleYear, unit: OrgUnit, actor: Any) -> Initiative:
    with _located(entry):
        return services.create_initiative(
            actor=actor,
            cycle=cycle,
            subject=entry.subject,
            owner_unit=unit,
            planned=entry.planned,
            next_planned=entry.next_planned,
        )


def _walk(entry: _Entry, initiative: Initiative, *, actor: Any, label: str) -> None:
    """Plan approved → results entered → rating proposed → confirmed, as far as the row goes.
    The importer does every step: the file is the reason each two-person rule is waived (the
    file's table was decided outside Tatara; the waiver says so on the initiative)."""
    waiver = _("imported from %(file)s") % {"file": label}
    with _located(entry):
        if entry.results or entry.rating is not None:
            services.approve_plan(actor=actor, initiative=initiative, waiver=waiver)
            services.enter_results(actor=actor, initiative=initiative, results=entry.results)
        if entry.rating is not None:
            services.propose_rating(
                actor=actor,
                initiative=initiative,
                rating=entry.rating,
                comment=f"imported from {label}",
            )
            services.confirm_rating(actor=actor, initiative=initiative, note="", waiver=waiver)

"""The HR master file: people as of a date, applied as joiners, movers and leavers.

Columns (CSV or the first sheet of an .xlsx), one row per person employed on the file's date:
  employee_number, full_name, org_unit (unit code)                       required
  email, job_level, employment_type, hire_date (YYYY-MM-DD), language    optional

Everyone in the file is employed; an active person missing from the file has left (their
leave date is the file's date, unless `mark_leavers=False`). Each change is saved through
the row history, so a mover's previous unit stays on record. The file is validated whole
first: any error refuses it and nothing changes.

A file of tens of thousands of people is imported as a background job (core/jobs.py): the
page calls `start_people_import`, the worker runs `run_people_import`, which calls
`import_people` with a `progress` callback. The command line calls `import_people` directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from tatara.core.audit import record_event, stamp
from tatara.core.permissions import ALL, allowed_units, forget_grants, require
from tatara.core.tabular import CellError, ImportRejected, read_table, write_csv
from tatara.organisation.choices import EmploymentType
from tatara.organisation.models import OrgUnit, Person, RoleAssignment
from tatara.organisation.services import end_assignment

if TYPE_CHECKING:
    from tatara.core.jobs import JobOutcome, Reporter
    from tatara.core.models import Job

JOB_KIND = "organisation.people_import"
PROGRESS_EVERY = 200  # rows between two progress calls while changes are applied

Progress = Callable[[int, int, str], None]

REQUIRED = ("employee_number", "full_name", "org_unit")
OPTIONAL = ("email", "job_level", "employment_type", "hire_date", "language")
TRACKED = (
    "full_name",
    "email",
    "org_unit_id",
    "job_level",
    "employment_type",
    "hire_date",
    "language",
)


@dataclass
class HrChanges:
    joiners: list[str] = field(default_factory=list)
    movers: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    leavers: list[str] = field(default_factory=list)
    rejoiners: list[str] = field(default_factory=list)
    unchanged: int = 0

    def summary(self) -> str:
        return (
            f"{len(self.joiners)} joiners, {len(self.movers)} movers, {len(self.updated)} updated, "
            f"{len(self.leavers)} leavers, {len(self.rejoiners)} rejoined, {self.unchanged} unchanged"
        )


def _parse_date(text: str) -> dt.date:
    return dt.date.fromisoformat(text[:10])


MAX_LENGTHS = {
    column: Person._meta.get_field(column).max_length  # type: ignore[union-attr]
    for column in ("employee_number", "full_name", "email", "job_level", "language")
}


def _validate(
    table: Any, *, scope: set[int] | None, current_units: dict[str, int]
) -> list[dict[str, Any]]:
    """Every row checked; `scope` (unit ids the actor manages, None = all) limits which units
    people may be put in and whose records the file may touch."""
    units = {u.code: u.pk for u in OrgUnit.objects.only("pk", "code")}
    types = {c.value for c in EmploymentType}
    errors: list[CellError] = []
    seen: dict[str, int] = {}
    records: list[dict[str, Any]] = []
    for row in table.rows:
        record: dict[str, Any] = {}
        number = row.text("employee_number")
        if not number:
            errors.append(row.error("employee_number", _("is empty")))
        elif number in seen:
            errors.append(
                row.error(
                    "employee_number",
                    _("%(number)s appears again (first on row %(row)d)")
                    % {"number": number, "row": seen[number]},
                )
            )
        else:
            seen[number] = row.number
        record["employee_number"] = number
        record["full_name"] = row.text("full_name")
        if not record["full_name"]:
            errors.append(row.error("full_name", _("is empty")))
        unit_code = row.text("org_unit")
        if unit_code not in units:
            errors.append(
                row.error("org_unit", _("unknown unit code %(code)s") % {"code": repr(unit_code)})
            )
        record["org_unit_id"] = units.get(unit_code)
        email = row.text("email")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(
                    row.error(
                        "email", _("%(value)s is not an e-mail address") % {"value": repr(email)}
                    )
                )
        record["email"] = email
        record["job_level"] = row.text("job_level")
        kind = row.text("employment_type") or EmploymentType.REGULAR
        if kind not in types:
            errors.append(
                row.error(
                    "employment_type",
                    _("%(value)s is not one of %(choices)s")
                    % {"value": repr(kind), "choices": ", ".join(sorted(types))},
                )
            )
        record["employment_type"] = kind
        raw_date = row.values.get("hire_date")
        record["hire_date"] = None
        if isinstance(raw_date, dt.datetime):
            record["hire_date"] = raw_date.date()
        elif isinstance(raw_date, dt.date):
            record["hire_date"] = raw_date
        elif row.text("hire_date"):
            try:
                record["hire_date"] = _parse_date(row.text("hire_date"))
            except ValueError:
                errors.append(
                    row.error(
                        "hire_date",
                        _("%(value)s is not a date (YYYY-MM-DD)")
                        % {"value": repr(row.text("hire_date"))},
                    )
                )
        record["language"] = row.text("language") or "ja"
        for column, limit in MAX_LENGTHS.items():
            value = record.get(column) or ""
            if limit and len(value) > limit:
                errors.append(
                    row.error(column, _("is longer than %(n)d characters") % {"n": limit})
                )
        if scope is not None:
            if record["org_unit_id"] is not None and record["org_unit_id"] not in scope:
                errors.append(
                    row.error(
                        "org_unit",
                        _("unit %(code)s is outside your scope") % {"code": repr(unit_code)},
                    )
                )
            current = current_units.get(number)
            if current is not None and current not in scope:
                errors.append(
                    row.error(
                        "employee_number", _("this person belongs to a unit outside your scope")
                    )
                )
        records.append(record)
    if errors:
        raise ImportRejected(errors)
    return records


def _close_account(person: Person, actor: Any) -> None:
    """A leaver's login and roles end with their employment."""
    user = person.user
    if user is None:
        return
    for assignment in RoleAssignment.objects.filter(user=user, active=True).select_related(
        "org_unit", "user"
    ):
        end_assignment(actor=actor, assignment=assignment, reason="HR import: leaver")
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        record_event(
            actor=actor,
            verb="user.deactivated",
            target=person,
            org_unit=person.org_unit,
            data={"user": user.get_username(), "reason": "leaver"},
        )
    forget_grants(user)


def import_people(
    source: str | Path | IO[bytes],
    *,
    actor: Any,
    as_of: dt.date,
    name: str | None = None,
    dry_run: bool = False,
    mark_leavers: bool = True,
    progress: Progress | None = None,
) -> HrChanges:
    """Apply the file. `progress(done, total, message)`, if given, is called as the work goes
    on: once per phase and every PROGRESS_EVERY rows while changes are applied."""

    def report(done: int, total: int, message: str) -> None:
        if progress is not None:
            progress(done, total, message)

    require(actor, "organisation.manage")
    allowed = allowed_units(actor, "organisation.manage")
    scope = None if allowed is ALL else set(allowed.values_list("pk", flat=True))
    report(0, 0, _("Reading the file"))
    table = read_table(source, name=name, required=REQUIRED, optional=OPTIONAL)
    report(0, len(table.rows), _("Checking %(n)d rows") % {"n": len(table.rows)})
    current_units = dict(Person.objects.values_list("employee_number", "org_unit_id"))
    records = _validate(table, scope=scope, current_units=current_units)
    changes = HrChanges()
    # Only the columns the file has are applied: a file without `email` leaves e-mails alone.
    tracked = [f for f in TRACKED if {"org_unit_id": "org_unit"}.get(f, f) in table.columns]
    with transaction.atomic():
        # Only people in the actor's scope can change or leave: a company's HR file says nothing
        # about the rest of the group.
        existing = {
            p.employee_number: p
            for p in Person.objects.visible_to(actor, "organisation.manage").select_related("user")
        }
        in_file = {record["employee_number"] for record in records}
        leaving = (
            sum(1 for n, p in existing.items() if p.is_active and n not in in_file)
            if mark_leavers
            else 0
        )
        total = len(records) + leaving
        applying = _("Applying changes")
        report(0, total, applying)
        for done, record in enumerate(records, start=1):
            if done % PROGRESS_EVERY == 0:
                report(done, total, applying)
            person = existing.pop(record["employee_number"], None)
            if person is None:
                person = Person(
                    employee_number=record["employee_number"], **{f: record[f] for f in tracked}
                )
                changes.joiners.append(record["employee_number"])
                stamp(person, actor, "HR import: joiner")
                person.save()
                continue
            differs = [f for f in tracked if getattr(person, f) != record[f]]
            rejoined = not person.is_active
            if not differs and not rejoined:
                changes.unchanged += 1
                continue
            moved = "org_unit_id" in differs
            for key in tracked:
                setattr(person, key, record[key])
            if rejoined:
                person.is_active, person.leave_date = True, None
                changes.rejoiners.append(person.employee_number)
            elif moved:
                changes.movers.append(person.employee_number)
            else:
                changes.updated.append(person.employee_number)
            stamp(
                person,
                actor,
                "HR import: " + ("mover" if moved else "rejoiner" if rejoined else "update"),
            )
            person.save()
        if mark_leavers:
            done = len(records)
            for person in existing.values():
                if person.is_active:
                    person.is_active, person.leave_date = False, as_of
                    stamp(person, actor, "HR import: leaver")
                    person.save()
                    _close_account(person, actor)
                    changes.leavers.append(person.employee_number)
                    done += 1
                    if done % PROGRESS_EVERY == 0:
                        report(done, total, _("Recording leavers"))
        report(total, total, _("Saving"))
        record_event(
            actor=actor,
            verb="people.imported",
            data={
                "file": table.file,
                "as_of": as_of.isoformat(),
                "summary": changes.summary(),
                "dry_run": dry_run,
            },
        )
        if dry_run:
            transaction.set_rollback(True)
    return changes


# --- as a background job --------------------------------------------------------------------


def import_scope_unit(actor: Any) -> OrgUnit | None:
    """The unit a people-import job is filed under (its scope): the highest unit on which the
    actor may manage the organisation — for the group's HR office, the group itself."""
    units = allowed_units(actor, "organisation.manage")
    if units is ALL:
        units = OrgUnit.objects.filter(parent__isnull=True)
    unit: OrgUnit | None = units.order_by("depth", "path").first()
    return unit


def start_people_import(
    *,
    actor: Any,
    upload: Any,
    as_of: dt.date,
    dry_run: bool,
    mark_leavers: bool = True,
) -> Job:
    """Queue an HR master file to be checked (and, unless `dry_run`, applied) in the
    background. The upload is stored with the job; the worker reads it from there."""
    from tatara.core.jobs import start_job

    require(actor, "organisation.manage")
    file_name = Path(getattr(upload, "name", "") or "hr-master").name
    label = (_("Check HR master %(file)s") if dry_run else _("Import HR master %(file)s")) % {
        "file": file_name
    }
    return start_job(
        actor=actor,
        kind=JOB_KIND,
        label=label,
        org_unit=import_scope_unit(actor),
        runner="tatara.organisation.hr_import.run_people_import",
        input_file=upload,
        params={
            "file_name": file_name,
            "as_of": as_of.isoformat(),
            "dry_run": dry_run,
            "mark_leavers": mark_leavers,
            "return_url": reverse("organisation:people-import"),
        },
    )


def _changes_csv(changes: HrChanges) -> bytes:
    rows = [
        (number, kind)
        for kind, numbers in (
            ("joiner", changes.joiners),
            ("mover", changes.movers),
            ("updated", changes.updated),
            ("leaver", changes.leavers),
            ("rejoined", changes.rejoiners),
        )
        for number in numbers
    ]
    return write_csv(["employee_number", "change"], rows)


def run_people_import(*, job: Job, report: Reporter) -> JobOutcome:
    """The job's runner: import the stored file as the person who uploaded it."""
    from tatara.core.jobs import JobOutcome

    params = job.params
    dry_run = bool(params.get("dry_run", False))
    with job.input_file.open("rb") as handle:
        changes = import_people(
            handle,
            name=params.get("file_name") or Path(job.input_file.name).name,
            actor=job.created_by,
            as_of=dt.date.fromisoformat(params["as_of"]),
            dry_run=dry_run,
            mark_leavers=bool(params.get("mark_leavers", True)),
            progress=report,
        )
    counts = {
        "joiners": len(changes.joiners),
        "movers": len(changes.movers),
        "updated": len(changes.updated),
        "leavers": len(changes.leavers),
        "rejoined": len(changes.rejoiners),
        "unchanged": changes.unchanged,
    }
    counted = _(
        "%(joiners)s joiners, %(movers)s movers, %(updated)s updated, %(leavers)s leavers, "
        "%(rejoined)s rejoined, %(unchanged)s unchanged"
    ) % {key: number_format(value, force_grouping=True) for key, value in counts.items()}
    if dry_run:
        summary = _("Checked, nothing changed: %(s)s") % {"s": counted}
    else:
        summary = _("Applied: %(s)s") % {"s": counted}
    return JobOutcome(
        summary=summary,
        details={"counts": counts, "dry_run": dry_run},
        file_name=f"hr-changes-{params['as_of']}{'-check' if dry_run else ''}.csv",
        file_content=_changes_csv(changes),
    )

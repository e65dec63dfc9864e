"""The HR master file: people as of a date, applied as joiners, movers and leavers.

Columns (CSV or the first sheet of an .xlsx), one row per person employed on the file's date:
  employee_number, full_name, org_unit (unit code)                       required
  email, job_level, employment_type, hire_date (YYYY-MM-DD), language    optional

Everyone in the file is employed; an active person missing from the file has left (their
leave date is the file's date, unless `mark_leavers=False`). Each change is saved through
the row history, so a mover's previous unit stays on record. The file is validated whole
first: any error refuses it and nothing changes.

A file of tens of thousands of people is imported as a background job (core/jobs.py): the
page calls `start_people_import`, the worker runs the engine's job (core/tabular/jobs.py), which calls
`import_people` with a `progress` callback. The command line calls `import_people` directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tatara.core.audit import record_event, stamp
from tatara.core.permissions import ALL, allowed_units, forget_grants, require
from tatara.core.tabular import CellError, ImportCounts
from tatara.core.tabular.columns import Choice, Column, Date, Email, Text, unit_column
from tatara.core.tabular.engine import ImportContext, ImportSpec, Record, run_import
from tatara.core.tabular.results import CREATED, REMOVED, UNCHANGED, UPDATED
from tatara.organisation.choices import EmploymentType
from tatara.organisation.models import OrgUnit, Person, RoleAssignment
from tatara.organisation.services import end_assignment

if TYPE_CHECKING:
    from tatara.core.models import Job

JOB_KIND = "organisation.people_import"
MANAGE = "organisation.manage"
PROGRESS_EVERY = 200  # rows between two progress calls while changes are applied

Progress = Callable[[int, int, str], None]

# the field of Person each column sets (only the columns a file has are applied)
FIELDS = {
    "full_name": "full_name",
    "email": "email",
    "org_unit": "org_unit_id",
    "job_level": "job_level",
    "employment_type": "employment_type",
    "hire_date": "hire_date",
    "language": "language",
}
# the kinds of change, in the order the summary lists them
KINDS = {
    "joiner": gettext_lazy("joiners"),
    "mover": gettext_lazy("movers"),
    "updated": gettext_lazy("updated"),
    "leaver": gettext_lazy("leavers"),
    "rejoined": gettext_lazy("rejoined"),
}


def _limit(name: str) -> int:
    return int(Person._meta.get_field(name).max_length)  # type: ignore[union-attr,arg-type]


COLUMNS = (
    Column(
        "employee_number",
        Text(_limit("employee_number")),
        required=True,
        blank=False,
        help=gettext_lazy("the person's number in the HR system; the key of the row"),
    ),
    Column("full_name", Text(_limit("full_name")), required=True, blank=False),
    unit_column(
        "org_unit",
        MANAGE,
        required=True,
        blank=False,
        help=gettext_lazy("the code of the unit the person works in"),
    ),
    Column("email", Email(_limit("email")), default=""),
    Column("job_level", Text(_limit("job_level")), default=""),
    Column("employment_type", Choice(EmploymentType), default=EmploymentType.REGULAR),
    Column("hire_date", Date()),
    Column("language", Text(_limit("language")), default="ja"),
)


def _check(records: list[Record], context: ImportContext) -> Iterable[CellError]:
    """A file may not touch a person whose unit is outside the importer's scope (their
    number is taken: it cannot be a new person either)."""
    scope = context.cached("scope", lambda: _scope(context.actor))
    if scope is None:
        return []
    current = dict(
        Person.objects.filter(
            employee_number__in=[r.get("employee_number") for r in records]
        ).values_list("employee_number", "org_unit_id")
    )
    return [
        record.error("employee_number", _("this person belongs to a unit outside your scope"))
        for record in records
        if record["employee_number"] in current and current[record["employee_number"]] not in scope
    ]


def _scope(actor: Any) -> set[int] | None:
    allowed = allowed_units(actor, MANAGE)
    return None if allowed is ALL else set(allowed.values_list("pk", flat=True))


def _before(context: ImportContext) -> None:
    """Only people in the importer's scope can change or leave: a company's HR file says
    nothing about the rest of the group."""
    existing = {
        p.employee_number: p
        for p in Person.objects.visible_to(context.actor, MANAGE).select_related("user")
    }
    context.state["existing"] = existing
    if context.options.get("mark_leavers", True):
        in_file = {r.get("employee_number") for r in context.records}
        context.total += sum(1 for n, p in existing.items() if p.is_active and n not in in_file)


def _values(record: Record) -> dict[str, Any]:
    values = {}
    for column, field_name in FIELDS.items():
        if column in record:
            value = record[column]
            values[field_name] = value.pk if isinstance(value, OrgUnit) else value
    return values


def _apply_row(record: Record, context: ImportContext) -> None:
    actor, result = context.actor, context.result
    number = record["employee_number"]
    values = _values(record)
    person = context.state["existing"].pop(number, None)
    if person is None:
        person = Person(employee_number=number, **values)
        stamp(person, actor, "HR import: joiner")
        person.save()
        result.record(CREATED, number, row=record.row.number, detail="joiner")
        return
    differs = [f for f, v in values.items() if getattr(person, f) != v]
    rejoined = not person.is_active
    if not differs and not rejoined:
        result.record(UNCHANGED)
        return
    moved = "org_unit_id" in differs
    for key, value in values.items():
        setattr(person, key, value)
    if rejoined:
        person.is_active, person.leave_date = True, None
    detail = "rejoined" if rejoined else "mover" if moved else "updated"
    stamp(
        person, actor, "HR import: " + ("mover" if moved else "rejoiner" if rejoined else "update")
    )
    person.save()
    result.record(UPDATED, number, row=record.row.number, detail=detail)


def _after(context: ImportContext) -> None:
    """Everyone active in scope the file leaves out has left, on the file's date."""
    if not context.options.get("mark_leavers", True):
        return
    done = context.total - sum(1 for p in context.state["existing"].values() if p.is_active)
    for person in context.state["existing"].values():
        if person.is_active:
            person.is_active, person.leave_date = False, context.options["as_of"]
            stamp(person, context.actor, "HR import: leaver")
            person.save()
            _close_account(person, context.actor)
            context.result.record(REMOVED, person.employee_number, detail="leaver")
            done += 1
            if done % PROGRESS_EVERY == 0:
                context.report(done, context.total, _("Recording leavers"))


def _event_data(context: ImportContext) -> dict[str, Any]:
    return {"as_of": context.options["as_of"].isoformat()}


PEOPLE = ImportSpec(
    what="people",
    name=JOB_KIND,
    label=gettext_lazy("HR master"),
    option_types={"as_of": "date", "mark_leavers": "bool"},
    action=MANAGE,
    columns=COLUMNS,
    apply_row=_apply_row,
    key="employee_number",
    check=_check,
    before=_before,
    after=_after,
    event="people.imported",
    event_data=_event_data,
    detail_labels=KINDS,
    progress_every=PROGRESS_EVERY,
)


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
) -> ImportCounts:
    """Apply the file (the engine: core/tabular/engine.py). `progress(done, total, message)`,
    if given, is called once per phase and every PROGRESS_EVERY rows while changes are
    applied. The result's `labels("joiner")` … list the employee numbers of each kind."""
    require(actor, MANAGE)
    return run_import(
        PEOPLE,
        source,
        actor=actor,
        name=name,
        dry_run=dry_run,
        progress=progress,
        as_of=as_of,
        mark_leavers=mark_leavers,
    )


# --- as a background job: core/tabular/jobs.py ---------------------------------------------


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
    from tatara.core.tabular.jobs import start_import_job

    return start_import_job(
        "tatara.organisation.hr_import.PEOPLE",
        actor=actor,
        upload=upload,
        dry_run=dry_run,
        return_url=reverse("organisation:people-import"),
        as_of=as_of,
        mark_leavers=mark_leavers,
    )

"""The HR master file: people as of a date, applied as joiners, movers and leavers.

Columns (CSV or the first sheet of an .xlsx), one row per person employed on the file's date:
  employee_number, full_name, org_unit (unit code)                       required
  email, job_level, employment_type, hire_date (YYYY-MM-DD), language    optional

Everyone in the file is employed; an active person missing from the file has left (their
leave date is the file's date, unless `mark_leavers=False`). Each change is saved through
the row history, so a mover's previous unit stays on record. The file is validated whole
first: any error refuses it and nothing changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from tatara.core.audit import record_event, stamp
from tatara.core.permissions import require
from tatara.core.tabular import CellError, ImportRejected, read_table
from tatara.organisation.choices import EmploymentType
from tatara.organisation.models import OrgUnit, Person

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


def _validate(table: Any) -> list[dict[str, Any]]:
    units = {u.code: u.pk for u in OrgUnit.objects.only("pk", "code")}
    types = {c.value for c in EmploymentType}
    errors: list[CellError] = []
    seen: dict[str, int] = {}
    records: list[dict[str, Any]] = []
    for row in table.rows:
        record: dict[str, Any] = {}
        number = row.text("employee_number")
        if not number:
            errors.append(row.error("employee_number", "is empty"))
        elif number in seen:
            errors.append(
                row.error(
                    "employee_number", f"{number} appears again (first on row {seen[number]})"
                )
            )
        else:
            seen[number] = row.number
        record["employee_number"] = number
        record["full_name"] = row.text("full_name")
        if not record["full_name"]:
            errors.append(row.error("full_name", "is empty"))
        unit_code = row.text("org_unit")
        if unit_code not in units:
            errors.append(row.error("org_unit", f"unknown unit code {unit_code!r}"))
        record["org_unit_id"] = units.get(unit_code)
        email = row.text("email")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(row.error("email", f"{email!r} is not an e-mail address"))
        record["email"] = email
        record["job_level"] = row.text("job_level")
        kind = row.text("employment_type") or EmploymentType.REGULAR
        if kind not in types:
            errors.append(
                row.error("employment_type", f"{kind!r} is not one of {', '.join(sorted(types))}")
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
                    row.error("hire_date", f"{row.text('hire_date')!r} is not a date (YYYY-MM-DD)")
                )
        record["language"] = row.text("language") or "ja"
        records.append(record)
    if errors:
        raise ImportRejected(errors)
    return records


def import_people(
    source: str | Path | IO[bytes],
    *,
    actor: Any,
    as_of: dt.date,
    name: str | None = None,
    dry_run: bool = False,
    mark_leavers: bool = True,
) -> HrChanges:
    require(actor, "organisation.manage")
    table = read_table(source, name=name, required=REQUIRED, optional=OPTIONAL)
    records = _validate(table)
    changes = HrChanges()
    # Only the columns the file has are applied: a file without `email` leaves e-mails alone.
    tracked = [f for f in TRACKED if {"org_unit_id": "org_unit"}.get(f, f) in table.columns]
    with transaction.atomic():
        existing = {p.employee_number: p for p in Person.objects.all()}
        for record in records:
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
            for person in existing.values():
                if person.is_active:
                    person.is_active, person.leave_date = False, as_of
                    stamp(person, actor, "HR import: leaver")
                    person.save()
                    changes.leavers.append(person.employee_number)
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

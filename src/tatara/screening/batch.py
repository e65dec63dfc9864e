"""Batch screening: a customer master (CSV or Excel) screened name by name against every
active list, one output row per alert.

Input columns (header row; CSV UTF-8 or the first sheet of an .xlsx):
  name                                   required
  country, date_of_birth, kind           optional (ISO code or name; YYYY-MM-DD or YYYY;
                                         person / entity)

Output (CSV or .xlsx), one row per hit at or above the alert threshold, best first:
  row, name, score, list, list_entry_id, matched_name, outcome
`row` is the input row as a spreadsheet shows it (header = row 1); `list` the list's source
code (ofac-sdn, un ...); `list_entry_id` the list's own id (OFAC ent_num, UN reference number);
`outcome` "strong" (≥ STRONG_THRESHOLD) or "review", or "cleared_before" for a hit on an entry
the company cleared this name against before (namesakes.py: it does not count, so a row whose
every hit is cleared before is clear). A row without an alert appears once with empty hit
fields and outcome "clear". The page's job adds `programmes` and `reasons`.

The whole file is checked first (a missing name, a bad date): any error refuses it with
errors naming the file, row and column. The command line (`tatara screening batch`) calls
`screen_file`; the page queues `run_batch` as a background job (core/jobs.py). Given the unit
whose names they are (the job's unit, the command's `--unit`), the remembered clearings of its
company apply.
Screening needs `screening.view`: it screens only the names the user provides.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from tatara.core.permissions import require
from tatara.core.tabular import (
    CellError,
    ImportRejected,
    Row,
    deterministic_xlsx,
    guard_formula,
    read_table,
    write_csv,
)
from tatara.screening import name_screening
from tatara.screening.matching import ALERT_THRESHOLD
from tatara.screening.name_screening import CLEAR, HitView, ScreeningResult
from tatara.screening.namesakes import NAME, Memory, Subject, company_of, memory_for

if TYPE_CHECKING:
    from tatara.core.jobs import JobOutcome, Reporter
    from tatara.core.models import Job

JOB_KIND = "screening.batch"
REQUIRED = ("name",)
OPTIONAL = ("country", "date_of_birth", "kind")
COLUMNS = ("row", "name", "score", "list", "list_entry_id", "matched_name", "outcome")
EXTRA_COLUMNS = ("programmes", "reasons")
HITS_PER_ROW = 10
MAX_NAME = 500
PROGRESS_EVERY = 100

Progress = Callable[[int, int, str], None]
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
KINDS = ("person", "entity", "vessel", "aircraft")


@dataclass(frozen=True)
class Party:
    row: int
    name: str
    country: str | None
    date_of_birth: str | None
    kind: str | None


@dataclass(frozen=True)
class RowResult:
    party: Party
    result: ScreeningResult

    @property
    def outcome(self) -> str:
        return self.result.outcome

    @property
    def cleared_before(self) -> bool:
        """Clear only because every hit was cleared before."""
        return self.outcome == CLEAR and any(h.cleared_before for h in self.result.hits)


@dataclass
class BatchResult:
    rows: list[RowResult]
    list_versions: tuple[int, ...]

    @property
    def counts(self) -> dict[str, int]:
        counts = {"rows": len(self.rows), "clear": 0, "review": 0, "strong": 0}
        for row in self.rows:
            counts[row.outcome] += 1
        counts["hits"] = sum(len(r.result.hits) for r in self.rows)
        counts["cleared_before"] = sum(1 for r in self.rows if r.cleared_before)
        return counts


def _date_of_birth(row: Row, errors: list[CellError]) -> str | None:
    value = row.values.get("date_of_birth")
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = row.text("date_of_birth")
    if not text:
        return None
    if not _DATE.match(text):
        errors.append(row.error("date_of_birth", _("not a date: use YYYY-MM-DD or a year (YYYY)")))
        return None
    if len(text) == 10:
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            errors.append(row.error("date_of_birth", _("no such date")))
            return None
    return text


def read_parties(source: str | Path | IO[bytes], *, name: str | None = None) -> list[Party]:
    """Read and check the whole file; ImportRejected lists every problem (file, row, column)."""
    table = read_table(source, name=name, required=REQUIRED, optional=OPTIONAL)
    errors: list[CellError] = []
    parties: list[Party] = []
    for row in table.rows:
        text = row.text("name")
        if not text:
            errors.append(row.error("name", _("the name is empty")))
            continue
        if len(text) > MAX_NAME:
            errors.append(row.error("name", _("longer than %(n)d characters") % {"n": MAX_NAME}))
            continue
        kind = row.text("kind").lower() or None
        if kind and kind not in KINDS:
            errors.append(
                row.error("kind", _("expected one of %(kinds)s") % {"kinds": ", ".join(KINDS)})
            )
        country = row.text("country")[:100] or None
        birth = _date_of_birth(row, errors)
        parties.append(Party(row.number, text, country, birth, kind))
    if errors:
        raise ImportRejected(errors)
    if not parties:
        raise ImportRejected(
            [CellError(table.file, table.sheet, None, None, _("the file holds no names"))]
        )
    return parties


def read_table_header(upload: Any) -> None:
    """Check an upload's type and columns (ImportRejected), then rewind it."""
    read_table(upload, name=getattr(upload, "name", None), required=REQUIRED, optional=OPTIONAL)
    upload.seek(0)


def subject_of(party: Party) -> Subject:
    """A row as the key of remembered clearings: its name, country and date of birth."""
    return Subject.of_name(party.name, country=party.country, birth_date=party.date_of_birth)


def screen_parties(
    parties: Sequence[Party],
    *,
    progress: Progress | None = None,
    limit: int = HITS_PER_ROW,
    memory: Memory | None = None,
) -> BatchResult:
    """Screen every party against the active lists (the index taken once for the batch);
    keeps the hits at or above the alert threshold, those cleared before (`memory`) marked."""
    current = name_screening.active()
    total = len(parties)
    message = _("Screening names")
    rows = []
    for done, party in enumerate(parties, 1):
        result = name_screening.screen_with(
            current,
            party.name,
            country=party.country,
            birth_date=party.date_of_birth,
            kind=party.kind,
            limit=limit,
            threshold=ALERT_THRESHOLD,
        )
        if memory:
            result = memory.apply(result, subject_of(party))
        rows.append(RowResult(party, result))
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
            progress(done, total, message)
    return BatchResult(rows, current.version_ids)


def output_rows(result: BatchResult, *, extra: bool = False) -> list[list[Any]]:
    out: list[list[Any]] = []
    for row in result.rows:
        party = row.party
        hits: Sequence[HitView | None] = row.result.hits or (None,)
        for hit in hits:
            if hit is None:
                line: list[Any] = [party.row, party.name, "", "", "", "", CLEAR]
                if extra:
                    line += ["", ""]
            else:
                line = [
                    party.row,
                    party.name,
                    f"{hit.score:.2f}",
                    hit.source,
                    hit.list_entry_id,
                    hit.matched_name,
                    "cleared_before" if hit.cleared_before else name_screening.outcome_of([hit]),
                ]
                if extra:
                    line += ["; ".join(hit.programmes), "; ".join(hit.reasons)]
            out.append(line)
    return out


def to_csv(result: BatchResult, *, extra: bool = False) -> bytes:
    columns = COLUMNS + (EXTRA_COLUMNS if extra else ())
    return write_csv(columns, output_rows(result, extra=extra))


def to_xlsx(result: BatchResult, *, extra: bool = False) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "hits"
    columns = COLUMNS + (EXTRA_COLUMNS if extra else ())
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in output_rows(result, extra=extra):
        if line[2]:
            line[2] = float(line[2])
        sheet.append([guard_formula(v) for v in line])
    sheet.freeze_panes = "A2"
    widths = {"A": 7, "B": 36, "C": 8, "D": 10, "E": 14, "F": 36, "G": 9, "H": 16, "I": 60}
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    return deterministic_xlsx(workbook)


def screen_file(
    source: str | Path | IO[bytes],
    *,
    actor: Any,
    name: str | None = None,
    progress: Progress | None = None,
    org_unit: Any = None,
) -> BatchResult:
    """Read, check and screen a whole file as `actor` (needs screening.view; on `org_unit`,
    the unit whose names they are, when given: then its company's remembered clearings
    apply)."""
    require(actor, "screening.view", org_unit)
    parties = read_parties(source, name=name)
    memory = memory_for(company_of(org_unit), kind=NAME) if org_unit is not None else None
    return screen_parties(parties, progress=progress, memory=memory)


# --- the background job ----------------------------------------------------------------------


def start_batch(*, actor: Any, upload: Any, org_unit: Any) -> Job:
    """Queue an uploaded file of names to be screened in the background; the upload is
    stored with the job. `org_unit` is the unit whose names they are (a company's customer
    master): the job, the stored result and its review are seen within that unit's scope."""
    from tatara.core.jobs import start_job

    require(actor, "screening.view", org_unit)
    file_name = Path(getattr(upload, "name", "") or "parties").name
    return start_job(
        actor=actor,
        kind=JOB_KIND,
        label=_("Screen %(file)s") % {"file": file_name},
        org_unit=org_unit,
        runner="tatara.screening.batch.run_batch",
        input_file=upload,
        params={"file_name": file_name, "return_url": reverse("screening:batch")},
    )


def run_batch(*, job: Job, report: Reporter) -> JobOutcome:
    """The job's runner: screen the stored file as the person who uploaded it, and keep the
    alerts for the officer's review (batch_review.py)."""
    from tatara.core.jobs import JobOutcome
    from tatara.screening.batch_review import store_batch

    file_name = job.params.get("file_name") or Path(job.input_file.name).name
    with job.input_file.open("rb") as handle:
        result = screen_file(
            handle, actor=job.created_by, name=file_name, progress=report, org_unit=job.org_unit
        )
    stored = store_batch(
        actor=job.created_by, org_unit=job.org_unit, file_name=file_name, result=result, job=job
    )
    counts = result.counts
    numbers = {key: number_format(value, force_grouping=True) for key, value in counts.items()}
    summary = (
        _("%(rows)s names screened: %(strong)s strong, %(review)s to review, %(clear)s clear")
        % numbers
    )
    if counts["cleared_before"]:
        summary += " " + _("(%(cleared_before)s of them cleared before)") % numbers
    stem = Path(file_name).stem or "parties"
    details: dict[str, Any] = {
        "counts": counts,
        "list_versions": list(result.list_versions),
        "batch": stored.pk,
    }
    if counts["review"] or counts["strong"]:
        details["next_url"] = reverse("screening:batch-review", args=[stored.pk])
        details["next_label"] = _("Review the alerts")
    return JobOutcome(
        summary=summary,
        details=details,
        file_name=f"screening-{stem}.xlsx",
        file_content=to_xlsx(result, extra=True),
    )

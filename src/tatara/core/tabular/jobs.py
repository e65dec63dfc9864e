"""An import as a background job, for any spec: the page or the API stores the upload with a
job (core/jobs.py), the worker runs `run_import` as the person who uploaded it, and the job's
page shows the progress, then what changed (and, for a check, the first rows of each kind) or
every error with its file, sheet, row and column.

A spec is named in the job by its dotted path (`tatara.organisation.structure_io.UNITS`), as
runners are; its `option_types` say how the run's own settings are kept in the job (JSON).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from tatara.core.tabular.engine import ImportSpec, run_import
from tatara.core.tabular.files import write_csv
from tatara.core.tabular.results import OUTCOMES, UNCHANGED, ImportCounts

if TYPE_CHECKING:
    from tatara.core.jobs import JobOutcome, Reporter
    from tatara.core.models import Job

RUNNER = "tatara.core.tabular.jobs.run_import_job"
FIRST_SHOWN = 10  # rows of each outcome a check shows


def load_spec(path: str) -> ImportSpec:
    if not path.startswith("tatara."):
        raise ImproperlyConfigured(f"import specs live in the project: {path!r}")
    spec = import_string(path)
    if not isinstance(spec, ImportSpec):
        raise ImproperlyConfigured(f"not an import spec: {path!r}")
    return spec


def scope_unit(actor: Any, action: str) -> Any:
    """The unit an import job is filed under (its scope): the highest unit on which the
    actor holds the spec's action — for the group's HR office, the group itself."""
    from tatara.core.permissions import ALL, allowed_units
    from tatara.organisation.models import OrgUnit

    units = allowed_units(actor, action)
    if units is ALL:
        units = OrgUnit.objects.filter(parent__isnull=True)
    return units.order_by("depth", "path").first()


def _encode(spec: ImportSpec, options: dict[str, Any]) -> dict[str, Any]:
    unknown = set(options) - set(spec.option_types)
    if unknown:
        raise ValueError(f"{spec.name}: no such options {sorted(unknown)}")
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in options.items()}


def _decode(spec: ImportSpec, stored: dict[str, Any]) -> dict[str, Any]:
    kinds = spec.option_types
    return {
        k: dt.date.fromisoformat(v) if kinds.get(k) == "date" and v else v
        for k, v in stored.items()
    }


def job_label(spec: ImportSpec, file_name: str, dry_run: bool) -> str:
    text = _("Check %(what)s %(file)s") if dry_run else _("Import %(what)s %(file)s")
    return text % {"what": spec.label or spec.what, "file": file_name}


def start_import_job(
    spec_path: str,
    *,
    actor: Any,
    upload: Any,
    dry_run: bool,
    return_url: str = "",
    **options: Any,
) -> Job:
    """Queue a file to be checked (and, unless `dry_run`, applied) in the background."""
    from tatara.core.jobs import start_job
    from tatara.core.permissions import require

    spec = load_spec(spec_path)
    require(actor, spec.action)
    file_name = Path(getattr(upload, "name", "") or spec.what).name
    return start_job(
        actor=actor,
        kind=spec.name,
        label=job_label(spec, file_name, dry_run),
        org_unit=scope_unit(actor, spec.action),
        runner=RUNNER,
        input_file=upload,
        params={
            "spec": spec_path,
            "file_name": file_name,
            "dry_run": dry_run,
            "options": _encode(spec, options),
            "return_url": return_url,
        },
    )


def counted(result: ImportCounts) -> str:
    """What an import did, in words, without the file's name: "1 created, 2 updated, …"."""
    text = result.summary().removeprefix(f"{result.file}: ")
    return text.removesuffix(_(" (dry run: nothing was stored)"))


def outcome_details(result: ImportCounts) -> dict[str, Any]:
    """The JSON a job keeps of an import: counts by outcome, by kind, and the first rows of
    each outcome (what a check shows)."""
    return {
        "counts": result.counts(),
        "kinds": result.by_detail(),
        "first": {
            outcome: [[c.row, c.label, c.detail] for c in result.first(outcome, FIRST_SHOWN)]
            for outcome in OUTCOMES
            if outcome != UNCHANGED and result.first(outcome, 1)
        },
        "dry_run": result.dry_run,
    }


def run_import_job(*, job: Job, report: Reporter) -> JobOutcome:
    """The job's runner: import the stored file as the person who uploaded it."""
    from tatara.core.jobs import JobOutcome

    params = job.params
    spec = load_spec(params["spec"])
    dry_run = bool(params.get("dry_run", False))
    with job.input_file.open("rb") as handle:
        result = run_import(
            spec,
            handle,
            actor=job.created_by,
            name=params.get("file_name") or Path(job.input_file.name).name,
            dry_run=dry_run,
            progress=report,
            **_decode(spec, params.get("options", {})),
        )
    words = counted(result)
    if dry_run:
        summary = _("Checked, nothing changed: %(s)s") % {"s": words}
    else:
        summary = _("Applied: %(s)s") % {"s": words}
    return JobOutcome(
        summary=summary,
        details=outcome_details(result),
        file_name=f"{spec.what}-changes{'-check' if dry_run else ''}.csv",
        file_content=write_csv([spec.key or "record", "change"], result.change_rows()),
    )

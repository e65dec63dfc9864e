"""Background jobs with progress: start one from a view, run it in `tatara db_worker`.

    job = start_job(actor=request.user, kind="organisation.people_import", label=...,
                    org_unit=unit, runner="tatara.core.tabular.jobs.run_import_job",
                    input_file=upload, params={"as_of": "2026-04-01"})
    return redirect("job", pk=job.pk)

`start_job` stores a `Job` and, once the transaction commits, enqueues the one generic task
(`core.tasks.run_job`). The worker then calls the runner as `runner(job=job, report=report)`,
where `report(done, total, message)` records progress. The runner acts as the job's creator
(`job.created_by`): the services it calls check the permission gate as they would in a request.
It returns a `JobOutcome` (a summary, JSON details, optionally a file to download), or raises:
`ImportRejected` fails the job with its errors listed, anything else with a generic message.
A runner should write in one transaction, so that a job that fails has changed nothing.

Live progress is not written to the database: the work of a job usually runs in one
all-or-nothing transaction, and a row updated inside it is invisible to the page polling it
until commit (on SQLite another connection could not even write while it runs). `report()`
writes a small JSON file next to the job's files at most every `PROGRESS_INTERVAL` seconds;
the row keeps the state at start and end. See docs/decisions/0008-background-jobs.md.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from tatara.core.models import Job, JobStatus
from tatara.core.permissions import SystemActor
from tatara.core.tabular import ImportRejected

logger = logging.getLogger(__name__)

PROGRESS_INTERVAL = 0.5  # seconds between two progress writes
MAX_STORED_ERRORS = 1000  # errors kept on the job; the count says how many there were
RUNNER_PREFIX = "tatara."  # runners are project code, never a path from elsewhere


class Reporter(Protocol):
    def __call__(self, done: int, total: int, message: str = "") -> None: ...


@dataclass
class JobOutcome:
    """What a runner returns: a one-line summary for people, JSON details, an optional file."""

    summary: str
    details: dict[str, Any] = field(default_factory=dict)
    file_name: str | None = None
    file_content: bytes | None = None


class Runner(Protocol):
    def __call__(self, *, job: Job, report: Reporter) -> JobOutcome: ...


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    message: str

    @property
    def percent(self) -> int | None:
        """0–100, or None while the total is not known yet."""
        if self.total <= 0:
            return None
        return max(0, min(100, int(self.done * 100 / self.total)))


# --- starting ---------------------------------------------------------------------------------


def load_runner(path: str) -> Runner:
    if not path.startswith(RUNNER_PREFIX):
        raise ImproperlyConfigured(f"job runners live in the project: {path!r}")
    runner: Runner = import_string(path)
    return runner


def start_job(
    *,
    actor: Any,
    kind: str,
    label: str,
    org_unit: Any,
    runner: str,
    input_file: File[Any] | None = None,
    params: dict[str, Any],
    system_job: bool = False,
) -> Job:
    """Store a job and queue it to run once the current transaction commits.

    `actor` is the user whose permissions the job runs with. With `system_job=True` it is a
    `SystemActor` instead, for work that Tatara starts itself (re-screening after a list
    update): such a job has no creator, runs as that actor (`job_actor`), and is seen only by
    people who may `<area>.view` on `org_unit`."""
    system_actor = ""
    if system_job:
        if not isinstance(actor, SystemActor):
            raise ValueError("a system job is started by a SystemActor")
        system_actor = actor.label[:60] or "system"
    elif getattr(actor, "pk", None) is None:
        raise ValueError("a job is started by a user, whose permissions it runs with")
    if "." not in kind:
        raise ValueError(f"job kinds are namespaced ('organisation.people_import'), got {kind!r}")
    load_runner(runner)  # fail here, in the request, rather than later in the worker
    job = Job(
        kind=kind,
        label=label[:200],
        created_by=None if system_actor else actor,
        system_actor=system_actor,
        org_unit=org_unit,
        runner=runner,
        params=params,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        message=_("Waiting to start"),
    )
    with transaction.atomic():
        if input_file is not None:
            name = Path(getattr(input_file, "name", "") or "input").name
            job.input_file.save(name, input_file, save=False)
        job.save()
        transaction.on_commit(partial(_enqueue, job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from tatara.core.tasks import run_job

    try:
        result = run_job.enqueue(job_id)
    except Exception as exc:
        logger.error("job %s could not be queued (%s)", job_id, type(exc).__name__)
        Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.FAILED,
            finished_at=timezone.now(),
            message=_("The job could not be queued. Please try again later."),
        )
        return
    Job.objects.filter(pk=job_id).update(task_id=str(result.id)[:64])


# --- running (inside the worker) ---------------------------------------------------------------


def job_actor(job: Job) -> Any:
    """Whom a runner acts as: the job's creator, or the system actor that started it."""
    if job.system_actor:
        return SystemActor(job.system_actor)
    return job.created_by


class ProgressReporter:
    """The `report(done, total, message)` given to a runner: remembers the latest values and
    writes them out at most every PROGRESS_INTERVAL seconds (and whenever the message
    changes or the work is complete), so that a runner may call it for every row."""

    def __init__(self, job: Job, interval: float = PROGRESS_INTERVAL) -> None:
        self.job_id = job.pk
        self.interval = interval
        self.latest = Progress(job.progress_done, job.progress_total, job.message)
        self._written_at = 0.0
        self._written_message: str | None = None

    def __call__(self, done: int, total: int, message: str = "") -> None:
        message = str(message or self.latest.message)[:300]
        self.latest = Progress(max(0, int(done)), max(0, int(total)), message)
        now = time.monotonic()
        if (
            now - self._written_at >= self.interval
            or message != self._written_message
            or (total > 0 and done >= total)
        ):
            write_progress(self.job_id, self.latest)
            self._written_at, self._written_message = now, message


def _progress_path(job_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "jobs" / "progress" / f"{int(job_id)}.json"


def write_progress(job_id: int, progress: Progress) -> None:
    """Replace the job's progress file in one step, so that a reader never sees half of it."""
    path = _progress_path(job_id)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"done": progress.done, "total": progress.total, "message": progress.message}
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{job_id}.", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False)
        os.replace(temporary, path)
    except OSError as exc:  # progress is a courtesy: never fail the job over it
        logger.warning("job %s: progress not written (%s)", job_id, type(exc).__name__)


def _forget_progress(job_id: int) -> None:
    try:
        _progress_path(job_id).unlink(missing_ok=True)
    except OSError as exc:
        logger.warning("job %s: progress file left behind (%s)", job_id, type(exc).__name__)


def read_progress(job: Job) -> Progress:
    """The job's progress: live while it runs, else as stored on the row."""
    stored = Progress(job.progress_done, job.progress_total, job.message)
    if job.status != JobStatus.RUNNING:
        return stored
    try:
        data = json.loads(_progress_path(job.pk).read_text(encoding="utf-8"))
        return Progress(int(data["done"]), int(data["total"]), str(data["message"]))
    except (OSError, ValueError, KeyError, TypeError):
        return stored


def execute(job_id: int) -> str:
    """Run one queued job to its end (called by the task). Returns the final status."""
    language = Job.objects.filter(pk=job_id).values_list("language", flat=True).first()
    with translation.override(language or settings.LANGUAGE_CODE):
        # claimed in one statement, so that a task delivered twice runs the job once
        if not Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, started_at=timezone.now(), message=_("Started")
        ):
            logger.warning("job %s is not waiting to run; not started again", job_id)
            return "skipped"
        job = Job.objects.select_related("created_by", "org_unit").get(pk=job_id)
        logger.info("job %s (%s) started", job.pk, job.kind)
        reporter = ProgressReporter(job)
        try:
            if not job.system_actor and (job.created_by is None or not job.created_by.is_active):
                raise PermissionDenied("the job's creator is gone or inactive")
            outcome = load_runner(job.runner)(job=job, report=reporter)
        except ImportRejected as exc:
            _finish_rejected(job, reporter.latest, exc)
        except PermissionDenied:
            _finish(
                job,
                JobStatus.FAILED,
                reporter.latest,
                _("Refused: the person who started this job may not do this."),
                {"summary": "", "errors": []},
            )
        except Exception as exc:
            # The traceback's frames go to the server log; the exception's text does not, as
            # it may quote the data (a name, an e-mail address) that the job was working on.
            logger.error(
                "job %s (%s) failed: %s\n%s",
                job.pk,
                job.kind,
                type(exc).__name__,
                "".join(traceback.format_tb(exc.__traceback__)).rstrip(),
            )
            _finish(
                job,
                JobStatus.FAILED,
                reporter.latest,
                _(
                    "The job stopped because of an internal error; the details are in the server log."
                ),
                {"summary": "", "errors": []},
            )
        else:
            _finish_succeeded(job, reporter.latest, outcome)
        finally:
            _forget_progress(job.pk)
    logger.info("job %s (%s) %s", job.pk, job.kind, job.status)
    try:
        purge_files()
    except Exception:  # a file that cannot be removed now is removed after a later job
        logger.exception("removing old job files failed")
    return str(job.status)


def retention_days() -> int:
    """How long a finished job keeps its files (settings.TATARA_JOB_FILE_RETENTION_DAYS)."""
    return int(getattr(settings, "TATARA_JOB_FILE_RETENTION_DAYS", 30))


def purge_files(*, days: int | None = None, now: Any = None) -> int:
    """Delete the uploaded input and the result file of every job that finished more than
    `days` (default `retention_days()`) ago (an HR master, a customer list: personal data no one needs once
    imported); the job itself, its counts and errors stay. Runs after every job; `tatara
    jobs purge-files` runs it by hand. Returns the number of files deleted."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=retention_days() if days is None else days)
    old = Job.objects.filter(finished_at__lt=cutoff).filter(~Q(input_file="") | ~Q(result_file=""))
    deleted = 0
    for job in old.only("pk", "input_file", "result_file", "result"):
        for name in ("input_file", "result_file"):
            stored = getattr(job, name)
            if stored:
                stored.delete(save=False)
                deleted += 1
        job.result = {**(job.result or {}), "files_deleted": timezone.now().isoformat()}
        job.save(update_fields=["input_file", "result_file", "result"])
    return deleted


def _finish(
    job: Job,
    status: str,
    progress: Progress,
    message: str,
    result: dict[str, Any],
    fields: Iterable[str] = (),
) -> None:
    job.status = status
    job.progress_done, job.progress_total = progress.done, progress.total
    job.message = message[:300]
    job.result = result
    job.finished_at = timezone.now()
    job.save(
        update_fields=[
            "status",
            "progress_done",
            "progress_total",
            "message",
            "result",
            "finished_at",
            *fields,
        ]
    )


def _finish_rejected(job: Job, progress: Progress, exc: ImportRejected) -> None:
    errors = exc.errors[:MAX_STORED_ERRORS]
    result = {
        "summary": "",
        "errors": [str(e) for e in errors],
        "error_details": [
            {
                "file": e.file,
                "sheet": e.sheet,
                "row": e.row,
                "column": e.column,
                "message": e.message,
            }
            for e in errors
        ],
        "error_count": len(exc.errors),
    }
    _finish(
        job,
        JobStatus.FAILED,
        progress,
        _("The file was refused. Nothing was changed."),
        result,
    )


def _finish_succeeded(job: Job, progress: Progress, outcome: JobOutcome) -> None:
    fields: list[str] = []
    result: dict[str, Any] = {"summary": outcome.summary, "errors": [], **outcome.details}
    if outcome.file_name and outcome.file_content is not None:
        file_name = Path(outcome.file_name).name
        job.result_file.save(file_name, ContentFile(outcome.file_content), save=False)
        result["file_name"] = file_name
        fields.append("result_file")
    if progress.total > 0:
        progress = Progress(progress.total, progress.total, progress.message)
    _finish(
        job,
        JobStatus.SUCCEEDED,
        progress,
        _("Finished."),
        result,
        fields,
    )


# --- reading ---------------------------------------------------------------------------------

# How a kind words its label and summary in the reader's language, from its params and result
# (a job's stored label and summary are in the language of whoever started it; a system job's
# in the default language). Kinds without a wording show what is stored.
Wording = Callable[[Job], tuple[str, str]]
_WORDINGS: dict[str, Wording] = {}


def register_wording(kind: str, wording: Wording) -> None:
    _WORDINGS[kind] = wording


def wording_of(job: Job) -> tuple[str, str]:
    """(label, summary) of the job in the active language."""
    stored = (job.label, str((job.result or {}).get("summary", "") or ""))
    wording = _WORDINGS.get(job.kind)
    if wording is None:
        return stored
    try:
        label, summary = wording(job)
    except (KeyError, TypeError, ValueError):
        return stored
    return label or stored[0], (summary if job.status == JobStatus.SUCCEEDED else stored[1])


def _may_see(viewer: Any, job: Job) -> bool:
    if not getattr(viewer, "is_authenticated", False):
        return False
    if viewer.pk is not None and job.created_by_id == viewer.pk:
        return True
    return Job.objects.visible_to(viewer, f"{job.area}.view").filter(pk=job.pk).exists()


def visible_job(*, viewer: Any, pk: int) -> Job | None:
    """The job, if `viewer` started it or may `<area>.view` on its org unit; else None."""
    job = Job.objects.select_related("org_unit", "created_by").filter(pk=pk).first()
    if job is None or not _may_see(viewer, job):
        return None
    return job


def jobs_about(*, viewer: Any, limit: int = 5, **params: Any) -> list[Job]:
    """The latest jobs whose params hold these values (`list_version=12`: the jobs a list
    version started), of any kind, that `viewer` may see."""
    lookups = {f"params__{key}": value for key, value in params.items()}
    candidates = Job.objects.filter(**lookups).select_related("created_by")[: limit * 4]
    return [job for job in candidates if _may_see(viewer, job)][:limit]


def recent_jobs(*, viewer: Any, kind: str, limit: int = 5) -> QuerySet[Job]:
    """The latest jobs of a kind that `viewer` may see (their own and those in scope)."""
    area = kind.partition(".")[0]
    in_scope = Job.objects.visible_to(viewer, f"{area}.view").values("pk")
    mine = Q(created_by_id=viewer.pk) if viewer.pk is not None else Q(pk__in=[])
    return (
        Job.objects.filter(kind=kind)
        .filter(mine | Q(pk__in=in_scope))
        .select_related("created_by")
        .order_by("-created_at", "-id")[:limit]
    )

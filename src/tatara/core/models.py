"""Shared kernel models: fiscal years, domain audit events, login failures."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from tatara.core.scoping import ScopedQuerySet


class TranslatableModel(models.Model):
    """User-written text is stored in its original language; translations sit beside it.

    `translations` maps a language code to {field name: text}, e.g. {"ja": {"title": "…"}}.
    See docs/decisions/0003-bilingual-user-text.md.
    """

    language = models.CharField(_("original language"), max_length=8, default="en")
    translations = models.JSONField(_("translations"), default=dict, blank=True)

    class Meta:
        abstract = True

    def localized(self, field: str, language: str | None = None) -> Any:
        if language and language != self.language:
            text = (self.translations or {}).get(language, {}).get(field)
            if text:
                return text
        return getattr(self, field)


class FiscalYear(models.Model):
    """A fiscal year, named by the calendar year it starts in (FY2019 = Apr 2019 – Mar 2020)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    # A closed year is a record (core.year_lock): every write of its records is refused until a
    # reopening, asked for with a reason and approved by a second person, is open.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by_label = models.CharField(_("closed by"), max_length=150, blank=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("fiscal year")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gt=models.F("start_date")),
                name="fiscal_year_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"FY{self.year}"

    @property
    def label(self) -> str:
        return f"FY{self.year}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class ReopeningStatus(models.TextChoices):
    REQUESTED = "requested", _("Awaiting a second approval")
    OPEN = "open", _("Reopened")
    ENDED = "ended", _("Closed again")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class YearReopening(models.Model):
    """A decision to reopen a closed fiscal year for corrections: asked for with a reason,
    approved by another person, ended when the year is closed again. Every change made while
    it is open is an AuditEvent "fiscal.changed_while_reopened" pointing at it."""

    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.PROTECT, related_name="reopenings", verbose_name=_("year")
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ReopeningStatus.choices,
        default=ReopeningStatus.REQUESTED,
        db_index=True,
    )
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_by_label = models.CharField(_("asked for by"), max_length=150)
    requested_at = models.DateTimeField(_("asked for"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by_label = models.CharField(_("approved by"), max_length=150, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    ended_by_label = models.CharField(_("closed again by"), max_length=150, blank=True)
    ended_at = models.DateTimeField(_("closed again"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = None  # group-wide: a fiscal year is the whole group's

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("reopening of a fiscal year")
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="reopening_has_reason"),
            models.UniqueConstraint(
                fields=["fiscal_year"],
                condition=models.Q(status__in=["requested", "open"]),
                name="reopening_one_pending_per_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year} reopening ({self.status})"


class AuditEvent(models.Model):
    """A domain event written explicitly by a service ("initiative rated", "year carried forward").

    Row-level before/after changes are kept by django-simple-history on each model; these events
    say what happened in business terms, and who did it, from the web, the API, the CLI or a job.
    """

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(max_length=150, blank=True)
    verb = models.CharField(max_length=80, db_index=True)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_id = models.CharField(max_length=64, blank=True, db_index=True)
    target_repr = models.CharField(max_length=300, blank=True)
    org_unit = models.ForeignKey(
        "organisation.OrgUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "org_unit"

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.verb} {self.target_repr}"


class LoginFailure(models.Model):
    """One failed login; recent rows per username or address throttle further attempts."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    username = models.CharField(max_length=150, db_index=True)
    address = models.CharField(max_length=64, blank=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.username} @ {self.address} {self.created_at:%Y-%m-%d %H:%M}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class Job(models.Model):
    """A piece of work run in the background by `tatara db_worker` (see core/jobs.py).

    `kind` is "<area>.<what>" ("organisation.people_import"); who may see the job besides its
    creator follows from it: `<area>.view` on `org_unit`. `runner` is the dotted path of the
    function that does the work; `params` are its JSON arguments. While the job runs, its live
    progress is kept beside its files (core.jobs.read_progress); the row holds the final state.
    """

    kind = models.CharField(_("kind"), max_length=80, db_index=True)
    label = models.CharField(_("label"), max_length=200)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=JobStatus.choices,
        default=JobStatus.QUEUED,
        db_index=True,
    )
    progress_done = models.PositiveIntegerField(_("done"), default=0)
    progress_total = models.PositiveIntegerField(_("total"), default=0)
    message = models.CharField(_("message"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("started by"),
    )
    # Jobs that Tatara starts itself (re-screening after a list update) have no creator: they
    # run as this system actor, named in the audit trail ("system:list-update").
    system_actor = models.CharField(_("started by the system as"), max_length=60, blank=True)
    org_unit = models.ForeignKey(
        "organisation.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("organisation unit"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    runner = models.CharField(max_length=200)
    params = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=8, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    result_file = models.FileField(
        _("result file"), upload_to="jobs/results/%Y/%m/", max_length=255, blank=True
    )
    input_file = models.FileField(
        _("input file"), upload_to="jobs/inputs/%Y/%m/", max_length=255, blank=True
    )

    objects = ScopedQuerySet.as_manager()
    scope_field = "org_unit"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("job")

    def __str__(self) -> str:
        return f"{self.label} ({self.status})"

    @property
    def area(self) -> str:
        return self.kind.partition(".")[0]

    @property
    def is_finished(self) -> bool:
        return self.status in {JobStatus.SUCCEEDED, JobStatus.FAILED}

    @property
    def display_label(self) -> str:
        """The label in the reader's language (core.jobs.register_wording), else as stored."""
        from tatara.core.jobs import wording_of

        return wording_of(self)[0]

    @property
    def display_summary(self) -> str:
        from tatara.core.jobs import wording_of

        return wording_of(self)[1]

    @property
    def started_by_label(self) -> str:
        """Who started it, for people: the user's name, or the system actor."""
        if self.created_by is not None:
            return self.created_by.get_full_name() or self.created_by.get_username()
        return self.system_actor or "—"

"""Screening lists: each official list, its dated versions (one per load) and their entries.

Lists are group-wide reference data (`scope_field = None`). A version is never edited after
its load except to be marked superseded; entries and names are written once, in bulk, and
never changed (no row history for them: the version is the history).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tatara.core.scoping import ScopedQuerySet
from tatara.screening.choices import (
    AlertStatus,
    EntryKind,
    ListSource,
    NameQuality,
    VersionStatus,
)
from tatara.screening.signals import ListDiff


class ScreeningList(models.Model):
    source = models.CharField(_("source"), max_length=20, choices=ListSource.choices, unique=True)
    name = models.CharField(_("name"), max_length=200)
    active_version = models.ForeignKey(
        "ListVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("active version"),
    )

    objects = ScopedQuerySet.as_manager()
    scope_field = None  # group-wide reference data
    history = HistoricalRecords()

    class Meta:
        ordering = ["source"]
        verbose_name = _("screening list")

    def __str__(self) -> str:
        return self.name


class ListVersion(models.Model):
    """One load of a list's file(s): what was read, when, by whom, and how it differs from
    the version it replaced."""

    screening_list = models.ForeignKey(
        ScreeningList, on_delete=models.PROTECT, related_name="versions", verbose_name=_("list")
    )
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("loaded by"),
    )
    loaded_by_label = models.CharField(_("loaded by (name)"), max_length=150, blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the main file"), max_length=64)
    files = models.JSONField(
        _("files read"), default=list, blank=True, help_text=_("name, sha256, size, encoding")
    )
    published = models.DateField(_("published"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=VersionStatus.choices, default=VersionStatus.ACTIVE
    )
    entry_count = models.PositiveIntegerField(_("entries"), default=0)
    name_count = models.PositiveIntegerField(_("names"), default=0)
    added_count = models.PositiveIntegerField(_("added"), default=0)
    removed_count = models.PositiveIntegerField(_("removed"), default=0)
    changed_count = models.PositiveIntegerField(_("changed"), default=0)
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("previous version"),
    )
    diff = models.JSONField(
        _("changes against the previous version"),
        default=dict,
        blank=True,
        help_text=_("entry ids added, removed and changed"),
    )

    objects = ScopedQuerySet.as_manager()
    scope_field = None
    history = HistoricalRecords(excluded_fields=["diff", "files"])

    class Meta:
        ordering = ["screening_list", "-loaded_at", "-pk"]
        verbose_name = _("list version")
        indexes = [
            models.Index(fields=["status", "screening_list"], name="screening_version_status")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["screening_list"],
                condition=models.Q(status="active"),
                name="screening_one_active_version_per_list",
            )
        ]

    def __str__(self) -> str:
        when = self.published or (self.loaded_at.date() if self.loaded_at else "")
        return f"{self.screening_list.source} {when} ({self.entry_count} entries)"

    @property
    def changes(self) -> ListDiff:
        """The diff against the previous version, as stored with this one."""
        return ListDiff.from_json(self.diff or {}, self.previous_id)


class ListEntry(models.Model):
    """One entry of one version, as the parser read it (`raw` keeps the whole ListRecord)."""

    version = models.ForeignKey(
        ListVersion, on_delete=models.CASCADE, related_name="entries", verbose_name=_("version")
    )
    entry_id = models.CharField(_("list's entry id"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices)
    name = models.TextField(_("primary name"))
    countries = models.JSONField(_("countries"), default=list, blank=True)
    birth_dates = models.JSONField(
        _("dates of birth"), default=list, blank=True, help_text=_('"1971-05-03", "1971", "~1960"')
    )
    programmes = models.JSONField(_("programmes"), default=list, blank=True)
    remarks = models.TextField(_("remarks"), blank=True)
    fingerprint = models.CharField(
        _("fingerprint"),
        max_length=40,
        help_text=_("hash of what screening uses (names, kind, countries, dates, programmes)"),
    )
    identity = models.CharField(
        _("identity"),
        max_length=40,
        blank=True,
        help_text=_(
            "hash of who the entry is (names, countries, dates of birth, identifiers): "
            "the key of remembered clearings (namesakes.py)"
        ),
    )
    raw = models.JSONField(_("record as read"), default=dict)

    objects = ScopedQuerySet.as_manager()
    scope_field = None

    class Meta:
        ordering = ["version", "entry_id"]
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "entry_id"], name="screening_entry_id_unique_in_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.name}"


class EntryName(models.Model):
    """Every name of an entry: the primary name and each alias, with quality and script."""

    entry = models.ForeignKey(
        ListEntry, on_delete=models.CASCADE, related_name="names", verbose_name=_("entry")
    )
    name = models.TextField(_("name"))
    quality = models.CharField(
        _("quality"), max_length=6, choices=NameQuality.choices, default=NameQuality.STRONG
    )
    script = models.CharField(_("script"), max_length=20, default="latin")
    name_type = models.CharField(_("name type"), max_length=10, default="aka")
    is_primary = models.BooleanField(_("primary name"), default=False)

    objects = ScopedQuerySet.as_manager()
    scope_field = None

    class Meta:
        ordering = ["entry", "-is_primary", "pk"]
        verbose_name = _("entry name")

    def __str__(self) -> str:
        return self.name


class BatchScreening(models.Model):
    """A file of names screened in one batch (batch.py), kept for review: the names with an
    alert are its `alerts`; the counts cover every row. Owned by the unit whose names they are
    (the customer master of a company, say): people see and review it within their scope."""

    org_unit = models.ForeignKey(
        "organisation.OrgUnit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner unit"),
    )
    job = models.OneToOneField(
        "core.Job",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="batch_screening",
        verbose_name=_("job"),
    )
    file_name = models.CharField(_("file"), max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("screened by"),
    )
    created_by_label = models.CharField(_("screened by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("screened at"), auto_now_add=True)
    list_versions = models.JSONField(_("list versions"), default=list, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "org_unit"

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("batch screening")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d})"


class BatchAlert(models.Model):
    """A row of a batch screening with at least one hit at or above the alert threshold, and
    the officer's review of it: cleared (not the listed party, with a reason) or confirmed.
    Clearing a strong hit waits for a second approval by another user."""

    batch = models.ForeignKey(
        BatchScreening, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("batch")
    )
    row = models.PositiveIntegerField(_("row"))
    name = models.CharField(_("name"), max_length=500)
    country = models.CharField(_("country"), max_length=100, blank=True)
    date_of_birth = models.CharField(_("date of birth"), max_length=20, blank=True)
    kind = models.CharField(_("kind"), max_length=20, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10)  # review | strong
    best_score = models.FloatField(_("best score"))
    hits = models.JSONField(_("hits"), default=list)  # HitView.to_json(), best first
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AlertStatus.choices,
        default=AlertStatus.PENDING,
        db_index=True,
    )
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_by_label = models.CharField(_("decided by"), max_length=150, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_by_label = models.CharField(_("approved by"), max_length=150, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "batch__org_unit"
    history = HistoricalRecords()

    class Meta:
        ordering = ["batch", "-best_score", "row"]
        verbose_name = _("batch screening alert")
        indexes = [models.Index(fields=["batch", "status"], name="screening_alert_batch_status")]

    def __str__(self) -> str:
        return f"{self.batch_id} row {self.row}: {self.name}"

    def get_absolute_url(self) -> str:
        url = reverse("screening:batch-review", args=[self.batch_id])
        return f"{url}?status=all#alert-{self.pk}"

    @property
    def is_strong(self) -> bool:
        return self.outcome == "strong"


class ClearedMatch(models.Model):
    """A party cleared as "not a match" against one list entry, remembered so that the same
    party does not alert on the same entry again (namesakes.py, decision 0019).

    The key: the company that cleared it (`company`, the company-level unit above where the
    decision was made, or the group's root for a group-level decision), the party
    (`subject`: "name:<fingerprint>" for a batch row, "party:<pk>:<fingerprint>" for an
    export-control party; the fingerprint covers the names, country and date of birth) and
    the entry (`source`, `list_entry_id` and `entry_identity`, the hash of the entry's names,
    countries, dates of birth and identifiers). A change on either side changes the key.
    `decision` is the batch alert or export-control decision that cleared it; `org_unit`
    (its unit) is the scope. A reversal (a confirmed match, a block) sets `revoked_at`: the
    row stays, no longer silencing anything."""

    org_unit = models.ForeignKey(
        "organisation.OrgUnit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("unit of the decision"),
    )
    company = models.ForeignKey(
        "organisation.OrgUnit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("company"),
        help_text=_("The company whose screenings this clearing silences."),
    )
    subject = models.CharField(_("party key"), max_length=100)
    subject_kind = models.CharField(_("party kind"), max_length=10)  # name | party
    party_id = models.PositiveIntegerField(_("export-control party"), null=True, blank=True)
    subject_name = models.CharField(_("party"), max_length=500)
    subject_details = models.CharField(_("country and date of birth"), max_length=200, blank=True)
    source = models.CharField(_("list"), max_length=20)
    list_entry_id = models.CharField(_("list's entry id"), max_length=200)
    entry_identity = models.CharField(_("entry identity"), max_length=40, blank=True)
    matched_name = models.TextField(_("matched name"), blank=True)
    score = models.FloatField(_("score"), default=0.0)
    decision_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided in")
    )
    decision_id = models.PositiveIntegerField(_("decision"))
    decision = GenericForeignKey("decision_type", "decision_id")
    decision_label = models.CharField(
        _("decision of"),
        max_length=300,
        blank=True,
        help_text=_("The batch and row, or the transaction."),
    )
    reason = models.TextField(_("reason"), blank=True)
    decided_by_label = models.CharField(_("decided by"), max_length=150, blank=True)
    decided_at = models.DateTimeField(_("decided at"))
    approved_by_label = models.CharField(_("approved by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("remembered at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("reversed at"), null=True, blank=True)
    revoked_by_label = models.CharField(_("reversed by"), max_length=150, blank=True)
    revoked_reason = models.TextField(_("why reversed"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "org_unit"
    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = _("cleared namesake")
        indexes = [
            models.Index(fields=["company", "subject"], name="screening_cleared_key"),
            models.Index(fields=["decision_type", "decision_id"], name="screening_cleared_by"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "subject", "source", "list_entry_id", "entry_identity"],
                condition=models.Q(revoked_at=None),
                name="screening_one_active_clearing",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject_name} ≠ {self.source} {self.list_entry_id}"

    @property
    def in_force(self) -> bool:
        return self.revoked_at is None

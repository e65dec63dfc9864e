"""Screening lists: each official list, its dated versions (one per load) and their entries.

Lists are group-wide reference data (`scope_field = None`). A version is never edited after
its load except to be marked superseded; entries and names are written once, in bulk, and
never changed (no row history for them: the version is the history).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tatara.core.scoping import ScopedQuerySet
from tatara.screening.choices import EntryKind, ListSource, NameQuality, VersionStatus
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

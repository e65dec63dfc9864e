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

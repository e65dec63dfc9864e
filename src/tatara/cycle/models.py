"""The yearly CSR cycle: subjects, the cycle of each fiscal year, initiatives and measures."""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tatara.core.models import FiscalYear, TranslatableModel
from tatara.core.scoping import ScopedQuerySet
from tatara.cycle.choices import Column, Phase, Rating, Status, stars
from tatara.organisation.models import OrgUnit


class Subject(TranslatableModel):
    """A subject of the CSR table: the ISO 26000 core subjects and two framework items."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    iso26000_clause = models.CharField(_("ISO 26000 clause"), max_length=10)
    iso26000_title = models.CharField(_("ISO 26000 title"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = None  # group-wide reference data
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = _("subject")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class CycleYear(models.Model):
    """The CSR cycle of one fiscal year: its phase and the deadline of each phase."""

    fiscal_year = models.OneToOneField(FiscalYear, on_delete=models.PROTECT, related_name="cycle")
    phase = models.CharField(
        _("phase"), max_length=20, choices=Phase.choices, default=Phase.PLANNING
    )
    plan_due = models.DateField(_("plan approval due"), null=True, blank=True)
    results_due = models.DateField(_("results and self-assessment due"), null=True, blank=True)
    review_due = models.DateField(_("review by the CSR office due"), null=True, blank=True)
    opened_from = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opened_next",
        verbose_name=_("carried forward from"),
    )
    note = models.TextField(_("note"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = None
    history = HistoricalRecords()

    class Meta:
        ordering = ["-fiscal_year__year"]
        verbose_name = _("cycle year")

    def __str__(self) -> str:
        return str(self.fiscal_year)

    @property
    def year(self) -> int:
        return self.fiscal_year.year

    def due_for(self, phase: str | None = None) -> object:
        due: dict[str, object] = {
            Phase.PLANNING: self.plan_due,
            Phase.EXECUTION: self.results_due,
            Phase.REVIEW: self.review_due,
        }
        return due.get(phase or self.phase)


class Initiative(TranslatableModel):
    """One rated row of the year's table: planned measures, results, rating, next year's plan."""

    cycle = models.ForeignKey(
        CycleYear, on_delete=models.PROTECT, related_name="initiatives", verbose_name=_("year")
    )
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="initiatives", verbose_name=_("subject")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    owner_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="initiatives", verbose_name=_("owner unit")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    proposed_rating = models.PositiveSmallIntegerField(
        _("proposed self-assessment"),
        choices=Rating.choices,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
    )
    rating = models.PositiveSmallIntegerField(
        _("self-assessment"),
        choices=Rating.choices,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
    )
    review_note = models.TextField(_("review note"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Who did the first step of each two-person decision (core.approvals): the plan's drafter
    # (the last to write the planned measures while a draft) and the rating's proposer. A user
    # row, or for the command line and jobs only the label ("cli:alice").
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("plan drafted by"),
    )
    drafted_by_label = models.CharField(_("plan drafted by"), max_length=150, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("rating proposed by"),
    )
    proposed_by_label = models.CharField(_("rating proposed by"), max_length=150, blank=True)
    # Why the CSR office approved a plan it drafted, or confirmed a rating it proposed itself
    # (segregation of duties waived with a recorded reason; empty otherwise).
    plan_waiver = models.TextField(_("why the drafter approved the plan"), blank=True)
    rating_waiver = models.TextField(_("why the proposer confirmed the rating"), blank=True)
    predecessor = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="successor",
        verbose_name=_("previous year's initiative"),
    )

    objects = ScopedQuerySet.as_manager()
    scope_field = "owner_unit"
    history = HistoricalRecords()

    class Meta:
        ordering = ["cycle", "subject__number", "position", "pk"]
        verbose_name = _("initiative")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=3) | models.Q(rating__isnull=True),
                name="initiative_rating_1_3",
            ),
            models.CheckConstraint(
                condition=models.Q(proposed_rating__gte=1, proposed_rating__lte=3)
                | models.Q(proposed_rating__isnull=True),
                name="initiative_proposed_rating_1_3",
            ),
        ]

    def __str__(self) -> str:
        return f"FY{self.cycle.fiscal_year.year} {self.subject.number}.{self.position}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("cycle:initiative", args=[self.pk])

    @property
    def stars(self) -> str:
        return stars(self.rating)

    def items(self, column: str) -> list[Measure]:
        """Measures of one column, in order (uses the prefetch cache when present)."""
        return sorted(
            (m for m in self.measures.all() if m.column == column), key=lambda m: m.position
        )

    @property
    def planned(self) -> list[Measure]:
        return self.items(Column.PLANNED)

    @property
    def results(self) -> list[Measure]:
        return self.items(Column.RESULT)

    @property
    def next_planned(self) -> list[Measure]:
        return self.items(Column.NEXT)


class Measure(models.Model):
    """One item of a table cell. Planned measures carried from last year's plan point at it;
    a measure reviewed after its plan was approved is marked revised (its old text stays in
    the row history)."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="measures")
    column = models.CharField(max_length=10, choices=Column.choices)
    position = models.PositiveSmallIntegerField(default=1)
    text = models.TextField(_("text"))
    carried_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_to",
        verbose_name=_("carried from"),
    )
    revised = models.BooleanField(_("revised"), default=False)

    objects = ScopedQuerySet.as_manager()
    scope_field = "initiative__owner_unit"
    history = HistoricalRecords()

    class Meta:
        ordering = ["initiative", "column", "position"]
        verbose_name = _("measure")

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def ongoing(self) -> bool:
        """Marked as continuing: "(ongoing)", or "（継続）" / "(継続中)" in Japanese text."""
        text = unicodedata.normalize("NFKC", self.text).rstrip().lower()
        return text.endswith(("(ongoing)", "(継続)", "(継続中)"))


def evidence_path(instance: Evidence, filename: str) -> str:
    return f"evidence/cycle/{instance.initiative_id}/{filename}"


class Evidence(models.Model):
    """A file supporting an initiative's results."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path)
    description = models.CharField(_("description"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "initiative__owner_unit"

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("evidence file")

    def __str__(self) -> str:
        return self.description or self.file.name

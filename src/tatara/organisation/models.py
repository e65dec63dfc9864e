"""The organisation tree, people and role assignments."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tatara.core.models import TranslatableModel
from tatara.core.scoping import ScopedQuerySet
from tatara.organisation.choices import ALLOWED_PARENTS, EmploymentType, UnitKind
from tatara.organisation.roles import Role


class OrgUnit(TranslatableModel):
    """A node of the group's tree. `path` ("/1/4/9/") is maintained by services.move/create
    and lets scope checks find descendants with one indexed prefix match."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    country = models.CharField(
        _("country"), max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2")
    )
    consolidated = models.BooleanField(
        _("consolidated"),
        default=True,
        help_text=_("Counts toward group (consolidated) figures."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    in_group_from = models.DateField(
        _("in the group from"),
        null=True,
        blank=True,
        help_text=_("Day the unit joined the group (acquired, founded); empty: always."),
    )
    in_group_until = models.DateField(
        _("in the group until"),
        null=True,
        blank=True,
        help_text=_("Last day in the group (sold, closed); empty: still in the group."),
    )

    objects = ScopedQuerySet.as_manager()
    scope_field = "pk"
    history = HistoricalRecords()

    class Meta:
        ordering = ["path"]
        verbose_name = _("organisation unit")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        parent_kind = self.parent.kind if self.parent is not None else None
        if self.kind and parent_kind not in ALLOWED_PARENTS[self.kind]:
            raise ValidationError(
                {
                    "parent": _("A %(kind)s cannot sit under %(parent)s.")
                    % {"kind": self.get_kind_display(), "parent": parent_kind or _("nothing")}
                }
            )

    def company(self) -> OrgUnit | None:
        """The nearest company at or above this unit."""
        unit: OrgUnit | None = self
        while unit is not None and unit.kind != UnitKind.COMPANY:
            unit = unit.parent
        return unit

    def in_group_during(self, start: dt.date, end: dt.date) -> bool:
        """Whether the unit belonged to the group at any time from `start` to `end`."""
        joined = self.in_group_from is None or self.in_group_from <= end
        not_left = self.in_group_until is None or self.in_group_until >= start
        return joined and not_left

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]


class Person(models.Model):
    """An employee as known from the HR master. Changes arrive as joiners, movers and leavers."""

    employee_number = models.CharField(_("employee number"), max_length=40, unique=True)
    full_name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="people", verbose_name=_("unit")
    )
    job_level = models.CharField(_("job level"), max_length=60, blank=True)
    employment_type = models.CharField(
        _("employment type"),
        max_length=20,
        choices=EmploymentType.choices,
        default=EmploymentType.REGULAR,
    )
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    leave_date = models.DateField(_("leave date"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, default="ja")
    is_active = models.BooleanField(_("employed"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )

    objects = ScopedQuerySet.as_manager()
    scope_field = "org_unit"
    history = HistoricalRecords()

    class Meta:
        ordering = ["employee_number"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return f"{self.full_name} ({self.employee_number})"


class RoleAssignment(models.Model):
    """A role granted to a user on an org unit, with or without the unit's descendants."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("unit")
    )
    include_descendants = models.BooleanField(_("includes units below"), default=True)
    active = models.BooleanField(default=True)
    granted_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "org_unit"
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role assignment")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "org_unit"], name="unique_role_per_unit"
            ),
        ]

    def __str__(self) -> str:
        scope = _("and below") if self.include_descendants else _("only")
        return f"{self.user} — {self.get_role_display()} @ {self.org_unit} ({scope})"

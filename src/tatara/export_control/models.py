"""Export control: Japan's list rows and country groups (reference data), and each org unit's
items, parties, transactions, screening runs and decisions.

See docs/areas/export_control.md for the rules and docs/decisions/0013-export-control-assessment.md.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tatara.core.models import TranslatableModel
from tatara.core.scoping import ScopedQuerySet
from tatara.export_control.choices import (
    ApprovalGround,
    CountryGroup,
    DecisionKind,
    ItemKind,
    Outcome,
    PartyKind,
    PartyRole,
    ScreeningTrigger,
    TransactionKind,
    TransactionStatus,
)
from tatara.organisation.models import OrgUnit

CATCH_ALL_ROW = "16"


class ControlRow(TranslatableModel):
    """A row of the Export Trade Control Order's Appended Table 1 ("1" arms … "15" sensitive
    items, "16" catch-all). Shipped as data (data/control_rows.yaml)."""

    code = models.CharField(_("row"), max_length=8, unique=True)
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    source = models.TextField(_("source"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = None  # group-wide reference data
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("control list row")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_catch_all(self) -> bool:
        return self.code == CATCH_ALL_ROW


class Country(TranslatableModel):
    """A country or region by ISO 3166-1 alpha-2 code; its Japanese group is dated
    (CountryGroupPeriod)."""

    code = models.CharField(_("ISO code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=120)

    objects = ScopedQuerySet.as_manager()
    scope_field = None
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("country or region")
        verbose_name_plural = _("countries and regions")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CountryGroupPeriod(models.Model):
    """A country's group (A/B/C/D) and embargo flags from `valid_from` until the next row of
    the same country."""

    country = models.ForeignKey(
        Country, on_delete=models.CASCADE, related_name="periods", verbose_name=_("country")
    )
    group = models.CharField(_("group"), max_length=1, choices=CountryGroup.choices)
    arms_embargo = models.BooleanField(_("UN arms embargo"), default=False)
    embargo = models.BooleanField(_("export embargo"), default=False)
    valid_from = models.DateField(_("valid from"))
    source = models.TextField(_("source"), blank=True)
    note = models.TextField(_("note"), blank=True)
    verified = models.BooleanField(_("verified"), default=False)

    objects = ScopedQuerySet.as_manager()
    scope_field = None
    history = HistoricalRecords()

    class Meta:
        ordering = ["country__code", "valid_from"]
        verbose_name = _("country group period")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "valid_from"], name="export_country_group_dated"
            )
        ]

    def __str__(self) -> str:
        return f"{self.country_id} {self.group} from {self.valid_from}"


class Item(TranslatableModel):
    """Goods, a technology or software, with its classification under Japan's list control."""

    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner unit")
    )
    code = models.CharField(_("item code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    item_kind = models.CharField(
        _("kind"), max_length=20, choices=ItemKind.choices, default=ItemKind.GOODS
    )
    control_row = models.ForeignKey(
        ControlRow,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
        verbose_name=_("control list row"),
        help_text=_("Empty: not listed in rows 1–15."),
    )
    sub_item = models.CharField(_("sub-item"), max_length=200, blank=True)
    catch_all_applicable = models.BooleanField(
        _("catch-all applies"),
        default=True,
        help_text=_("Row 16: the item falls under catch-all control (most industrial goods do)."),
    )
    foreign_classifications = models.JSONField(
        _("foreign classifications"), default=dict, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "org_unit"
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("item")
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "code"], name="export_item_code_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_listed(self) -> bool:
        return self.control_row_id is not None and not self.control_row.is_catch_all  # type: ignore[union-attr]


class Party(TranslatableModel):
    """A customer, consignee, end user or intermediary; its name in any script, with aliases."""

    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner unit")
    )
    code = models.CharField(
        _("party code"),
        max_length=60,
        blank=True,
        help_text=_("The ERP's customer or partner number; unique within the owner unit."),
    )
    name = models.CharField(_("name"), max_length=300)
    party_kind = models.CharField(
        _("kind"), max_length=10, choices=PartyKind.choices, default=PartyKind.ENTITY
    )
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    address = models.TextField(_("address"), blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    date_of_birth = models.CharField(_("date of birth"), max_length=20, blank=True)
    identifiers = models.JSONField(_("identifiers"), default=dict, blank=True)
    roles = models.JSONField(_("roles"), default=list, blank=True)
    screened_at = models.DateTimeField(_("last screened"), null=True, blank=True)
    screening_outcome = models.CharField(_("last screening outcome"), max_length=10, blank=True)
    screening_hits = models.JSONField(_("last screening hits"), default=list, blank=True)
    screening_list_versions = models.JSONField(
        _("list versions of the last screening"), default=list, blank=True
    )

    objects = ScopedQuerySet.as_manager()
    scope_field = "org_unit"
    history = HistoricalRecords(
        excluded_fields=["screened_at", "screening_hits", "screening_list_versions"]
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit", "code"],
                condition=~models.Q(code=""),
                name="export_party_code_per_unit",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def all_names(self) -> list[str]:
        return [self.name, *[a for a in self.aliases or [] if a and a != self.name]]

    def active_block(self) -> PartyBlock | None:
        """The block in force on this party (services.block_party), or None."""
        found: PartyBlock | None = self.blocks.filter(lifted_at=None).first()
        return found


class Transaction(TranslatableModel):
    """A shipment, an order or a technology transfer: items, destination, parties, end use."""

    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner unit")
    )
    reference = models.CharField(_("reference"), max_length=60, unique=True)
    transaction_kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=TransactionKind.choices,
        default=TransactionKind.SHIPMENT,
    )
    date = models.DateField(_("date"))
    destination = models.CharField(_("destination country"), max_length=2)
    end_use = models.TextField(_("declared end use"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=TransactionStatus.choices,
        default=TransactionStatus.DRAFT,
    )
    shipped_on = models.DateField(_("shipped on"), null=True, blank=True)
    status_when_shipped = models.CharField(
        _("status when shipped"), max_length=20, choices=TransactionStatus.choices, blank=True
    )
    items: models.ManyToManyField[Item, TransactionLine] = models.ManyToManyField(
        Item, through="TransactionLine", related_name="transactions", verbose_name=_("items")
    )
    parties: models.ManyToManyField[Party, TransactionParty] = models.ManyToManyField(
        Party, through="TransactionParty", related_name="transactions", verbose_name=_("parties")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "org_unit"
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "reference"]
        verbose_name = _("export transaction")

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        """Not shipped yet: a list change still matters before it leaves."""
        return self.shipped_on is None


class TransactionLine(models.Model):
    transaction = models.ForeignKey(
        Transaction, on_delete=models.CASCADE, related_name="lines", verbose_name=_("transaction")
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="lines", verbose_name=_("item")
    )
    quantity = models.DecimalField(_("quantity"), max_digits=18, decimal_places=4, default=1)
    unit = models.CharField(_("unit"), max_length=20, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "transaction__org_unit"
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("transaction line")

    def __str__(self) -> str:
        return f"{self.quantity} × {self.item_id}"


class TransactionParty(models.Model):
    transaction = models.ForeignKey(
        Transaction,
        on_delete=models.CASCADE,
        related_name="party_links",
        verbose_name=_("transaction"),
    )
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="transaction_links", verbose_name=_("party")
    )
    role = models.CharField(_("role"), max_length=20, choices=PartyRole.choices)

    objects = ScopedQuerySet.as_manager()
    scope_field = "transaction__org_unit"
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("transaction party")
        constraints = [
            models.UniqueConstraint(
                fields=["transaction", "party", "role"], name="export_transaction_party_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.party_id}"


class ScreeningRun(models.Model):
    """One assessment of a transaction: the list versions used, the outcome and every reason.
    Runs are never changed; each save, change or list update adds one."""

    transaction = models.ForeignKey(
        Transaction, on_delete=models.CASCADE, related_name="runs", verbose_name=_("transaction")
    )
    at = models.DateTimeField(_("screened at"))
    trigger = models.CharField(
        _("trigger"), max_length=10, choices=ScreeningTrigger.choices, default=ScreeningTrigger.SAVE
    )
    actor_label = models.CharField(_("by"), max_length=150, blank=True)
    list_versions = models.JSONField(_("list versions"), default=list, blank=True)
    destination_group = models.CharField(_("destination group"), max_length=1, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "transaction__org_unit"

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("screening run")

    def __str__(self) -> str:
        return f"{self.transaction_id} {self.outcome} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def has_strong_party_hit(self) -> bool:
        return any(r.get("kind") == "party" and r.get("strong") for r in self.reasons or [])

    @property
    def has_blocking_reason(self) -> bool:
        return any(r.get("severity") == Outcome.BLOCKED for r in self.reasons or [])

    @property
    def is_base(self) -> bool:
        """A run on new facts of the transaction itself (created or edited): decisions made
        before it no longer stand, except a block."""
        return self.trigger in (ScreeningTrigger.SAVE, ScreeningTrigger.EDIT)


class Decision(models.Model):
    """The export-control officer's decision on a screened transaction: clear, licence (the
    licence's number, validity and the items it covers) or block. What a decision may do on a
    run, and when it needs the second approval of another user holding
    "export_control.approve", is one rule: assessment.check_decision; `approval_grounds` says
    why (ApprovalGround)."""

    transaction = models.ForeignKey(
        Transaction,
        on_delete=models.CASCADE,
        related_name="decisions",
        verbose_name=_("transaction"),
    )
    screening_run = models.ForeignKey(
        ScreeningRun,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("screening run"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_by_label = models.CharField(_("decided by"), max_length=150, blank=True)
    decided_at = models.DateTimeField(_("decided at"))
    decision_kind = models.CharField(_("decision"), max_length=10, choices=DecisionKind.choices)
    reason = models.TextField(_("reason"))
    licence_number = models.CharField(_("licence number"), max_length=60, blank=True)
    valid_from = models.DateField(_("licence valid from"), null=True, blank=True)
    valid_until = models.DateField(_("licence valid until"), null=True, blank=True)
    licensed_items: models.ManyToManyField[Item, Any] = models.ManyToManyField(
        Item, blank=True, related_name="+", verbose_name=_("licensed items")
    )
    approval_grounds = models.JSONField(_("why a second approval"), default=list, blank=True)
    needs_second_approval = models.BooleanField(_("needs a second approval"), default=False)
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
    retention_until = models.DateField(_("keep until"))

    objects = ScopedQuerySet.as_manager()
    scope_field = "transaction__org_unit"
    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = _("export-control decision")

    def __str__(self) -> str:
        return f"{self.transaction_id} {self.decision_kind} ({self.decided_at:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        url = reverse("export_control:transaction", args=[self.transaction_id])
        return f"{url}#decision-{self.pk}"

    @property
    def is_pending_approval(self) -> bool:
        return self.needs_second_approval and self.approved_at is None

    def licence_covers(self, day: dt.date) -> bool:
        if self.decision_kind != DecisionKind.LICENCE or not self.licence_number:
            return False
        if self.valid_from and day < self.valid_from:
            return False
        return not (self.valid_until and day > self.valid_until)

    def approval_ground_labels(self) -> list[str]:
        labels = dict(ApprovalGround.choices)
        return [str(labels.get(g, g)) for g in self.approval_grounds or []]


class PartyBlock(models.Model):
    """A party blocked in the party master: every transaction it is on is blocked (the
    assessment's "party-blocked" reason, which no decision on a transaction can clear) until
    the block is lifted — asked for with a reason and approved by another user holding
    "export_control.approve". A block may come from a confirmed alert of a batch screening
    (`alert`)."""

    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="blocks", verbose_name=_("party")
    )
    reason = models.TextField(_("reason"))
    alert = models.ForeignKey(
        "screening.BatchAlert",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("confirmed batch alert"),
    )
    blocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("blocked by"),
    )
    blocked_by_label = models.CharField(_("blocked by"), max_length=150, blank=True)
    blocked_at = models.DateTimeField(_("blocked at"))
    lift_reason = models.TextField(_("reason for lifting"), blank=True)
    lift_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lifting asked by"),
    )
    lift_requested_by_label = models.CharField(_("lifting asked by"), max_length=150, blank=True)
    lift_requested_at = models.DateTimeField(_("lifting asked at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lifting approved by"),
    )
    lifted_by_label = models.CharField(_("lifting approved by"), max_length=150, blank=True)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "party__org_unit"
    history = HistoricalRecords()

    class Meta:
        ordering = ["-blocked_at", "-pk"]
        verbose_name = _("party block")
        constraints = [
            models.UniqueConstraint(
                fields=["party"],
                condition=models.Q(lifted_at=None),
                name="export_party_one_active_block",
            )
        ]

    def __str__(self) -> str:
        return f"{self.party_id} blocked {self.blocked_at:%Y-%m-%d}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None

    @property
    def lift_pending(self) -> bool:
        return self.lifted_at is None and self.lift_requested_at is not None

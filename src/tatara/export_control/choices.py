from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ItemKind(models.TextChoices):
    GOODS = "goods", _("Goods")
    TECHNOLOGY = "technology", _("Technology")
    SOFTWARE = "software", _("Software")


class PartyKind(models.TextChoices):
    PERSON = "person", _("Person")
    ENTITY = "entity", _("Entity")


class PartyRole(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    CONSIGNEE = "consignee", _("Consignee")
    END_USER = "end_user", _("End user")
    INTERMEDIARY = "intermediary", _("Intermediary")


class TransactionKind(models.TextChoices):
    SHIPMENT = "shipment", _("Shipment")
    ORDER = "order", _("Order")
    TECHNOLOGY_TRANSFER = "technology_transfer", _("Technology transfer")


class TransactionStatus(models.TextChoices):
    """Derived from the latest screening run and the decisions that still stand on it
    (assessment.standing): never set by hand."""

    DRAFT = "draft", _("Draft")
    SCREENED = "screened", _("Screened (awaiting decision)")
    CLEARED = "cleared", _("Cleared")
    # a licence is required and the licences on record do not cover every item yet
    LICENCE_REQUIRED = "licence_required", _("Licence required")
    # the licences on record cover every item that needs one, valid on the shipment date
    LICENSED = "licensed", _("Licensed")
    BLOCKED = "blocked", _("Blocked")


class Outcome(models.TextChoices):
    """The result of an assessment, from best to worst."""

    CLEAR = "clear", pgettext_lazy("screening outcome", "Clear")
    REVIEW = "review", pgettext_lazy("screening outcome", "Review")
    LICENCE_REQUIRED = "licence_required", _("Licence required")
    BLOCKED = "blocked", _("Blocked")


class DecisionKind(models.TextChoices):
    CLEAR = "clear", pgettext_lazy("export-control decision", "Clear")
    LICENCE = "licence", _("Licence")
    BLOCK = "block", _("Block")


class CountryGroup(models.TextChoices):
    A = "A", _("Group A")
    B = "B", _("Group B")
    C = "C", _("Group C")
    D = "D", _("Group D")


class ScreeningTrigger(models.TextChoices):
    """Why a run was made. "save" and "edit" runs assess new facts of the transaction itself:
    decisions made before them no longer stand (a block does)."""

    SAVE = "save", _("Saved")
    EDIT = "edit", _("Transaction edited")
    CHANGE = "change", _("A party or item changed")
    RESCREEN = "rescreen", _("List update")
    MANUAL = "manual", _("Screened on request")


class ApprovalGround(models.TextChoices):
    """Why a decision needs the second approval of another person with
    "export_control.approve" (assessment.check_decision)."""

    OVERRIDE_BLOCK = "override-block", _("clears a blocking reason (a strong list hit …)")
    LICENCE_WAIVED = "licence-waived", _("clears without a licence for every item that needs one")
    BAN_EXCEPTION = "ban-exception", _("an exception to an export ban, under METI's approval")
    LIFTS_BLOCK = "lifts-block", _("lifts a block")

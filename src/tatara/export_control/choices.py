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
    DRAFT = "draft", _("Draft")
    SCREENED = "screened", _("Screened (awaiting decision)")
    CLEARED = "cleared", _("Cleared")
    LICENCE_REQUIRED = "licence_required", _("Licence required")
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
    SAVE = "save", _("Saved")
    CHANGE = "change", _("Changed")
    RESCREEN = "rescreen", _("List update")
    MANUAL = "manual", _("Screened on request")

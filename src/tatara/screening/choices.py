from django.db import models
from django.utils.translation import gettext_lazy as _


class ListSource(models.TextChoices):
    OFAC_SDN = "ofac-sdn", _("OFAC Specially Designated Nationals (SDN) list")
    OFAC_CONS = "ofac-cons", _("OFAC consolidated (non-SDN) list")
    UN = "un", _("UN Security Council consolidated list")
    EU = "eu", _("EU financial sanctions list")
    US_CSL = "us-csl", _("US Consolidated Screening List")
    METI_EUL = "meti-eul", _("METI End User List (Japan)")
    CUSTOM = "custom", _("Own watch list")
    BIS_DPL = "bis-dpl", _("US BIS Denied Persons List")


class VersionStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUPERSEDED = "superseded", _("Superseded")


class EntryKind(models.TextChoices):
    PERSON = "person", _("Person")
    ENTITY = "entity", _("Entity")
    VESSEL = "vessel", _("Vessel")
    AIRCRAFT = "aircraft", _("Aircraft")
    UNKNOWN = "unknown", _("Unknown")


class NameQuality(models.TextChoices):
    STRONG = "strong", _("Strong")
    WEAK = "weak", _("Weak")


class AlertStatus(models.TextChoices):
    """The review state of an alert of a batch screening (see batch_review.py)."""

    PENDING = "pending", _("To review")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting second approval")
    CLEARED = "cleared", _("Cleared: not a match")
    CONFIRMED = "confirmed", _("Confirmed match")
    # every alert-level hit was cleared before (namesakes.py): clear, kept to be seen and
    # confirmed after all if the officer thinks again
    CLEARED_BEFORE = "cleared_before", _("Cleared before")


class AlertDecision(models.TextChoices):
    CLEAR = "clear", _("Not a match: clear")
    CONFIRM = "confirm", _("Confirmed match")

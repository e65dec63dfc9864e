from django.db import models
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    PLANNING = "planning", _("Planning")
    EXECUTION = "execution", _("Execution")
    REVIEW = "review", _("Review")
    CLOSED = "closed", _("Closed")


class Status(models.TextChoices):
    DRAFT = "draft", _("Plan draft")
    APPROVED = "approved", _("Plan approved")
    PROPOSED = "proposed", _("Rating proposed")
    CONFIRMED = "confirmed", _("Rating confirmed")


class Rating(models.IntegerChoices):
    NOT_ACHIEVED = 1, _("★ Not achieved")
    MOSTLY_ACHIEVED = 2, _("★★ 90% achieved")
    ACHIEVED = 3, _("★★★ Achieved")


class Column(models.TextChoices):
    PLANNED = "planned", _("Measures (planned)")
    RESULT = "result", _("Measures (results)")
    NEXT = "next", _("Measures planned for next year")


def stars(rating: int | None) -> str:
    return "★" * rating if rating else ""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MetricKind(models.TextChoices):
    ABSOLUTE = "absolute", _("Absolute value")
    RATIO = "ratio", _("Ratio of two metrics")
    INTENSITY = "intensity", _("Intensity (per unit of another metric)")


class Aggregation(models.TextChoices):
    SUM = "sum", _("Sum")
    RATIO_OF_SUMS = "ratio_of_sums", _("Recomputed from summed parts")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    YEARLY = "yearly", _("Yearly")


class TargetKind(models.TextChoices):
    AT_LEAST = "at_least", _("Value to reach")
    AT_MOST = "at_most", _("Value not to exceed")
    REDUCE_VS_BASE = "reduce_vs_base", _("Reduction against a base year")
    LEGAL_MINIMUM = "legal_minimum", _("Legal rate to exceed")


class ObservationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")

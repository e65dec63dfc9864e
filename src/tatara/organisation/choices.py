from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    GROUP = "group", _("Group")
    COMPANY = "company", _("Company")
    DIVISION = "division", _("Division / department")
    SITE = "site", _("Site / office")


class EmploymentType(models.TextChoices):
    REGULAR = "regular", _("Regular")
    CONTRACT = "contract", _("Fixed-term contract")
    PART_TIME = "part_time", _("Part-time")
    TEMPORARY = "temporary", _("Temporary / dispatched")
    EXECUTIVE = "executive", _("Executive officer")


# Which kinds may sit under which: the tree is group → company → division → site.
ALLOWED_PARENTS: dict[str, set[str | None]] = {
    UnitKind.GROUP: {None},
    UnitKind.COMPANY: {UnitKind.GROUP, UnitKind.COMPANY},
    UnitKind.DIVISION: {UnitKind.COMPANY, UnitKind.DIVISION},
    UnitKind.SITE: {UnitKind.COMPANY, UnitKind.DIVISION, UnitKind.SITE},
}

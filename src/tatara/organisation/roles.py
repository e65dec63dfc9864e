"""Roles and what they may do. Actions are "<area>.<verb>"; patterns use shell wildcards.

Verbs used across areas:
  view     read records in scope          export  download tables and files in scope
  change   enter and edit records         submit  propose (a rating, a result) for review
  approve  approve plans and submissions  review  confirm or correct what others proposed
  manage   configure the area: plans, imports, year transitions, role grants
"""

from fnmatch import fnmatchcase

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CSR_ADMIN = "csr_admin", _("CSR Management Office (admin)")
    GROUP_RISK_OFFICER = "group_risk_officer", _("Group Risk Management Officer")
    COMPANY_RISK_OFFICER = "company_risk_officer", _("Company risk officer")
    COMPLIANCE_DEPT = "compliance_dept", _("Compliance promotion department")
    EXPORT_CONTROL_OFFICER = "export_control_officer", _("Export-control officer")
    AUDITOR = "auditor", _("Internal auditor (read-only)")
    EMPLOYEE = "employee", _("Employee")


ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.CSR_ADMIN: ("*",),
    Role.GROUP_RISK_OFFICER: ("*.view", "*.export", "*.approve"),
    Role.COMPANY_RISK_OFFICER: ("*.view", "*.export", "*.change", "*.submit"),
    Role.COMPLIANCE_DEPT: ("*.view", "*.export", "*.change", "*.submit"),
    # screens parties and transactions and decides on them; the second approval of an
    # override of a strong list hit ("export_control.approve") is the group risk officer's
    Role.EXPORT_CONTROL_OFFICER: (
        "export_control.view",
        "export_control.export",
        "export_control.change",
        "export_control.submit",
        "export_control.review",
        "export_control.manage",
        # every screening verb but "approve": the second approval of clearing a strong hit
        # in a batch screening is, here too, the group risk officer's
        "screening.view",
        "screening.export",
        "screening.change",
        "screening.submit",
        "screening.review",
        "screening.manage",
    ),
    Role.AUDITOR: ("*.view", "*.export"),
    Role.EMPLOYEE: ("self.view",),
}


# The areas a role's wildcard patterns ("*.view", "*") reach, each with the roles it names
# (issue 10): an area opts its roles in. An action of an area not listed — a new one, the
# hotline say — is granted only by a pattern that names the area (`hotline.view`), so adding an
# area never hands its records to the auditor or a company officer by accident.
_EVERY_ROLE = frozenset(Role.values)
WILDCARD_AREAS: dict[str, frozenset[str]] = {
    "cycle": _EVERY_ROLE,
    "kpis": _EVERY_ROLE,
    "emissions": _EVERY_ROLE,
    "export_control": _EVERY_ROLE,
    "screening": _EVERY_ROLE,
    "organisation": _EVERY_ROLE,
    "fiscal": _EVERY_ROLE,
    "self": _EVERY_ROLE,
}


def pattern_allows(role: str, pattern: str, action: str) -> bool:
    """Whether one of `role`'s patterns grants `action`: a pattern that names the area
    ("export_control.*", "screening.view") as written; a wildcard over areas ("*.view", "*")
    only in an area that named the role in WILDCARD_AREAS."""
    if not fnmatchcase(action, pattern):
        return False
    area = action.partition(".")[0]
    pattern_area = pattern.partition(".")[0]
    if any(c in pattern_area for c in "*?["):
        return role in WILDCARD_AREAS.get(area, frozenset())
    return True

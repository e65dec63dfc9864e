"""Two people where the decision matters: the one check behind every second approval and every
segregation-of-duties rule.

Two kinds of rule use it:

- **Second approvals** (always on; they are legal controls, not preferences): an override of a
  strong list hit in export control and in a batch screening, the reopening of a closed fiscal
  year. The approver holds the approving action *and* is another person than the one who asked.
  `require_other_person(actor, first=...)`.
- **Segregation of duties** (configurable, on by default): the person who submitted a KPI value
  does not approve it; the person who drafted a plan does not approve it, and the person who
  proposed a rating does not confirm it, unless the CSR office records why.
  `segregate(actor, rule=..., first=..., waiver=...)`. The rules are named in `RULES`;
  `TATARA_SEGREGATION_OF_DUTIES` turns them off ("0"), all on ("1", the default) or only the
  named ones ("kpis.observation,cycle.rating").

"The same person" means the same user row; for actors without one (the command-line operator,
a job: core.permissions.SystemActor) the same label, so `cli:alice` cannot approve what
`cli:alice` asked for. A first step recorded by nobody (`First(None, "")`, rows from before
the rule) is never the same person as anyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tatara.core.audit import actor_label

# rule code → what it keeps apart (shown in docs and in refusals)
RULES: dict[str, Any] = {
    "kpis.observation": gettext_lazy("a KPI value is approved by someone other than its submitter"),
    "cycle.plan": gettext_lazy(
        "a plan is approved by someone other than the person who drafted it, unless the CSR "
        "office records why"
    ),
    "cycle.rating": gettext_lazy(
        "a rating is confirmed by someone other than its proposer, unless the CSR office "
        "records why"
    ),
}


class SamePersonError(ValidationError):
    """The second step was attempted by the person who did the first."""


@dataclass(frozen=True)
class First:
    """Who did the first step: their user id (None for a system actor) and label."""

    user_id: int | None
    label: str

    @classmethod
    def of(cls, actor: Any) -> First:
        pk = getattr(actor, "pk", None)
        return cls(int(pk) if pk is not None else None, actor_label(actor) if actor else "")


def same_person(actor: Any, first: First) -> bool:
    pk = getattr(actor, "pk", None)
    if first.user_id is not None:
        return pk is not None and int(pk) == first.user_id
    if pk is not None or not first.label:
        return False
    return actor_label(actor) == first.label


def require_other_person(actor: Any, *, first: First, message: str = "") -> None:
    """Raise SamePersonError if `actor` did the first step."""
    if same_person(actor, first):
        raise SamePersonError(message or _("The second approval must come from another person."))


def enabled_rules() -> set[str]:
    raw = str(getattr(settings, "SEGREGATION_OF_DUTIES", "1")).strip()
    if raw.lower() in {"", "1", "true", "yes", "on", "all"}:
        return set(RULES)
    if raw.lower() in {"0", "false", "no", "off", "none"}:
        return set()
    named = {part.strip() for part in raw.split(",") if part.strip()}
    unknown = named - set(RULES)
    if unknown:
        raise ImproperlyConfigured(
            "TATARA_SEGREGATION_OF_DUTIES names unknown rules: "
            + ", ".join(sorted(unknown))
            + f" (known: {', '.join(sorted(RULES))})"
        )
    return named


def rule_enabled(rule: str) -> bool:
    if rule not in RULES:
        raise KeyError(rule)
    return rule in enabled_rules()


def segregate(
    actor: Any,
    *,
    rule: str,
    first: First,
    message: str,
    waiver: str = "",
    may_waive: bool = False,
) -> str:
    """Apply a segregation-of-duties rule to `actor` doing the second step.

    Returns "" when the rule does not bite (off, or another person), the stripped `waiver`
    when the same person may go ahead because `may_waive` and a reason is given (the caller
    records it in its event), and raises SamePersonError otherwise."""
    if not rule_enabled(rule) or not same_person(actor, first):
        return ""
    reason = (waiver or "").strip()
    if may_waive and reason:
        return reason
    raise SamePersonError(message)

"""What changed between a posted calculation and a newer one of the same unit, period and
basis: factor versions (the factor replaced by a new version, or another set's factor after a
set's years were corrected), quantities in the factor's unit, lines added or removed, and the
three figures. Pure functions over the lines' dictionaries (`Line.as_dict()`), so the same
comparison serves a recalculation being recorded and the calculation page that says what a
new posting would change."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

FIGURES = (("scope1_t", "Scope 1"), ("scope2_t", "Scope 2"), ("total_t", "total"))


def _key(line: dict[str, Any]) -> tuple[str, str]:
    return (str(line["activity"]), str(line.get("supplier", "")).casefold())


def _factor(line: dict[str, Any]) -> dict[str, Any]:
    return {
        "factor_id": line.get("factor_id"),
        "version": line.get("factor_version"),
        "factor": line.get("factor"),
        "unit": line.get("unit"),
        "set": line.get("factor_set_code"),
    }


def changes(
    before_lines: list[dict[str, Any]],
    before_figures: dict[str, Any],
    after_lines: list[dict[str, Any]],
    after_figures: dict[str, Any],
) -> list[dict[str, Any]]:
    """The differences, as JSON-ready dictionaries with a `kind`: factor, quantity, added,
    removed, figure. Empty when nothing changed."""
    before = {_key(line): line for line in before_lines}
    after = {_key(line): line for line in after_lines}
    found: list[dict[str, Any]] = []
    for key in [*before, *(k for k in after if k not in before)]:
        old, new = before.get(key), after.get(key)
        who = {"activity": key[0], "supplier": (new or old or {}).get("supplier", "")}
        if old is None:
            found.append({"kind": "added", **who, "to": _factor(new or {})})
            continue
        if new is None:
            found.append({"kind": "removed", **who, "from": _factor(old)})
            continue
        if old.get("factor_id") != new.get("factor_id"):
            found.append({"kind": "factor", **who, "from": _factor(old), "to": _factor(new)})
        if (Decimal(str(old["quantity"])), old.get("unit")) != (
            Decimal(str(new["quantity"])),
            new.get("unit"),
        ):
            found.append(
                {
                    "kind": "quantity",
                    **who,
                    "from": f"{old['quantity']} {old.get('unit', '')}".strip(),
                    "to": f"{new['quantity']} {new.get('unit', '')}".strip(),
                }
            )
    for name, _label in FIGURES:
        old_value, new_value = before_figures.get(name), after_figures.get(name)
        if old_value is None or new_value is None:
            continue
        if Decimal(str(old_value)) != Decimal(str(new_value)):
            found.append(
                {"kind": "figure", "figure": name, "from": str(old_value), "to": str(new_value)}
            )
    return found


def _who(change: dict[str, Any], labels: Mapping[str, Any]) -> str:
    name = str(labels.get(change["activity"], change["activity"]))
    return f"{name} ({change['supplier']})" if change.get("supplier") else name


def _version(factor: dict[str, Any]) -> str:
    return _("%(factor)s t-CO2/%(unit)s (version %(version)s of %(set)s)") % {
        "factor": factor.get("factor"),
        "unit": factor.get("unit"),
        "version": factor.get("version"),
        "set": factor.get("set"),
    }


def describe(change: dict[str, Any], labels: Mapping[str, Any]) -> str:
    """One change in words for the pages and the CLI (`labels`: activity code → name)."""
    kind = change["kind"]
    if kind == "factor":
        return _("%(who)s: factor %(before)s → %(after)s") % {
            "who": _who(change, labels),
            "before": _version(change["from"]),
            "after": _version(change["to"]),
        }
    if kind == "quantity":
        return _("%(who)s: quantity %(before)s → %(after)s") % {
            "who": _who(change, labels),
            "before": change["from"],
            "after": change["to"],
        }
    if kind == "added":
        return _("%(who)s: added") % {"who": _who(change, labels)}
    if kind == "removed":
        return _("%(who)s: no longer recorded") % {"who": _who(change, labels)}
    names = {"scope1_t": _("Scope 1"), "scope2_t": _("Scope 2"), "total_t": _("Total")}
    return _("%(figure)s: %(before)s t → %(after)s t") % {
        "figure": names.get(change.get("figure", ""), change.get("figure", "")),
        "before": change["from"],
        "after": change["to"],
    }

"""Screening reasons rendered in the reader's language.

A reason (see assessment.Reason) is stored with a stable "code" and the "params" its message
needs; `render` turns it into text in the active language with the same msgids the engine has
always used, so the existing translations apply. Old rows without params, and unknown codes,
fall back to the stored "text" (rendered when the screening ran).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from tatara.export_control.choices import Outcome, PartyRole


def _roles(value: Any) -> str:
    if isinstance(value, str):
        return value
    labels = dict(PartyRole.choices)
    return ", ".join(str(labels.get(role, role)) for role in value or ())


def _outcome(value: Any) -> str:
    return str(dict(Outcome.choices).get(value, value))


def list_name(value: str) -> str:
    """A list named by its source code ("ofac-sdn") or by its stored English name, in the
    active language; any other name as it is."""
    from tatara.screening.choices import ListSource

    for member in ListSource:
        with translation.override("en"):
            english = str(member.label)
        if value in (member.value, english):
            return str(member.label)
    return value


def _values(params: Mapping[str, Any]) -> dict[str, Any]:
    values = dict(params)
    if values.get("list"):
        values["list"] = list_name(str(values["list"]))
    if "roles" in values:
        values["roles"] = _roles(values["roles"])
    if "outcome" in values:
        values["outcome"] = _outcome(values["outcome"])
    return values


def _party_strong_hit(p: dict[str, Any]) -> str:
    return _(
        "Party %(party)s (%(roles)s) strongly matches %(name)s on %(list)s (score %(score)s)."
    ) % {k: p[k] for k in ("party", "roles", "name", "list", "score")}


def _party_hit(p: dict[str, Any]) -> str:
    return _("Party %(party)s (%(roles)s) may match %(name)s on %(list)s (score %(score)s).") % {
        k: p[k] for k in ("party", "roles", "name", "list", "score")
    }


def _party_end_user_list(p: dict[str, Any]) -> str:
    return _(
        "Party %(party)s (%(roles)s) matches %(name)s on METI's End User List "
        "(score %(score)s): a licence is needed for catch-all items unless "
        "weapons use is clearly excluded."
    ) % {k: p[k] for k in ("party", "roles", "name", "score")}


def _party_cleared_before(p: dict[str, Any]) -> str:
    return _(
        "Party %(party)s (%(roles)s) was cleared before as not the listed party: "
        "%(count)d hit(s), the best %(name)s on %(list)s; shown, not counted."
    ) % {
        "party": p["party"],
        "roles": p["roles"],
        "name": p["name"],
        "list": p["list"],
        "count": int(p["count"]),
    }


def _party_list_update(p: dict[str, Any]) -> str:
    return _(
        "The list update of %(list)s may affect party %(party)s "
        "(hits before: %(before)d, now: %(after)d); review the result."
    ) % {
        "list": p["list"] or _("a screening list"),
        "party": p["party"],
        "before": int(p["before"]),
        "after": int(p["after"]),
    }


def _country_unknown(p: dict[str, Any]) -> str:
    return _(
        "%(country)s is not in the country data on this date; treated as Group C "
        "(catch-all applies)."
    ) % {"country": p["country"]}


def _party_blocked(p: dict[str, Any]) -> str:
    return _(
        "Party %(party)s (%(roles)s) is blocked in the party master (%(reason)s): no decision "
        "on a transaction clears it; the block is lifted on the party, with a second approval."
    ) % {"party": p["party"], "roles": p["roles"], "reason": p.get("reason") or "—"}


def _country_embargo(p: dict[str, Any]) -> str:
    return _("Japan bans every export to %(country)s: no decision can clear it.") % {
        "country": p["country"]
    }


def _country_group_d(p: dict[str, Any]) -> str:
    return _(
        "%(country)s is in Group D (Appended Table 3-2 or 4): catch-all controls apply in "
        "full; review the end use and the parties."
    ) % {"country": p["country"]}


def _measure_text(p: dict[str, Any], key: str) -> str:
    """A measure's title or what to check, in the active language (data/measures.yaml);
    the stored English when the measure is no longer in the data."""
    from tatara.export_control.reference_data import measure_row

    row = measure_row(str(p.get("measure", "")))
    if row is None:
        return str(p.get(key, ""))
    language = translation.get_language() or "en"
    if language.startswith("ja") and row.get(f"{key}_ja"):
        return str(row[f"{key}_ja"])
    return str(row.get(key) or p.get(key, ""))


def _measure_ban_listed(p: dict[str, Any]) -> str:
    return _(
        "%(item)s is listed (Appended Table 1 row %(row)s): %(title)s (since %(since)s). Only "
        "METI's exceptional approval, recorded as a licence with a second approval, allows it."
    ) % {
        "item": p["item"],
        "row": p["row"],
        "title": _measure_text(p, "title"),
        "since": p.get("since", ""),
    }


def _measure_check(p: dict[str, Any]) -> str:
    return _("%(title)s (since %(since)s): check %(check)s.") % {
        "title": _measure_text(p, "title"),
        "since": p.get("since", ""),
        "check": _measure_text(p, "check"),
    }


def _country_arms_embargo(p: dict[str, Any]) -> str:
    return _("%(country)s is under a UN arms embargo and %(item)s is arms (row 1).") % {
        "country": p["country"],
        "item": p["item"],
    }


def _item_listed_group_a(p: dict[str, Any]) -> str:
    return _(
        "%(item)s is listed (Appended Table 1 row %(row)s): to Group A a "
        "licence is still needed; check that a general bulk licence covers it."
    ) % {"item": p["item"], "row": p["row"]}


def _item_listed(p: dict[str, Any]) -> str:
    return _(
        "%(item)s is listed (Appended Table 1 row %(row)s) and goes to "
        "%(country)s (Group %(group)s): a licence is required."
    ) % {k: p[k] for k in ("item", "row", "country", "group")}


def _item_catch_all(p: dict[str, Any]) -> str:
    why = []
    terms = list(p.get("terms") or ())
    if terms:
        why.append(_("the end use names %(terms)s") % {"terms": ", ".join(f"“{t}”" for t in terms)})
    if p.get("end_user_list"):
        why.append(_("a party is on METI's End User List"))
    return _(
        "%(item)s falls under catch-all control (row 16) to %(country)s "
        "(Group %(group)s) and %(why)s: a licence is required."
    ) % {
        "item": p["item"],
        "country": p["country"],
        "group": p["group"],
        "why": _(" and ").join(why),
    }


def _item_catch_all_check(p: dict[str, Any]) -> str:
    terms = ", ".join(f"“{t}”" for t in p.get("terms") or ())
    return _(
        "%(item)s falls under catch-all control (row 16) to %(country)s (Group %(group)s) and "
        "the end use names %(terms)s: check whether the goods may be used for weapons; if so, "
        "a licence is required."
    ) % {"item": p["item"], "country": p["country"], "group": p["group"], "terms": terms}


def _item_catch_all_group_d(p: dict[str, Any]) -> str:
    return _(
        "%(item)s falls under catch-all control and %(country)s is in Group D: confirm the "
        "goods will not be used for weapons (a licence is required if they may be)."
    ) % {"item": p["item"], "country": p["country"]}


def _end_use_negated(p: dict[str, Any]) -> str:
    return _(
        "The declared end use names “%(term)s” (%(category)s) only in a negation: not a red flag."
    ) % {"term": p["term"], "category": p["category"]}


def _end_use_red_flag(p: dict[str, Any]) -> str:
    return _("The declared end use contains “%(term)s” (%(category)s).") % {
        "term": p["term"],
        "category": p["category"],
    }


# every code the engine (assessment.py), the list-update re-screening (rescreen.py) and the
# cleared-namesake memory (party_screening.py) emit
RENDERERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "party-strong-hit": _party_strong_hit,
    "party-hit": _party_hit,
    "party-end-user-list": _party_end_user_list,
    "party-list-update": _party_list_update,
    "party-cleared-before": _party_cleared_before,
    "party-blocked": _party_blocked,
    "country-unknown": _country_unknown,
    "country-embargo": _country_embargo,
    "country-group-d": _country_group_d,
    "country-arms-embargo": _country_arms_embargo,
    "item-listed-group-a": _item_listed_group_a,
    "item-listed": _item_listed,
    "item-catch-all": _item_catch_all,
    "item-catch-all-check": _item_catch_all_check,
    "item-catch-all-group-d": _item_catch_all_group_d,
    "measure-ban-listed": _measure_ban_listed,
    "measure-check": _measure_check,
    "end-use-red-flag": _end_use_red_flag,
    "end-use-negated": _end_use_negated,
}


def render_params(code: str, params: Mapping[str, Any]) -> str:
    """The message of `code` with `params`, in the active language (KeyError if unknown)."""
    return RENDERERS[code](_values(params))


def render_english(code: str, params: Mapping[str, Any]) -> str:
    """The stored "text" of a new reason: always English, whoever triggered the screening."""
    with translation.override("en"):
        return render_params(code, params)


def render(reason: Mapping[str, Any]) -> str:
    """A stored reason (a ScreeningRun.reasons dict) in the active language; the stored text
    when the reason has no params (old rows), an unknown code, or params that don't fit."""
    fallback = str(reason.get("text", "") or "")
    code = reason.get("code")
    params = reason.get("params")
    if not isinstance(code, str) or code not in RENDERERS or not isinstance(params, Mapping):
        return fallback
    try:
        return render_params(code, params)
    except (KeyError, TypeError, ValueError):
        return fallback

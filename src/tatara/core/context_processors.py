from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tatara.core.permissions import can

# The main menu: groups of (label, url name, action needed anywhere); a group with one entry
# is a plain link. An area adds its entry to its group when it arrives; a person sees only
# the entries their roles reach, and a group only when one of its entries shows.
NAVIGATION: list[tuple[Any, list[tuple[Any, str, str | None]]]] = [
    (_("Dashboard"), [(_("Dashboard"), "dashboard", None)]),
    (
        _("CSR report"),
        [
            (_("CSR cycle"), "cycle:years", "cycle.view"),
            (_("Road map"), "cycle:roadmap", "cycle.view"),
            (_("KPIs"), "kpis:index", "kpis.view"),
            (_("Energy and CO2"), "emissions:index", "emissions.view"),
            (_("Fiscal years"), "fiscal-years", "fiscal.view"),
        ],
    ),
    (
        _("Compliance"),
        [
            (_("Screening"), "screening:index", "screening.view"),
            (_("Export control"), "export_control:index", "export_control.view"),
        ],
    ),
    (
        _("Administration"),
        [
            (_("Organisation"), "organisation:tree", "organisation.view"),
            (_("API"), "api-docs", None),
        ],
    ),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    """`nav_groups`: [{label, items: [{label, url, active}], active}] for the signed-in
    person; the entry whose address is the longest prefix of the page is the current one (so
    /cycle/roadmap/ marks "Road map", not also "CSR cycle"), and its group with it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_groups": []}
    groups: list[dict[str, Any]] = []
    for label, entries in NAVIGATION:
        items = [
            {"label": item_label, "url": reverse(name), "active": False}
            for item_label, name, action in entries
            if action is None or can(user, action)
        ]
        if items:
            groups.append({"label": label, "items": items, "active": False})
    found = [
        (group, item)
        for group in groups
        for item in group["items"]
        if request.path.startswith(item["url"]) and (item["url"] != "/" or request.path == "/")
    ]
    if found:
        group, item = max(found, key=lambda pair: len(pair[1]["url"]))
        group["active"] = item["active"] = True
    return {"nav_groups": groups}

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tatara.core.permissions import can

# (label, url name, action needed anywhere). Areas add their entry here when they arrive.
NAVIGATION = [
    (_("Dashboard"), "dashboard", None),
    (_("CSR cycle"), "cycle:years", "cycle.view"),
    (_("Road map"), "cycle:roadmap", "cycle.view"),
    (_("KPIs"), "kpis:index", "kpis.view"),
    (_("Energy and CO2"), "emissions:index", "emissions.view"),
    (_("Organisation"), "organisation:tree", "organisation.view"),
    (_("Screening"), "screening:index", "screening.view"),
    (_("Export control"), "export_control:index", "export_control.view"),
    (_("Fiscal years"), "fiscal-years", "fiscal.view"),
    (_("API"), "api-docs", None),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items: list[dict[str, Any]] = [
        {"label": label, "url": reverse(name), "active": False}
        for label, name, action in NAVIGATION
        if action is None or can(user, action)
    ]
    # The entry whose address is the longest prefix of the page is the current one
    # (so /cycle/roadmap/ marks "Road map", not also "CSR cycle").
    matches = [item for item in items if request.path.startswith(item["url"])]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["active"] = True
    return {"nav_items": items}

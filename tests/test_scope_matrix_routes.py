"""The scope matrix is route-complete: every page and API route the URL resolver knows is a row
of one of the matrix tables (tests/test_scope_matrix*.py), or is public by design (EXEMPT), or
is on the explicit list of routes still to be put in a table (NOT_YET, which only shrinks). A
new route in no table fails here (issue 10: /kpis/evidence/<pk>/ and /screening/versions/<pk>/
were in none, unseen)."""

from __future__ import annotations

import re
from typing import Any

import test_scope_matrix
import test_scope_matrix_batch_review
import test_scope_matrix_export_control
import test_scope_matrix_files
from django.urls import URLResolver, get_resolver, resolve

TABLES = (
    test_scope_matrix.EXPECTED,
    test_scope_matrix_batch_review.EXPECTED,
    test_scope_matrix_export_control.EXPECTED,
    test_scope_matrix_export_control.EC_EXPECTED,
    test_scope_matrix_files.EXPECTED,
)

# Open to anyone (or to any signed-in person) by design: signing in and out, the language
# switch, the API's root, token, schema and docs.
EXEMPT = {
    "accounts/login/",
    "accounts/logout/",
    "accounts/password/",
    "accounts/password/done/",
    "i18n/setlang/",
    "api/v1/",
    "api/v1/auth/token/",
    "api/v1/docs/",
    "api/v1/schema/",
}

# Routes whose scope is tested elsewhere but not yet in a matrix table (issue 10's remaining
# work). A route leaves this list when it gets its rows; the test fails on a stale entry.
NOT_YET = {
    "api/v1/emissions/calculations/(?P<pk>[/.]+)/$",
    "api/v1/export-control/decisions/(?P<pk>[0-9]+)/$",
    "api/v1/export-control/items/import/(?P<job_id>[0-9]+)/$",
    "api/v1/export-control/parties/(?P<pk>[/.]+)/unblock/$",
    "api/v1/export-control/parties/(?P<pk>[/.]+)/unblock/approve/$",
    "api/v1/export-control/parties/import/(?P<job_id>[0-9]+)/$",
    "api/v1/export-control/transactions/(?P<pk>[0-9]+)/shipment/$",
    "api/v1/org-units/import/$",
    "api/v1/role-assignments/import/$",
    "api/v1/role-assignments/import/(?P<job_id>[0-9]{1,18})/$",
    "api/v1/screening/batch/$",
    "api/v1/screening/batch/(?P<pk>[/.]+)/$",
    "api/v1/screening/clearings/(?P<pk>[0-9]+)/$",
    "emissions/<slug:code>/<int:year>/upload/",
    "export-control/parties/<int:pk>/unblock/",
    "export-control/parties/<int:pk>/unblock/approve/",
}


def _normal(route: str) -> str:
    return route.replace("^", "")


def all_routes() -> set[str]:
    def walk(patterns: Any, prefix: str = "") -> Any:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern)

    return {
        _normal(route)
        for route in walk(get_resolver().url_patterns)
        if not route.startswith("admin/")  # the Django admin: its own staff-only gate
        and "format>" not in route  # DRF's `.json` suffix twins of the routes below
    }


def table_routes() -> set[str]:
    found = set()
    for table in TABLES:
        for line in table.strip().splitlines():
            match = re.match(r"(GET|POST|PATCH|PUT|DELETE)\s+(\S+)", line)
            if not match:
                continue
            path = match.group(2).split("?")[0]
            path = re.sub(r"\{(fy|year|closed_fy)\}", "2019", path)
            path = re.sub(r"\{[a-z_]+\}", "1", path)
            found.add(_normal(resolve(path).route))
    return found


def test_every_route_is_in_a_matrix_table_or_listed():
    routes, covered = all_routes(), table_routes()
    unlisted = routes - covered - EXEMPT - NOT_YET
    assert not unlisted, f"routes in no scope-matrix table: {sorted(unlisted)}"


def test_the_lists_hold_no_stale_route():
    routes, covered = all_routes(), table_routes()
    assert not (NOT_YET & covered), f"now in a table, drop from NOT_YET: {NOT_YET & covered}"
    assert not ((NOT_YET | EXEMPT) - routes), f"no such route: {(NOT_YET | EXEMPT) - routes}"

"""The scope matrix: every role × inside / outside its scope × every page and API endpoint.

The world (tests/conftest.py) is a group with two companies. "A" targets are company A's
division (alpha-div): its initiative, its unit, its person — inside the scope of every role
except the employee's (an employee's role grants nothing on units). "B" targets are company B's
division (bravo-div) — outside the scope of the company-A roles (company_risk_officer on
alpha, compliance_dept on alpha-div), inside the group roles' scope. "-" rows have no single
target; there the check is on what the response holds.

Besides the status, every test checks:
- GET 200: nothing outside the viewer's scope is in the body (no marker of another unit's
  data, no link to another unit's initiative or unit page), and lists hold exactly the ids /
  codes the viewer may see (JSON ids, HTML markers, CSV rows).
- POST: a refused request (401/403/404, or the login redirect) left the database unchanged;
  an accepted one changed it.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token

from tatara.core.models import AuditEvent
from tatara.cycle.choices import Status
from tatara.cycle.models import CycleYear, Evidence, Initiative, Measure

ROLES = (
    "anon",
    "csr_admin",
    "group_risk_officer",
    "company_risk_officer",
    "compliance_dept",
    "auditor",
    "employee",
)

# fmt: off
EXPECTED = """
# method path                                               target | anon     csr  risk officer compl auditor employee
# --- pages ------------------------------------------------------------------------------------------------------------
GET   /                                                        -   | 302      200  200  200     200   200     200
GET   /cycle/                                                  -   | 302      200  200  200     200   200     403
GET   /cycle/{fy}/                                             -   | 302      200  200  200     200   200     403
GET   /cycle/{fy}/export.csv                                   -   | 302      200  200  200     200   200     403
GET   /cycle/initiatives/{initiative}/                         A   | 302      200  200  200     200   200     403
GET   /cycle/initiatives/{initiative}/                         B   | 302      200  200  404     404   200     403
GET   /cycle/roadmap/                                          -   | 302      200  200  200     200   200     403
GET   /cycle/{fy}/import/                                      -   | 302      200  403  403     403   403     403
GET   /organisation/                                           -   | 302      200  200  200     200   200     403
GET   /organisation/units/{unit}/                              A   | 302      200  200  200     200   200     404
GET   /organisation/units/{unit}/                              B   | 302      200  200  404     404   200     404
GET   /organisation/people/                                    -   | 302      200  200  200     200   200     403
GET   /organisation/people/import/                             -   | 302      200  403  403     403   403     403
GET   /organisation/units/import/                              -   | 302      200  403  403     403   403     403
GET   /organisation/roles/import/                              -   | 302      200  403  403     403   403     403
GET   /organisation/units/export/?format=csv                   -   | 302      200  200  200     200   200     403
GET   /organisation/roles/export/?format=csv                   -   | 302      200  200  200     200   200     403
GET   /kpis/                                                   -   | 302      302  302  302     302   302     403
GET   /kpis/{fy}/                                              -   | 302      200  200  200     200   200     403
GET   /kpis/{fy}/export.csv                                    -   | 302      200  200  200     200   200     403
GET   /kpis/{fy}/export.pdf                                    -   | 302      200  200  200     200   200     403
GET   /kpis/metrics/                                           -   | 302      200  200  200     200   200     403
GET   /kpis/metrics/{metric}/?unit={unit_code}&fy={fy}          A   | 302      200  200  200     200   200     403
GET   /kpis/metrics/{metric}/?unit={unit_code}&fy={fy}          B   | 302      200  200  404     404   200     403
GET   /kpis/metrics/{metric}/export.pdf?unit={unit_code}&fy={fy} A  | 302      200  200  200     200   200     403
GET   /kpis/metrics/{metric}/export.pdf?unit={unit_code}&fy={fy} B  | 302      200  200  404     404   200     403
GET   /kpis/entry/                                             -   | 302      200  403  200     200   403     403
GET   /kpis/entry/?unit={unit_code}&period=FY{fy}              A   | 302      200  403  200     200   403     403
GET   /kpis/entry/?unit={unit_code}&period=FY{fy}              B   | 302      200  403  404     404   403     403
GET   /kpis/approvals/                                         -   | 302      200  200  403     403   403     403
GET   /kpis/rounds/                                            -   | 302      200  200  200     200   200     403
GET   /kpis/rounds/new/                                        -   | 302      200  403  403     403   403     403
GET   /kpis/rounds/{kpi_round}/                                A   | 302      200  200  200     200   200     403
GET   /kpis/rounds/{kpi_round}/                                B   | 302      200  200  404     404   200     403
GET   /kpis/import/                                            -   | 302      200  403  200     200   403     403
GET   /kpis/export/observations-FY{fy}.csv                     -   | 302      200  200  200     200   200     403
GET   /kpis/export/targets-FY{fy}.xlsx                         -   | 302      200  200  200     200   200     403
GET   /kpis/targets/new/                                       -   | 302      200  403  403     403   403     403
GET   /kpis/targets/{kpi_target}/                              A   | 302      200  200  200     200   200     403
GET   /kpis/targets/{kpi_target}/                              B   | 302      200  200  404     404   200     403
GET   /emissions/                                              -   | 302      302  302  302     302   302     403
GET   /emissions/{unit_code}/2023/                             A   | 302      200  200  200     200   200     403
GET   /emissions/{unit_code}/2023/                             B   | 302      200  200  404     404   200     403
GET   /emissions/{unit_code}/2023/calculation/                 A   | 302      200  200  200     200   200     403
GET   /emissions/{unit_code}/2023/calculation/                 B   | 302      200  200  404     404   200     403
GET   /emissions/{unit_code}/2023/export.csv                   A   | 302      200  200  200     200   200     403
GET   /emissions/{unit_code}/2023/export.csv                   B   | 302      200  200  404     404   200     403
GET   /emissions/factors/                                      -   | 302      200  200  200     200   200     403
GET   /emissions/factors/import/                               -   | 302      200  403  403     403   403     403
GET   /screening/                                              -   | 302      200  200  200     200   200     403
GET   /screening/screen/?name=Hanako+Yamamoto                  -   | 302      200  200  200     200   200     403
GET   /screening/batch/                                        -   | 302      200  200  200     200   200     403
GET   /fiscal-years/                                           -   | 302      200  200  200     200   200     403
GET   /fiscal-years/reopenings/{reopening}/                    -   | 302      200  200  200     200   200     403
# --- page actions (302 = done and sent back to the page; for anon: sent to the login page) --------------------------
POST  /cycle/initiatives/{initiative}/approve/                 A   | 302      302  302  403     403   403     403
POST  /cycle/initiatives/{initiative}/approve/                 B   | 302      302  302  404     404   403     403
POST  /cycle/initiatives/{initiative}/plan/                    A   | 302      302  403  302     302   403     403
POST  /cycle/initiatives/{initiative}/plan/                    B   | 302      302  403  404     404   403     403
POST  /cycle/initiatives/{initiative}/results/                 A   | 302      302  403  302     302   403     403
POST  /cycle/initiatives/{initiative}/results/                 B   | 302      302  403  404     404   403     403
POST  /cycle/initiatives/{initiative}/propose/                 A   | 302      302  403  302     302   403     403
POST  /cycle/initiatives/{initiative}/propose/                 B   | 302      302  403  404     404   403     403
POST  /cycle/initiatives/{initiative}/review/                  A   | 302      302  403  403     403   403     403
POST  /cycle/initiatives/{initiative}/review/                  B   | 302      302  403  404     404   403     403
POST  /cycle/initiatives/{initiative}/send_back/               A   | 302      302  403  403     403   403     403
POST  /cycle/initiatives/{initiative}/send_back/               B   | 302      302  403  404     404   403     403
POST  /cycle/open/                                             -   | 302      302  403  403     403   403     403
POST  /cycle/{fy}/approve-plans/                               -   | 302      302  302  403     403   403     403
POST  /cycle/{fy}/carry-forward/                               -   | 302      302  403  403     403   403     403
POST  /cycle/{fy}/settings/                                    -   | 302      302  403  403     403   403     403
POST  /fiscal-years/{fy}/close/                                -   | 302      302  403  403     403   403     403
POST  /fiscal-years/{closed_fy}/reopen/                        -   | 302      302  403  403     403   403     403
POST  /fiscal-years/reopenings/{reopening}/approve/            -   | 302      302  302  403     403   403     403
POST  /fiscal-years/reopenings/{reopening}/withdraw/           -   | 302      302  302  403     403   403     403
POST  /kpis/entry/                                             A   | 302      302  403  302     302   403     403
POST  /kpis/entry/                                             B   | 302      302  403  404     404   403     403
POST  /kpis/approvals/                                         A   | 302      302  302  403     403   403     403
POST  /kpis/approvals/                                         B   | 302      302  302  403     403   403     403
POST  /kpis/rounds/new/                                        A   | 302      302  403  403     403   403     403
POST  /kpis/rounds/new/                                        B   | 302      302  403  403     403   403     403
POST  /kpis/rounds/{kpi_round}/close/                          A   | 302      302  403  403     403   403     403
POST  /kpis/rounds/{kpi_round}/close/                          B   | 302      302  403  404     404   403     403
POST  /kpis/targets/new/                                       A   | 302      302  403  403     403   403     403
POST  /kpis/targets/new/                                       B   | 302      302  403  403     403   403     403
POST  /kpis/targets/{kpi_target}/                              A   | 302      302  403  403     403   403     403
POST  /kpis/targets/{kpi_target}/                              B   | 302      302  403  404     404   403     403
POST  /kpis/targets/{kpi_target}/initiatives/                  A   | 302      302  403  403     403   403     403
POST  /kpis/targets/{kpi_target}/initiatives/                  B   | 302      302  403  404     404   403     403
POST  /kpis/targets/{kpi_target}/initiatives/{initiative}/unlink/ A   | 302      302  403  403     403   403     403
POST  /kpis/targets/{kpi_target}/initiatives/{initiative}/unlink/ B   | 302      302  403  404     404   403     403
POST  /kpis/initiatives/{initiative}/rating/                   A   | 302      302  403  403     403   403     403
POST  /kpis/initiatives/{initiative}/rating/                   B   | 302      302  403  404     404   403     403
POST  /kpis/initiatives/{initiative}/rating/clear/             A   | 302      302  403  403     403   403     403
POST  /kpis/initiatives/{initiative}/rating/clear/             B   | 302      302  403  404     404   403     403
POST  /emissions/{unit_code}/2023/record/                      A   | 302      302  403  302     302   403     403
POST  /emissions/{unit_code}/2023/record/                      B   | 302      302  403  404     404   403     403
POST  /emissions/{unit_code}/2023/post/                        A   | 302      302  403  302     302   403     403
POST  /emissions/{unit_code}/2023/post/                        B   | 302      302  403  404     404   403     403
# --- API ---------------------------------------------------------------------------------------------------------------
GET   /api/v1/subjects/                                        -   | 401/403  200  200  200     200   200     200
GET   /api/v1/fiscal-years/                                    -   | 401/403  200  200  200     200   200     200
GET   /api/v1/fiscal-years/{fy}/                               -   | 401/403  200  200  200     200   200     404
GET   /api/v1/fiscal-years/{fy}/table/?format=csv              -   | 401/403  200  200  200     200   200     403
GET   /api/v1/initiatives/                                     -   | 401/403  200  200  200     200   200     200
GET   /api/v1/initiatives/{initiative}/                        A   | 401/403  200  200  200     200   200     404
GET   /api/v1/initiatives/{initiative}/                        B   | 401/403  200  200  404     404   200     404
GET   /api/v1/org-units/                                       -   | 401/403  200  200  200     200   200     200
GET   /api/v1/org-units/{unit}/                                A   | 401/403  200  200  200     200   200     404
GET   /api/v1/org-units/{unit}/                                B   | 401/403  200  200  404     404   200     404
GET   /api/v1/people/                                          -   | 401/403  200  200  200     200   200     200
GET   /api/v1/people/{person}/                                 A   | 401/403  200  200  200     200   200     404
GET   /api/v1/people/{person}/                                 B   | 401/403  200  200  404     404   200     404
GET   /api/v1/org-units/export/?format=csv                     -   | 401/403  200  200  200     200   200     403
GET   /api/v1/role-assignments/                                -   | 401/403  200  200  200     200   200     200
GET   /api/v1/role-assignments/export/?format=csv              -   | 401/403  200  200  200     200   200     403
GET   /api/v1/kpis/metrics/                                    -   | 401/403  200  200  200     200   200     200
GET   /api/v1/kpis/metrics/{metric}/                           -   | 401/403  200  200  200     200   200     404
GET   /api/v1/kpis/metrics/{metric}/trend/?unit={unit_code}    A   | 401/403  200  200  200     200   200     404
GET   /api/v1/kpis/metrics/{metric}/trend/?unit={unit_code}    B   | 401/403  200  200  404     404   200     404
GET   /api/v1/kpis/metrics/{metric}/breakdown/?unit={unit_code}&fiscal_year={fy} A | 401/403 200 200 200 200 200 404
GET   /api/v1/kpis/metrics/{metric}/breakdown/?unit={unit_code}&fiscal_year={fy} B | 401/403 200 200 404 404 200 404
GET   /api/v1/kpis/targets/                                    -   | 401/403  200  200  200     200   200     200
GET   /api/v1/kpis/targets/{kpi_target}/                       A   | 401/403  200  200  200     200   200     404
GET   /api/v1/kpis/targets/{kpi_target}/                       B   | 401/403  200  200  404     404   200     404
GET   /api/v1/kpis/evaluation/?fiscal_year={fy}                -   | 401/403  200  200  200     200   200     200
GET   /api/v1/kpis/observations/                               -   | 401/403  200  200  200     200   200     200
GET   /api/v1/kpis/observations/{kpi_observation}/             A   | 401/403  200  200  200     200   200     404
GET   /api/v1/kpis/observations/{kpi_observation}/             B   | 401/403  200  200  404     404   200     404
GET   /api/v1/kpis/rounds/                                     -   | 401/403  200  200  200     200   200     200
GET   /api/v1/kpis/rounds/{kpi_round}/                         A   | 401/403  200  200  200     200   200     404
GET   /api/v1/kpis/rounds/{kpi_round}/                         B   | 401/403  200  200  404     404   200     404
GET   /api/v1/kpis/rounds/{kpi_round}/status/                  A   | 401/403  200  200  200     200   200     404
GET   /api/v1/kpis/rounds/{kpi_round}/status/                  B   | 401/403  200  200  404     404   200     404
GET   /api/v1/emissions/activity/                              -   | 401/403  200  200  200     200   200     200
GET   /api/v1/emissions/activity/{emission_activity}/          A   | 401/403  200  200  200     200   200     404
GET   /api/v1/emissions/activity/{emission_activity}/          B   | 401/403  200  200  404     404   200     404
GET   /api/v1/emissions/calculation/?unit={unit_code}&fiscal_year=2023 A | 401/403 200 200 200 200 200 404
GET   /api/v1/emissions/calculation/?unit={unit_code}&fiscal_year=2023 B | 401/403 200 200 404 404 200 404
GET   /api/v1/emissions/factor-sets/                           -   | 401/403  200  200  200     200   200     200
GET   /api/v1/emissions/factor-sets/jp-fuels-before-revision/  -   | 401/403  200  200  200     200   200     404
GET   /api/v1/emissions/factors/                               -   | 401/403  200  200  200     200   200     200
GET   /api/v1/emissions/factors/{emission_factor}/             -   | 401/403  200  200  200     200   200     404
GET   /api/v1/emissions/gwp/                                   -   | 401/403  200  200  200     200   200     200
GET   /api/v1/screening/lists/                                 -   | 401/403  200  200  200     200   200     403
GET   /api/v1/screening/versions/                              -   | 401/403  200  200  200     200   200     403
GET   /api/v1/year-locks/                                      -   | 401/403  200  200  200     200   200     403
GET   /api/v1/year-locks/{fy}/                                 -   | 401/403  200  200  200     200   200     403
GET   /api/v1/year-reopenings/                                 -   | 401/403  200  200  200     200   200     403
GET   /api/v1/year-reopenings/{reopening}/                     -   | 401/403  200  200  200     200   200     403
GET   /api/v1/year-reopenings/{reopening}/changes/             -   | 401/403  200  200  200     200   200     403
POST  /api/v1/initiatives/{initiative}/approve/                A   | 401/403  200  200  403     403   403     404
POST  /api/v1/initiatives/{initiative}/approve/                B   | 401/403  200  200  404     404   403     404
POST  /api/v1/initiatives/{initiative}/plan/                   A   | 401/403  200  403  200     200   403     404
POST  /api/v1/initiatives/{initiative}/plan/                   B   | 401/403  200  403  404     404   403     404
POST  /api/v1/initiatives/{initiative}/results/                A   | 401/403  200  403  200     200   403     404
POST  /api/v1/initiatives/{initiative}/results/                B   | 401/403  200  403  404     404   403     404
POST  /api/v1/initiatives/{initiative}/propose-rating/         A   | 401/403  200  403  200     200   403     404
POST  /api/v1/initiatives/{initiative}/propose-rating/         B   | 401/403  200  403  404     404   403     404
POST  /api/v1/initiatives/{initiative}/confirm-rating/         A   | 401/403  200  403  403     403   403     404
POST  /api/v1/initiatives/{initiative}/confirm-rating/         B   | 401/403  200  403  404     404   403     404
POST  /api/v1/initiatives/{initiative}/send-back/              A   | 401/403  200  403  403     403   403     404
POST  /api/v1/initiatives/{initiative}/send-back/              B   | 401/403  200  403  404     404   403     404
POST  /api/v1/initiatives/                                     A   | 401/403  201  403  403     403   403     403
POST  /api/v1/initiatives/                                     B   | 401/403  201  403  403     403   403     403
POST  /api/v1/kpis/observations/                               A   | 401/403  201  403  201     201   403     403
POST  /api/v1/kpis/observations/                               B   | 401/403  201  403  400     400   403     403
POST  /api/v1/kpis/observations/{kpi_observation}/submit/      A   | 401/403  200  403  200     200   403     404
POST  /api/v1/kpis/observations/{kpi_observation}/submit/      B   | 401/403  200  403  404     404   403     404
POST  /api/v1/kpis/observations/{kpi_observation}/approve/     A   | 401/403  200  200  403     403   403     404
POST  /api/v1/kpis/observations/{kpi_observation}/approve/     B   | 401/403  200  200  404     404   403     404
POST  /api/v1/kpis/observations/{kpi_observation}/return/      A   | 401/403  200  200  403     403   403     404
POST  /api/v1/kpis/observations/{kpi_observation}/return/      B   | 401/403  200  200  404     404   403     404
POST  /api/v1/kpis/targets/                                    A   | 401/403  201  403  403     403   403     403
POST  /api/v1/kpis/targets/                                    B   | 401/403  201  403  403     403   403     403
POST  /api/v1/kpis/targets/{kpi_target}/initiatives/           A   | 401/403  200  403  403     403   403     404
POST  /api/v1/kpis/targets/{kpi_target}/initiatives/           B   | 401/403  200  403  404     404   403     404
POST  /api/v1/kpis/rounds/                                     A   | 401/403  201  403  403     403   403     403
POST  /api/v1/kpis/rounds/                                     B   | 401/403  201  403  403     403   403     403
POST  /api/v1/emissions/activity/                              A   | 401/403  201  403  201     201   403     400
POST  /api/v1/emissions/activity/                              B   | 401/403  201  403  400     400   403     400
POST  /api/v1/fiscal-years/                                    -   | 401/403  201  403  403     403   403     403
POST  /api/v1/fiscal-years/{fy}/carry-forward/                 -   | 401/403  201  403  403     403   403     404
POST  /api/v1/year-locks/{fy}/close/                           -   | 401/403  200  403  403     403   403     403
POST  /api/v1/year-locks/{closed_fy}/reopen/                   -   | 401/403  201  403  403     403   403     403
POST  /api/v1/year-reopenings/{reopening}/approve/             -   | 401/403  200  200  403     403   403     403
POST  /api/v1/year-reopenings/{reopening}/withdraw/            -   | 401/403  200  200  403     403   403     403
"""
# fmt: on

# Rows that fail today because of a bug in src/ (see the report); strict, so they must be
# un-marked when the fix lands.
KNOWN_BUGS: dict[tuple[str, str, str], tuple[set[str], str]] = {
    # (method, path, target): (roles, reason) — cells expected to fail until a bug is fixed
}

# The state each POST row's target is put in first (through the real services).
PREPARE = {
    "approve": Status.DRAFT,
    "plan": Status.DRAFT,
    "results": Status.APPROVED,
    "propose": "approved+results",
    "propose-rating": "approved+results",
    "review": Status.PROPOSED,
    "confirm-rating": Status.PROPOSED,
    "send_back": Status.PROPOSED,
    "send-back": Status.PROPOSED,
    "carry-forward": "all confirmed",
}

# What each POST row sends.
BODIES: dict[str, dict[str, Any]] = {
    # pages (form posts)
    "/cycle/initiatives/{initiative}/approve/": {},
    "/cycle/initiatives/{initiative}/plan/": {"planned": "Edited plan"},
    "/cycle/initiatives/{initiative}/results/": {"results": "Done"},
    "/cycle/initiatives/{initiative}/propose/": {"rating": "2"},
    "/cycle/initiatives/{initiative}/review/": {"rating": "3"},
    "/cycle/initiatives/{initiative}/send_back/": {"note": "Rework"},
    "/cycle/open/": {"year": "2031"},
    "/cycle/{fy}/approve-plans/": {},
    "/cycle/{fy}/carry-forward/": {},
    "/cycle/{fy}/settings/": {"note": "Matrix note"},
    # the fiscal-year lock (core)
    "/fiscal-years/{fy}/close/": {},
    "/fiscal-years/{closed_fy}/reopen/": {"reason": "Matrix correction"},
    "/fiscal-years/reopenings/{reopening}/approve/": {},
    "/fiscal-years/reopenings/{reopening}/withdraw/": {},
    "/api/v1/year-locks/{fy}/close/": {},
    "/api/v1/year-locks/{closed_fy}/reopen/": {"reason": "Matrix correction"},
    "/api/v1/year-reopenings/{reopening}/approve/": {},
    "/api/v1/year-reopenings/{reopening}/withdraw/": {},
    # KPI write side (pages)
    "/kpis/entry/": {
        "unit": "{unit_code}",
        "period": "FY{fy}",
        "metric": "employees",
        "value": "10",
        "action": "save",
    },
    "/kpis/approvals/": {"action": "approve", "ids": "{kpi_observation}"},
    "/kpis/rounds/new/": {
        "title": "Matrix round",
        "org_unit": "{unit_code}",
        "fiscal_year": "{fy}",
        "period": "FY{fy}",
        "deadline": "2099-01-01",
        "metrics": "employees",
        "units": "{unit_code}",
    },
    "/kpis/rounds/{kpi_round}/close/": {},
    "/kpis/targets/new/": {
        "metric": "employees",
        "fiscal_year": "{fy}",
        "org_unit": "{unit_code}",
        "kind": "at_least",
        "value": "5",
    },
    "/kpis/targets/{kpi_target}/": {"kind": "at_most", "value": "80"},
    "/kpis/targets/{kpi_target}/initiatives/": {"initiative": "{initiative}"},
    "/kpis/targets/{kpi_target}/initiatives/{initiative}/unlink/": {},
    "/kpis/initiatives/{initiative}/rating/": {"rating": "2", "reason": "Matrix"},
    "/kpis/initiatives/{initiative}/rating/clear/": {},
    "/emissions/{unit_code}/2023/record/": {
        "period": "2023-06",
        "activity": "diesel",
        "quantity": "5",
        "unit": "L",
    },
    "/emissions/{unit_code}/2023/post/": {"basis": "market"},
    # API (JSON)
    "/api/v1/initiatives/{initiative}/approve/": {},
    "/api/v1/initiatives/{initiative}/plan/": {"planned": ["Edited plan"]},
    "/api/v1/initiatives/{initiative}/results/": {"results": ["Done"]},
    "/api/v1/initiatives/{initiative}/propose-rating/": {"rating": 2},
    "/api/v1/initiatives/{initiative}/confirm-rating/": {},
    "/api/v1/initiatives/{initiative}/send-back/": {"note": "Rework"},
    "/api/v1/initiatives/": {
        "year": "{fy}",
        "subject": 7,
        "owner_unit": "{unit_code}",
        "planned": ["New"],
    },
    "/api/v1/fiscal-years/": {"year": 2031},
    "/api/v1/fiscal-years/{fy}/carry-forward/": {},
    # KPI write side (API)
    "/api/v1/kpis/observations/": {
        "metric": "employees",
        "org_unit": "{unit_code}",
        "period": "FY{fy}",
        "value": 10,
    },
    "/api/v1/kpis/observations/{kpi_observation}/submit/": {},
    "/api/v1/kpis/observations/{kpi_observation}/approve/": {},
    "/api/v1/kpis/observations/{kpi_observation}/return/": {"note": "Matrix"},
    "/api/v1/kpis/targets/": {
        "metric": "employees",
        "fiscal_year": "{fy}",
        "org_unit": "{unit_code}",
        "kind": "at_least",
        "value": "5",
    },
    "/api/v1/kpis/targets/{kpi_target}/initiatives/": {"initiative": "{initiative}"},
    "/api/v1/kpis/rounds/": {
        "title": "Matrix round",
        "org_unit": "{unit_code}",
        "fiscal_year": "{fy}",
        "period": "FY{fy}",
        "deadline": "2099-01-01",
        "metrics": ["employees"],
        "units": ["{unit_code}"],
    },
    "/api/v1/emissions/activity/": {
        "org_unit": "{unit_code}",
        "period": "2023-06",
        "activity": "diesel",
        "quantity": "5",
        "unit": "L",
    },
}

TARGETS = {"A": "alpha-div", "B": "bravo-div"}

# KPI data of the world (see `kpi_data` below): a target and an approved observation of
# KPI_METRIC at each division; ids by ("target" | "observation", unit code).
KPI_METRIC = "co2-emissions"
KPI_IDS: dict[tuple[str, str], int] = {}

# Emissions data of the world (see `emissions_data` below): diesel used in April of FY2023 at
# each division, its source naming the unit; ids by ("activity", unit code) and ("factor", "").
EMISSION_IDS: dict[tuple[str, str], int] = {}


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    target: str
    expected: str

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/")


def parse(table: str) -> list[tuple[Case, str]]:
    cases = []
    for line in table.strip().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        left, right = line.split("|")
        method, path, target = left.split()
        for role, expected in zip(ROLES, right.split(), strict=True):
            cases.append((Case(method, path, target, expected), role))
    return cases


def case_id(value: Any) -> str:
    if isinstance(value, Case):
        return f"{value.method} {value.path} [{value.target}]"
    return str(value)


def params() -> list[Any]:
    found = []
    for case, role in parse(EXPECTED):
        marks = []
        roles, reason = KNOWN_BUGS.get((case.method, case.path, case.target), (set(), ""))
        if role in roles:
            marks.append(pytest.mark.xfail(strict=True, reason=reason))
        found.append(pytest.param(case, role, marks=marks, id=f"{case_id(case)}-{role}"))
    return found


# --- fixtures and helpers ---------------------------------------------------------------------


# Fiscal years of the lock (see `lock_data`): CLOSED_FY closed with nothing pending, and a
# closed year with a reopening awaiting approval, asked for by the fixtures' system actor.
CLOSED_FY = 2011
LOCK_IDS: dict[str, int] = {}


@pytest.fixture(scope="module")
def lock_data(module_world, django_db_blocker):
    import factories as f

    from tatara.core import year_lock

    with django_db_blocker.unblock():
        for year in (2010, CLOSED_FY):
            year_lock.close_year(actor=f.SYSTEM, year=year)
        LOCK_IDS["reopening"] = year_lock.request_reopening(
            actor=f.SYSTEM, year=2010, reason="Matrix reopening"
        ).pk
    yield
    LOCK_IDS.clear()


@pytest.fixture
def world(module_world, kpi_data, emissions_data, lock_data, db):
    module_world.refresh()
    return module_world


@pytest.fixture(scope="module")
def kpi_data(module_world, django_db_blocker):
    """A target and an approved observation at each division, for the KPI pages and API
    (inside the module world's transaction, so rolled back with it)."""
    from kpi_data import put, target

    from tatara.kpis.choices import TargetKind

    with django_db_blocker.unblock():
        for code in TARGETS.values():
            unit = module_world.units[code]
            made = target(KPI_METRIC, unit, module_world.year, TargetKind.AT_MOST, 100)
            observation = put(KPI_METRIC, unit, module_world.year, 90)
            KPI_IDS[("target", code)] = made.pk
            KPI_IDS[("observation", code)] = observation.pk
    yield
    KPI_IDS.clear()


@pytest.fixture(scope="module")
def emissions_data(module_world, django_db_blocker):
    """Activity data at each division for the emissions pages and API (FY2023: the revised
    fuel factors apply; no KPI observation of that year to collide with)."""
    import datetime as dt

    from tatara.emissions import services as emission_services
    from tatara.emissions.models import EmissionFactor

    with django_db_blocker.unblock():
        for code in TARGETS.values():
            made = emission_services.record_activity(
                actor=module_world.system,
                org_unit=module_world.units[code],
                activity="diesel",
                period_start=dt.date(2023, 4, 1),
                period_end=dt.date(2023, 4, 30),
                quantity="1500",
                unit="L",
                source=f"meter {code} ~{code}~",
            )
            EMISSION_IDS[("activity", code)] = made.pk
        EMISSION_IDS[("factor", "")] = EmissionFactor.objects.order_by("pk").first().pk
    yield
    EMISSION_IDS.clear()


@pytest.fixture(scope="module")
def sessions(module_world, django_db_blocker):
    """A signed-in session per role, made once for the module (signing in is not under test
    here, and doing it ~400 times costs seconds)."""
    with django_db_blocker.unblock():
        cookies = {}
        for role in ROLES[1:]:
            browser = Client()
            browser.force_login(module_world.users[role])
            cookies[role] = browser.cookies[settings.SESSION_COOKIE_NAME].value
    return cookies


def state() -> tuple[Any, ...]:
    """Everything a page or API write can change."""
    return (
        list(Initiative.objects.order_by("pk").values()),
        list(Measure.objects.order_by("pk").values()),
        list(CycleYear.objects.order_by("pk").values()),
        Evidence.objects.count(),
        AuditEvent.objects.count(),
    )


def prepare_kpi(world: Any, case: Case, step: str) -> None:
    """KPI write rows: put the row in the state the action needs (through the services or,
    for plain states, directly), and open a round for the rows that address one."""
    import datetime as dt

    from tatara.kpis import rounds as kpi_rounds
    from tatara.kpis.models import Metric, Observation, RatingOverride, Target

    if "kpi" not in case.path:
        return
    code = TARGETS.get(case.target, "alpha-div")
    observation = Observation.objects.filter(pk=KPI_IDS.get(("observation", code), 0))
    if case.method == "POST" and step == "submit":
        observation.update(status="draft")
    elif case.method == "POST" and (step in ("approve", "return") or step == "approvals"):
        observation.update(status="submitted")
    elif case.method == "POST" and step == "unlink":
        Target.objects.get(pk=KPI_IDS[("target", code)]).initiatives.add(world.initiatives[code])
    elif case.method == "POST" and step == "clear":
        RatingOverride.objects.create(initiative=world.initiatives[code], rating=2, reason="x")
    if "{kpi_round}" in case.path:
        unit = world.units[code]
        made = kpi_rounds.open_round(
            actor=world.system,
            org_unit=unit,
            title=f"Round {code}",
            fiscal_year=world.year,
            period_start=dt.date(world.year, 4, 1),
            period_end=dt.date(world.year + 1, 3, 31),
            deadline=dt.date(world.year + 1, 5, 31),
            metrics=[Metric.objects.get(code=KPI_METRIC)],
            units=[unit],
        )
        KPI_IDS[("round", code)] = made.pk


def prepare(world: Any, advance: Any, case: Case) -> None:
    step = case.path.rstrip("/").rsplit("/", 1)[-1]
    prepare_kpi(world, case, step)
    wanted = PREPARE.get(step) if case.method == "POST" else None
    if "reopenings" in case.path:  # a reopening's "approve" is not a plan's
        wanted = None
    if wanted == "all confirmed":
        for code in TARGETS.values():
            advance(world.fresh(code), Status.CONFIRMED)
    elif wanted == "approved+results":
        advance(world.fresh(TARGETS[case.target]), Status.APPROVED, results=["Done before"])
    elif wanted is not None:
        advance(world.fresh(TARGETS[case.target]), wanted)


def fill(template: Any, world: Any, target: str) -> Any:
    if isinstance(template, list):
        return [fill(v, world, target) for v in template]
    if not isinstance(template, str):
        return template
    code = TARGETS.get(target, "alpha-div")
    return template.format(
        fy=world.year,
        initiative=world.initiatives[code].pk,
        unit=world.units[code].pk,
        unit_code=code,
        person=world.people[code].pk,
        metric=KPI_METRIC,
        kpi_target=KPI_IDS.get(("target", code), 0),
        kpi_observation=KPI_IDS.get(("observation", code), 0),
        kpi_round=KPI_IDS.get(("round", code), 0),
        emission_activity=EMISSION_IDS.get(("activity", code), 0),
        emission_factor=EMISSION_IDS.get(("factor", ""), 0),
        reopening=LOCK_IDS.get("reopening", 0),
        closed_fy=CLOSED_FY,
    )


def visible_codes(world: Any, role: str) -> set[str]:
    return set() if role == "anon" else world.unit_codes_visible_to(role)


def forbidden_urls(world: Any, role: str) -> list[str]:
    visible = visible_codes(world, role)
    urls = [
        f"/cycle/initiatives/{i.pk}/"
        for code, i in world.initiatives.items()
        if code not in visible
    ]
    urls += [
        f"/organisation/units/{u.pk}/" for code, u in world.units.items() if code not in visible
    ]
    return urls


def planned_text(code: str) -> str:
    return f"Planned ~{code}:initiative~"


def csv_planned(body: bytes) -> set[str]:
    return {row["planned"] for row in csv.DictReader(io.StringIO(body.decode("utf-8")))}


def listing(data: Any) -> list[dict[str, Any]]:
    return data["results"] if isinstance(data, dict) else data


def check_no_leak(world: Any, role: str, case: Case, response: Any) -> None:
    """Nothing outside `role`'s scope in any answer: pages, data, error messages."""
    body = response.content.decode("utf-8", errors="replace")
    # anonymous users see no more than an employee: nothing of any unit
    for marker in world.markers_outside("employee" if role == "anon" else role):
        assert marker not in body, f"{marker} leaked to {role} on {case.method} {case.path}"
    if not case.is_api and response.status_code == 200:
        for url in forbidden_urls(world, role):
            assert f'"{url}"' not in body, f"link {url} leaked to {role} on {case.path}"


KPI_LISTS = {
    "/api/v1/kpis/targets/",
    "/api/v1/kpis/evaluation/?fiscal_year={fy}",
    "/api/v1/kpis/observations/",
}


def check_content(world: Any, role: str, case: Case, response: Any) -> None:
    """What a 200 GET must hold for `role`: exactly what its scope holds."""
    body = response.content.decode("utf-8", errors="replace")
    visible = visible_codes(world, role)
    path = case.path
    seen_initiatives = {c for c in world.initiatives if c in visible}
    if path in ("/cycle/{fy}/", "/cycle/roadmap/"):
        for code in seen_initiatives:
            assert planned_text(code) in body, f"{code}'s initiative missing for {role}"
    elif path in ("/cycle/{fy}/export.csv", "/api/v1/fiscal-years/{fy}/table/?format=csv"):
        assert csv_planned(response.content) == {planned_text(c) for c in seen_initiatives}
    elif path == "/organisation/":
        for code in visible:
            assert f"~{code}~" in body
    elif path == "/organisation/people/":
        for code in visible - {"grp"}:
            assert f"~{code}:person~" in body
    elif path == "/api/v1/initiatives/":
        ids = {row["id"] for row in listing(response.json())}
        assert ids == {world.initiatives[c].pk for c in seen_initiatives}
    elif path == "/api/v1/org-units/":
        assert {row["code"] for row in listing(response.json())} == visible
    elif path in ("/organisation/units/export/?format=csv", "/api/v1/org-units/export/?format=csv"):
        assert {row["code"] for row in csv.DictReader(io.StringIO(body))} == visible
    elif path in (
        "/organisation/roles/export/?format=csv",
        "/api/v1/role-assignments/export/?format=csv",
    ):
        units = {row["unit"] for row in csv.DictReader(io.StringIO(body))}
        assert units and units <= visible
    elif path == "/api/v1/role-assignments/":
        units = {row["unit"] for row in listing(response.json())}
        assert units <= visible and bool(units) == bool(visible)
    elif path == "/api/v1/people/":
        numbers = {row["employee_number"] for row in listing(response.json())}
        assert numbers == {f"EMP-{c}" for c in visible - {"grp"}}
    elif path == "/api/v1/subjects/":
        assert len(listing(response.json())) == (9 if visible else 0)
    elif path == "/api/v1/fiscal-years/":
        assert [row["year"] for row in listing(response.json())] == (
            [world.year] if visible else []
        )
    elif path in ("/kpis/{fy}/", "/kpis/{fy}/export.csv") or path in KPI_LISTS:
        divisions = set(TARGETS.values()) & visible
        if path == "/kpis/{fy}/":
            for code in divisions:
                assert f"~{code}~" in body, f"{code}'s target missing for {role}"
            assert body.count("data-target=") == len(divisions)
        elif path == "/kpis/{fy}/export.csv":
            assert {row["org_unit"] for row in csv.DictReader(io.StringIO(body))} == divisions
        else:
            assert {row["org_unit"] for row in listing(response.json())} == divisions
    elif path == "/api/v1/kpis/metrics/":
        assert (len(listing(response.json())) > 30) == bool(visible)
    elif path.endswith("export.pdf") or path.startswith("/kpis/metrics/{metric}/export"):
        assert response.content.startswith(b"%PDF")
    elif path.startswith("/api/v1/kpis/") and case.target in TARGETS:
        assert response.json()["org_unit"] == TARGETS[case.target]
    elif case.target in TARGETS:
        code = TARGETS[case.target]
        assert code in visible, f"{role} read {code}'s data outside its scope"
        marker = (
            f"~{code}:initiative~"
            if "initiative" in path
            else f"~{code}:person~"
            if "people" in path
            else f"~{code}~"
        )
        if path.startswith("/api/v1/org-units/"):
            assert response.json()["code"] == code
        else:
            assert marker in body


def request(client: Client, world: Any, case: Case) -> Any:
    url = fill(case.path, world, case.target)
    if case.method == "GET":
        return client.get(url)
    body = BODIES[case.path]
    body = {k: fill(v, world, case.target) for k, v in body.items()}
    if case.is_api:
        return client.post(url, data=json.dumps(body), content_type="application/json")
    return client.post(url, data=body)


# --- the matrix -------------------------------------------------------------------------------


def test_the_table_covers_every_role_and_endpoint():
    rows = {(c.method, c.path, c.target) for c, _ in parse(EXPECTED)}
    assert len(parse(EXPECTED)) == len(rows) * len(ROLES)
    assert all(c.expected for c, _ in parse(EXPECTED))
    assert {p for m, p, t in rows if m == "POST"} == set(BODIES)


@pytest.mark.parametrize(("case", "role"), params())
def test_scope(world, sessions, advance, client, case, role):
    prepare(world, advance, case)
    if role != "anon":
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[role]
    before = state()
    response = request(client, world, case)

    allowed = {int(code) for code in case.expected.split("/")}
    assert response.status_code in allowed, (
        f"{role}: {case.method} {fill(case.path, world, case.target)} gave {response.status_code}, "
        f"expected {case.expected}"
    )
    if role == "anon" and not case.is_api:
        assert response["Location"].startswith("/accounts/login/?next=")
    check_no_leak(world, role, case, response)

    if case.method == "POST":
        refused = response.status_code >= 400 or role == "anon"
        if refused:
            assert state() == before, f"{role}'s refused {case.method} {case.path} changed data"
        else:
            assert state() != before, f"{role}'s accepted {case.method} {case.path} changed nothing"
            if response.status_code == 302:  # a page action: back to a page, not to login
                assert not response["Location"].startswith("/accounts/login/")
    elif response.status_code == 200:
        check_content(world, role, case, response)


# --- exports in every format ------------------------------------------------------------------


def xlsx_text(data: bytes) -> str:
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "md", "html"])
@pytest.mark.parametrize("role", ["company_risk_officer", "compliance_dept"])
def test_exports_in_every_format_hold_only_the_viewers_scope(world, client, role, fmt):
    client.force_login(world.users[role])
    response = client.get(f"/cycle/{world.year}/export.{fmt}")
    assert response.status_code == 200
    body = xlsx_text(response.content) if fmt == "xlsx" else response.content.decode("utf-8")
    assert "bravo" not in body.lower()
    for marker in world.markers_outside(role):
        assert marker not in body
    for code in world.unit_codes_visible_to(role) & set(world.initiatives):
        assert planned_text(code) in body


# --- around the edges -------------------------------------------------------------------------


def test_searching_and_filtering_cannot_widen_the_scope(world, client):
    client.force_login(world.users["company_risk_officer"])
    for url in (
        "/organisation/people/?q=bravo&all=1",
        "/organisation/people/?q=EMP-&all=1",
        f"/cycle/{world.year}/?owner=bravo",
    ):
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        for marker in world.markers_outside("company_risk_officer"):
            assert marker not in body, url  # the query itself is echoed back, so not "bravo"
        assert "EMP-bravo" not in body, url
    assert "EMP-alpha-div" in client.get("/organisation/people/?q=EMP-&all=1").content.decode()
    for url in (
        f"/api/v1/initiatives/?cycle__fiscal_year__year={world.year}&status=draft",
        "/api/v1/initiatives/?subject__number=3",
        "/api/v1/org-units/?kind=company",
        "/api/v1/org-units/?country=US",
        "/api/v1/people/?is_active=true",
    ):
        rows = listing(client.get(url).json())
        assert "bravo" not in json.dumps(rows).lower(), url
    assert [r["code"] for r in listing(client.get("/api/v1/org-units/?kind=company").json())] == [
        "alpha"
    ]
    draft_ids = {r["id"] for r in listing(client.get("/api/v1/initiatives/?status=draft").json())}
    assert draft_ids == {world.initiatives["alpha-div"].pk}


def test_the_dashboard_shows_only_the_viewers_tasks(world, advance, client):
    for code in ("alpha-div", "bravo-div"):
        advance(world.fresh(code), Status.APPROVED)
    client.force_login(world.users["company_risk_officer"])
    body = client.get("/").content.decode()
    assert f"/cycle/initiatives/{world.initiatives['alpha-div'].pk}/" in body
    assert f"/cycle/initiatives/{world.initiatives['bravo-div'].pk}/" not in body
    assert "bravo" not in body.lower()


def test_the_initiative_page_of_next_year_does_not_link_across_companies(world, advance, client):
    from tatara.cycle import services

    for code in TARGETS.values():
        advance(world.fresh(code), Status.CONFIRMED)
    new_cycle = services.carry_forward(actor=world.system, cycle=world.cycle)
    successor = Initiative.objects.get(cycle=new_cycle, owner_unit=world.units["alpha-div"])
    client.force_login(world.users["company_risk_officer"])
    body = client.get(f"/cycle/initiatives/{successor.pk}/").content.decode()
    assert f"/cycle/initiatives/{world.initiatives['alpha-div'].pk}/" in body  # its own lineage
    assert "bravo" not in body.lower()
    other = Initiative.objects.get(cycle=new_cycle, owner_unit=world.units["bravo-div"])
    assert client.get(f"/cycle/initiatives/{other.pk}/").status_code == 404
    assert client.get(f"/api/v1/initiatives/{other.pk}/").status_code == 404


# --- authentication ---------------------------------------------------------------------------


def test_token_authentication_applies_the_users_scope(world):
    token = Token.objects.create(user=world.users["company_risk_officer"])
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    rows = listing(api.get("/api/v1/initiatives/").json())
    assert {r["id"] for r in rows} == {world.initiatives[c].pk for c in ("alpha", "alpha-div")}
    assert api.get(f"/api/v1/initiatives/{world.initiatives['bravo-div'].pk}/").status_code == 404
    # a token client writes without a CSRF token, inside its scope only
    before = state()
    bravo = world.initiatives["bravo-div"].pk
    assert (
        api.post(
            f"/api/v1/initiatives/{bravo}/plan/",
            {"planned": ["x"]},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert state() == before
    alpha = world.initiatives["alpha-div"].pk
    response = api.post(
        f"/api/v1/initiatives/{alpha}/plan/",
        {"planned": ["Token plan"]},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["planned"] == ["Token plan"]
    # the token is for the API only: pages still want a session
    assert api.get("/cycle/").status_code == 302


def test_a_bad_token_is_refused(world):
    api = Client(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api.get("/api/v1/initiatives/").status_code in (401, 403)
    assert Client().get("/api/v1/initiatives/").status_code in (401, 403)


def test_the_token_endpoint_gives_a_token_for_good_credentials(world, password):
    response = Client().post("/api/v1/auth/token/", {"username": "auditor", "password": password})
    assert response.status_code == 200
    assert Token.objects.get(user=world.users["auditor"]).key == response.json()["token"]
    assert (
        Client()
        .post("/api/v1/auth/token/", {"username": "auditor", "password": "wrong"})
        .status_code
        == 400
    )


def test_csrf_is_enforced_for_session_posts(world):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.users["csr_admin"])
    before = state()
    response = browser.post(
        "/api/v1/fiscal-years/", {"year": 2031}, content_type="application/json"
    )
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    assert browser.post("/cycle/open/", {"year": "2031"}).status_code == 403
    alpha = world.initiatives["alpha-div"].pk
    assert browser.post(f"/cycle/initiatives/{alpha}/approve/").status_code == 403
    assert state() == before

    browser.get("/")  # a page hands out the CSRF cookie
    token = browser.cookies["csrftoken"].value
    response = browser.post(
        "/api/v1/fiscal-years/",
        {"year": 2031},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 201
    response = browser.post(f"/cycle/initiatives/{alpha}/approve/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Initiative.objects.get(pk=alpha).status == Status.APPROVED


def test_token_posts_need_no_csrf_token(world):
    token = Token.objects.create(user=world.users["csr_admin"])
    api = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.post("/api/v1/fiscal-years/", {"year": 2032}, content_type="application/json")
    assert response.status_code == 201
    assert CycleYear.objects.filter(fiscal_year__year=2032).exists()

"""The scope matrix of what is served by id outside the main tables: evidence files (cycle and
KPI), background jobs (page, progress, result file, the API's import status), role grants,
list versions, lists, control-list rows, countries and subjects — the seven roles of tests/test_scope_matrix.py, against records of
alpha-div ("A") and bravo-div ("B"). Besides the status: a 200 never holds the marker of a unit
outside the viewer's scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factories as f
import pytest
from django.core.files.base import ContentFile
from django.test import Client

from tatara.core.models import Job, JobStatus
from tatara.core.permissions import SystemActor
from tatara.cycle.models import Evidence
from tatara.kpis.models import Metric, Observation
from tatara.organisation.roles import Role

ROLES = (
    "anon",
    "csr_admin",
    "group_risk_officer",
    "company_risk_officer",
    "compliance_dept",
    "auditor",
    "employee",
)
TARGETS = {"A": "alpha-div", "B": "bravo-div"}

# fmt: off
EXPECTED = """
# method path                                              target | anon     csr  risk officer compl auditor employee
GET   /cycle/evidence/{cycle_evidence}/                       A   | 302      200  200  200     200   200     404
GET   /cycle/evidence/{cycle_evidence}/                       B   | 302      200  200  404     404   200     404
GET   /kpis/evidence/{kpi_evidence}/                          A   | 302      200  200  200     200   200     403
GET   /kpis/evidence/{kpi_evidence}/                          B   | 302      200  200  404     404   200     403
GET   /jobs/{job}/                                            A   | 302      200  200  200     200   200     404
GET   /jobs/{job}/                                            B   | 302      200  200  404     404   200     404
GET   /jobs/{job}/progress/                                   A   | 302      200  200  200     200   200     404
GET   /jobs/{job}/progress/                                   B   | 302      200  200  404     404   200     404
GET   /jobs/{job}/result/                                     A   | 302      200  200  200     200   200     404
GET   /jobs/{job}/result/                                     B   | 302      200  200  404     404   200     404
GET   /api/v1/org-units/import/{job}/                         A   | 401/403  200  200  200     200   200     404
GET   /api/v1/org-units/import/{job}/                         B   | 401/403  200  200  404     404   200     404
GET   /api/v1/role-assignments/{grant}/                       A   | 401/403  200  200  200     200   200     404
GET   /api/v1/role-assignments/{grant}/                       B   | 401/403  200  200  404     404   200     404
GET   /api/v1/subjects/{subject}/                             -   | 401/403  200  200  200     200   200     404
GET   /screening/versions/{version}/                          -   | 302      200  200  200     200   200     403
GET   /api/v1/screening/versions/{version}/                   -   | 401/403  200  200  200     200   200     403
GET   /api/v1/screening/versions/{version}/diff/              -   | 401/403  200  200  200     200   200     403
GET   /api/v1/screening/lists/custom/                         -   | 401/403  200  200  200     200   200     403
GET   /api/v1/export-control/control-rows/7/                  -   | 401/403  200  200  200     200   200     404
GET   /api/v1/export-control/countries/KP/                    -   | 401/403  200  200  200     200   200     404
GET   /api/v1/screening/clearings/                            -   | 401/403  200  200  200     200   200     403
GET   /api/v1/emissions/calculations/                         -   | 401/403  200  200  200     200   200     200
"""
# fmt: on


def params() -> list[Any]:
    found = []
    for line in EXPECTED.strip().splitlines():
        if line.lstrip().startswith("#"):
            continue
        left, right = line.split("|")
        method, path, target = left.split()
        for role, expected in zip(ROLES, right.split(), strict=True):
            found.append(
                pytest.param(
                    method, path, target, expected, role, id=f"{method} {path} [{target}]-{role}"
                )
            )
    return found


def marker(code: str) -> str:
    return f"~{code}:file~"


def records(world: Any, code: str) -> dict[str, int]:
    unit = world.units[code]
    initiative = world.initiatives[code]
    evidence = Evidence(initiative=initiative, description=marker(code))
    evidence.file.save(f"minutes-{code}.txt", ContentFile(marker(code).encode()), save=False)
    evidence.save()
    observation = Observation.objects.create(
        metric=Metric.objects.order_by("pk").first(),
        org_unit=unit,
        period_start=dt.date(world.year, 4, 1),
        period_end=dt.date(world.year + 1, 3, 31),
        value=Decimal(1),
        original_value=Decimal(1),
        original_unit="t",
    )
    observation.evidence.save(f"meter-{code}.txt", ContentFile(marker(code).encode()))
    job = Job.objects.create(
        kind="organisation.units_import",
        label=f"Import organisation units {marker(code)}.csv",
        status=JobStatus.SUCCEEDED,
        org_unit=unit,
        system_actor="test",
        runner="tatara.core.tabular.jobs.run_import_job",
        finished_at=dt.datetime.now(dt.UTC),
        result={"summary": f"Applied {marker(code)}", "counts": {"created": 1}},
    )
    job.result_file.save(f"units-changes-{code}.csv", ContentFile(marker(code).encode()))
    holder = f.UserFactory(username=f"grantee-{code}")
    grant = f.grant(holder, Role.AUDITOR, unit)
    return {
        "cycle_evidence": evidence.pk,
        "kpi_evidence": observation.pk,
        "job": job.pk,
        "grant": grant.pk,
    }


def list_version(tmp_path: Any) -> int:
    """A company's own watch list, loaded: group-wide reference data, one version."""
    from tatara.screening import services as screening_services

    path = tmp_path / "watch.csv"
    path.write_text("name,country,kind\nOrion Dynamics,RU,entity\n", encoding="utf-8")
    version = screening_services.load_list(actor=SystemActor("test"), source="custom", path=path)
    return int(version.pk)


@pytest.fixture
def data(world: Any, tmp_path: Any) -> dict[str, Any]:
    found = {"world": world, **{key: records(world, code) for key, code in TARGETS.items()}}
    found["-"] = {**found["A"], "version": list_version(tmp_path)}
    return found


@pytest.mark.parametrize(("method", "path", "target", "expected", "role"), params())
def test_files_and_jobs_scope(
    data: dict[str, Any], method: str, path: str, target: str, expected: str, role: str
) -> None:
    world = data["world"]
    client = Client()
    if role != "anon":
        client.force_login(world.users[role])
    ids = data[target]
    url = path.format(subject=5, **ids)
    response = client.get(url)
    allowed = {int(code) for code in expected.split("/")}
    assert response.status_code in allowed, f"{role}: GET {url} gave {response.status_code}"
    if response.status_code != 200:
        return
    body = b"".join(response.streaming_content) if response.streaming else response.content
    visible = world.unit_codes_visible_to(role)
    for code in TARGETS.values():
        if code not in visible:
            assert marker(code).encode() not in body, f"{role} read {code}'s file"

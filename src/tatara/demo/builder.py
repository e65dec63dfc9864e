"""The demo data set: a small group, demo users for each role, the seed's FY2019 table run
through the real flow in the order of a year — the CSR office drafts the plan and the Group
Risk Management Officer approves it; the KPI targets are set and linked, the year's values
entered, submitted and approved by another person (data/fy2019_kpis.yaml, with the base year
FY2010 and FY2017–FY2018 as history); the owner enters the results and proposes each rating,
the CSR office confirms it — then FY2020 is opened from it by carry-forward, which closes
FY2019 in the fiscal-year lock (core.year_lock), and the CSR office closes the past years
whose figures are history. Every two-person step is taken by two people.

The companies other than the parent are invented for the demo; the FY2019 table is the seed's,
verbatim (data/fy2019_table.yaml); the site figures are invented so that the consolidated group
figures reproduce the seed's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth import get_user_model
from django.db import transaction

from tatara.core import year_lock
from tatara.core.models import FiscalYear
from tatara.core.permissions import SystemActor
from tatara.cycle import services as cycle_services
from tatara.cycle.models import CycleYear, Subject
from tatara.demo.kpi_data import build_kpis
from tatara.emissions.demo_data import load_emissions_demo
from tatara.export_control.demo_data import block_confirmed_alerts, load_export_control_demo
from tatara.organisation import services as org_services
from tatara.organisation.choices import EmploymentType, UnitKind
from tatara.organisation.models import OrgUnit, Person
from tatara.organisation.roles import Role
from tatara.screening.demo_data import load_batch_demo

DATA_DIR = Path(__file__).resolve().parent / "data"
DEMO_PASSWORD = "tatara-demo"  # noqa: S105 - printed for the local demo only

# code, name, kind, parent code, country, consolidated, Japanese name
UNITS: list[tuple[str, str, str, str | None, str, bool, str]] = [
    ("hm-group", "Hitachi Metals Group", UnitKind.GROUP, None, "JP", True, "日立金属グループ"),
    ("hm", "Hitachi Metals, Ltd.", UnitKind.COMPANY, "hm-group", "JP", True, "日立金属株式会社"),
    ("csr-office", "CSR Management Office", UnitKind.DIVISION, "hm", "JP", True, "CSR推進室"),
    (
        "compliance",
        "Compliance Department",
        UnitKind.DIVISION,
        "hm",
        "JP",
        True,
        "コンプライアンス部",
    ),
    ("hr", "Human Resources Department", UnitKind.DIVISION, "hm", "JP", True, "人事部"),
    (
        "safety-health",
        "Safety and Health Department",
        UnitKind.DIVISION,
        "hm",
        "JP",
        True,
        "安全衛生部",
    ),
    (
        "environment",
        "Environmental Management Department",
        UnitKind.DIVISION,
        "hm",
        "JP",
        True,
        "環境管理部",
    ),
    ("procurement", "Procurement Department", UnitKind.DIVISION, "hm", "JP", True, "調達部"),
    (
        "infosys",
        "Information Systems Department",
        UnitKind.DIVISION,
        "hm",
        "JP",
        True,
        "情報システム部",
    ),
    (
        "research",
        "Global Research & Innovative Technology Center",
        UnitKind.DIVISION,
        "hm",
        "JP",
        True,
        "研究開発センター",
    ),
    ("legal", "Legal Department", UnitKind.DIVISION, "hm", "JP", True, "法務部"),
    ("steel-div", "Specialty Steel Division", UnitKind.DIVISION, "hm", "JP", True, "特殊鋼事業部"),
    ("yasugi-works", "Yasugi Works", UnitKind.SITE, "steel-div", "JP", True, "安来工場"),
    (
        "magnet-div",
        "Magnetic Materials Division",
        UnitKind.DIVISION,
        "hm",
        "JP",
        True,
        "磁性材料事業部",
    ),
    ("kumagaya-works", "Kumagaya Works", UnitKind.SITE, "magnet-div", "JP", True, "熊谷工場"),
    (
        "hm-tools-jp",
        "HM Precision Tools Co., Ltd. (demo)",
        UnitKind.COMPANY,
        "hm-group",
        "JP",
        True,
        "HMプレシジョンツール株式会社（デモ）",
    ),
    (
        "hm-tools-jp-plant",
        "Moka Plant (demo)",
        UnitKind.SITE,
        "hm-tools-jp",
        "JP",
        True,
        "真岡工場（デモ）",
    ),
    ("hm-america", "HM America, Inc. (demo)", UnitKind.COMPANY, "hm-group", "US", True, ""),
    ("hm-america-nc", "North Carolina Plant (demo)", UnitKind.SITE, "hm-america", "US", True, ""),
    ("hm-suzhou", "HM (Suzhou) Co., Ltd. (demo)", UnitKind.COMPANY, "hm-group", "CN", True, ""),
    ("hm-suzhou-plant", "Suzhou Plant (demo)", UnitKind.SITE, "hm-suzhou", "CN", True, ""),
    (
        "hm-tools-jp-kuwana",
        "Kuwana Plant (demo, sold 2018)",
        UnitKind.SITE,
        "hm-tools-jp",
        "JP",
        True,
        "桑名工場（デモ、2018年売却）",
    ),
    ("hm-europe", "HM Europe GmbH (demo)", UnitKind.COMPANY, "hm-group", "DE", False, ""),
    # consolidated into HM Europe's own figures, but HM Europe is not consolidated into the group
    ("hm-europe-plant", "Düsseldorf Plant (demo)", UnitKind.SITE, "hm-europe", "DE", True, ""),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    name: str
    role: str
    unit: str
    purpose: str
    staff: bool = False


USERS = [
    DemoUser(
        "csr",
        "Sato Hanako",
        Role.CSR_ADMIN,
        "hm-group",
        "CSR Management Office: owns the cycle, confirms ratings, sees everything",
        staff=True,
    ),
    DemoUser(
        "risk",
        "Suzuki Ichiro",
        Role.GROUP_RISK_OFFICER,
        "hm-group",
        "Group Risk Management Officer: reads all, approves plans",
    ),
    DemoUser(
        "officer-hm",
        "Takahashi Ken",
        Role.COMPANY_RISK_OFFICER,
        "hm",
        "risk officer of Hitachi Metals, Ltd.: enters results, proposes ratings",
    ),
    DemoUser(
        "officer-us",
        "Jane Miller",
        Role.COMPANY_RISK_OFFICER,
        "hm-america",
        "risk officer of HM America: sees only HM America",
    ),
    DemoUser(
        "officer-cn",
        "Li Wei",
        Role.COMPANY_RISK_OFFICER,
        "hm-suzhou",
        "risk officer of HM (Suzhou): sees only HM (Suzhou)",
    ),
    DemoUser(
        "compliance",
        "Tanaka Yui",
        Role.COMPLIANCE_DEPT,
        "compliance",
        "compliance department: its own initiatives only",
    ),
    DemoUser(
        "auditor",
        "Watanabe Jun",
        Role.AUDITOR,
        "hm-group",
        "internal auditor: read-only, everything",
    ),
    DemoUser(
        "export",
        "Kimura Aya",
        Role.EXPORT_CONTROL_OFFICER,
        "hm-group",
        "export-control officer: screens and decides exports (second approval: risk)",
    ),
    DemoUser("employee", "Ito Daiki", Role.EMPLOYEE, "yasugi-works", "employee: no cycle access"),
]


def is_built() -> bool:
    return get_user_model().objects.filter(username="csr").exists()


def _people(units: dict[str, OrgUnit]) -> None:
    """A few people per unit, deterministic, so that lists and scopes have content."""
    levels = ["General manager", "Manager", "Chief", "Staff", "Staff", "Operator"]
    families = [
        "Sato",
        "Suzuki",
        "Takahashi",
        "Tanaka",
        "Ito",
        "Watanabe",
        "Yamamoto",
        "Nakamura",
        "Kobayashi",
        "Kato",
    ]
    given = ["Hanako", "Ichiro", "Ken", "Yui", "Daiki", "Jun", "Aoi", "Ren", "Mei", "Sota"]
    number = 1000
    for index, unit in enumerate(units.values()):
        if unit.kind == UnitKind.GROUP:
            continue
        for offset in range(3):
            number += 1
            Person.objects.create(
                employee_number=f"E{number}",
                full_name=f"{families[(index + offset) % 10]} {given[(index * 3 + offset) % 10]}",
                email=f"e{number}@example.com",
                org_unit=unit,
                job_level=levels[(index + offset) % len(levels)],
                employment_type=EmploymentType.REGULAR if offset < 2 else EmploymentType.CONTRACT,
                hire_date=dt.date(2000 + (index + offset) % 20, 4, 1),
                language="en" if unit.country in {"US", "DE"} else "ja",
            )


def _users(units: dict[str, OrgUnit], actor: Any) -> dict[str, Any]:
    User = get_user_model()
    users: dict[str, Any] = {}
    for spec in USERS:
        user = User.objects.create_user(
            spec.username, email=f"{spec.username}@example.com", password=DEMO_PASSWORD
        )
        user.first_name = spec.name
        user.is_staff = spec.staff
        user.save()
        org_services.grant_role(
            actor=actor,
            user=user,
            role=spec.role,
            org_unit=units[spec.unit],
            include_descendants=True,
        )
        users[spec.username] = user
    admin = User.objects.create_superuser(
        "admin", email="admin@example.com", password=DEMO_PASSWORD
    )
    users["admin"] = admin
    return users


def plan_fy2019(users: dict[str, Any], units: dict[str, OrgUnit]) -> list[tuple[Any, Any]]:
    """The seed's FY2019 plan: drafted by the CSR office, approved by the risk officer."""
    table = yaml.safe_load((DATA_DIR / "fy2019_table.yaml").read_text(encoding="utf-8"))
    csr, risk = users["csr"], users["risk"]
    year = int(table["fiscal_year"])
    cycle = cycle_services.open_year(actor=csr, year=year, note=table.get("note", ""))
    subjects = {s.number: s for s in Subject.objects.all()}
    created = []
    for row in table["initiatives"]:
        initiative = cycle_services.create_initiative(
            actor=csr,
            cycle=cycle,
            subject=subjects[row["subject"]],
            owner_unit=units[row["owner"]],
            planned=row["planned"],
        )
        created.append((initiative, row))
    cycle_services.approve_year_plan(actor=risk, cycle=cycle)
    return created


def rate_fy2019(users: dict[str, Any], created: list[tuple[Any, Any]]) -> CycleYear:
    """The year's end: the owner enters the results and proposes, the CSR office confirms."""
    csr, owner = users["csr"], users["officer-hm"]
    for initiative, row in created:
        cycle_services.enter_results(
            actor=owner,
            initiative=initiative,
            results=row["results"],
            next_planned=row["next_planned"],
        )
        cycle_services.propose_rating(actor=owner, initiative=initiative, rating=int(row["rating"]))
        cycle_services.confirm_rating(actor=csr, initiative=initiative)
    return CycleYear.objects.get(pk=created[0][0].cycle_id)


def load_fy2019(users: dict[str, Any], units: dict[str, OrgUnit]) -> CycleYear:
    """The seed's FY2019 table, run through the cycle's real flow by the demo users."""
    return rate_fy2019(users, plan_fy2019(users, units))


def close_history(users: dict[str, Any], before: int) -> list[int]:
    """The CSR office closes the fiscal years before `before` that hold only history (the
    base year and the earlier figures): their records are read-only from now on."""
    closed = []
    for fiscal_year in FiscalYear.objects.filter(year__lt=before, closed_at__isnull=True):
        year_lock.close_year(actor=users["csr"], year=fiscal_year)
        closed.append(fiscal_year.year)
    return closed


@transaction.atomic
def build_demo(*, carry_forward: bool = True) -> dict[str, Any]:
    system = SystemActor("demo-builder")
    units: dict[str, OrgUnit] = {}
    for code, name, kind, parent, country, consolidated, name_ja in UNITS:
        units[code] = org_services.create_unit(
            actor=system,
            code=code,
            name=name,
            kind=kind,
            parent=units.get(parent) if parent else None,
            country=country,
            consolidated=consolidated,
            name_ja=name_ja,
        )
    _people(units)
    users = _users(units, system)
    planned = plan_fy2019(users, units)
    kpis = build_kpis(users, units, system)  # targets linked, values approved during the year
    load_emissions_demo(units, system)
    fy2019 = rate_fy2019(users, planned)
    fy2020 = None
    if carry_forward:  # closes FY2019 in the lock, then the history before it
        fy2020 = cycle_services.carry_forward(actor=users["csr"], cycle=fy2019)
        close_history(users, before=fy2019.year)
    load_export_control_demo(users, units, system)
    load_batch_demo(users, units)
    block_confirmed_alerts(users)
    return {"units": units, "users": users, "fy2019": fy2019, "fy2020": fy2020, "kpis": kpis}


def describe_users() -> str:
    lines = [f"Demo users (password for all: {DEMO_PASSWORD}):"]
    for spec in USERS:
        lines.append(f"  {spec.username:<12} {spec.purpose}")
    lines.append(f"  {'admin':<12} Django admin (/admin/) for configuration")
    return "\n".join(lines)

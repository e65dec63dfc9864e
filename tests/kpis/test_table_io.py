"""Import and export of observations and targets (CSV and Excel) and `tatara kpi`."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from tatara.core import fiscal
from tatara.core.models import AuditEvent
from tatara.core.tabular import ImportRejected
from tatara.cycle.services import get_or_create_fiscal_year
from tatara.kpis import services, table_io
from tatara.kpis.management.commands.kpi import Command
from tatara.kpis.models import Metric, Observation, Target
from tatara.organisation.roles import Role

FY2019 = fiscal.bounds(2019)
OBS_HEADER = "metric,org_unit,period,value,unit,source\r\n"
TARGET_HEADER = "metric,fiscal_year,org_unit,kind,value,base_year,legal_parameter\r\n"


def csv_file(text: str, name: str = "data.csv") -> Any:
    upload = io.BytesIO(text.replace("\n", "\r\n").encode("utf-8"))
    upload.name = name
    return upload


def errors_of(exc: pytest.ExceptionInfo[ImportRejected]) -> list[tuple[int | None, str | None]]:
    return [(e.row, e.column) for e in exc.value.errors]


@pytest.fixture
def electricity(db):
    return Metric.objects.create(
        code="electricity", name="Electricity", unit="MWh", frequency="monthly"
    )


def seed(world, electricity):
    """Observations in several states and units, and one target of each kind."""
    system = world.system

    def record(code, unit, value, period=FY2019, measure="", source="", submit=False):
        obs = services.record_observation(
            actor=system,
            metric=Metric.objects.get(code=code),
            org_unit=world.units[unit],
            period_start=period[0],
            period_end=period[1],
            value=value,
            unit=measure,
            source=source,
        )
        if submit:
            services.submit_observation(actor=system, observation=obs)

    record("electricity", "alpha-site", "1500", services.month_bounds(2019, 4), "kWh", "meter")
    record("electricity", "alpha-site", "1.25", services.month_bounds(2020, 3))
    record("landfill-rate", "alpha", "13.7", submit=True)
    record("co2-emissions", "bravo-site", "98765.4321", source="=SUM(A1)")
    record("co2-emissions", "alpha-site", "3", fiscal.bounds(2018))  # another year: not exported
    fy2019 = get_or_create_fiscal_year(2019)
    for code, kind, value, base in (
        ("landfill-rate", "at_most", "14", None),
        ("co2-intensity", "reduce_vs_base", "5", get_or_create_fiscal_year(2010)),
    ):
        services.create_target(
            actor=system,
            metric=Metric.objects.get(code=code),
            fiscal_year=fy2019,
            org_unit=world.units["grp"],
            kind=kind,
            value=value,
            base_year=base,
        )
    services.create_target(
        actor=system,
        metric=Metric.objects.get(code="disability-employment-rate"),
        fiscal_year=fy2019,
        org_unit=world.units["alpha"],
        kind="legal_minimum",
        legal_parameter="disability-employment-rate",
    )


# --- export and round trip ------------------------------------------------------------------


def test_export_layout(world, electricity):
    seed(world, electricity)
    data, content_type, name = table_io.export_observations(viewer=world.system, year=2019)
    assert (content_type, name) == ("text/csv; charset=utf-8", "kpi-observations-FY2019.csv")
    assert data.decode() == (
        OBS_HEADER + "co2-emissions,bravo-site,FY2019,98765.4321,t,'=SUM(A1)\r\n"
        "electricity,alpha-site,2019-04,1500,kWh,meter\r\n"
        "electricity,alpha-site,2020-03,1.25,MWh,\r\n"
        "landfill-rate,alpha,FY2019,13.7,percent,\r\n"
    )
    targets, _type, _name = table_io.export_targets(viewer=world.system, year=2019)
    assert targets.decode() == (
        TARGET_HEADER + "co2-intensity,2019,grp,reduce_vs_base,5,2010,\r\n"
        "disability-employment-rate,2019,alpha,legal_minimum,,,disability-employment-rate\r\n"
        "landfill-rate,2019,grp,at_most,14,,\r\n"
    )
    # filters: metric, unit subtree, status; and the viewer's scope
    only = table_io.observation_rows(viewer=world.system, year=2019, unit="alpha")
    assert {r[1] for r in only} == {"alpha", "alpha-site"}
    only = table_io.observation_rows(viewer=world.system, year=2019, statuses=["submitted"])
    assert [r[0] for r in only] == ["landfill-rate"]
    only = table_io.observation_rows(viewer=world.system, year=2019, metric="electricity")
    assert len(only) == 2
    seen_by_b = table_io.observation_rows(viewer=world.users["officer_b"], year=2019)
    assert [r[1] for r in seen_by_b] == ["bravo-site"]
    with pytest.raises(PermissionDenied):
        table_io.observation_rows(viewer=world.users["employee"], year=2019)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_round_trip(world, electricity, fmt):
    seed(world, electricity)
    observations, _t, name = table_io.export_observations(viewer=world.system, year=2019, fmt=fmt)
    targets, _t, target_name = table_io.export_targets(viewer=world.system, year=2019, fmt=fmt)
    assert name.endswith(f".{fmt}")
    Observation.objects.all().delete()
    Target.objects.all().delete()

    admin = world.users["csr_admin"]
    result = table_io.import_observations(io.BytesIO(observations), actor=admin, name=name)
    assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
    result = table_io.import_targets(io.BytesIO(targets), actor=admin, name=target_name)
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    assert table_io.export_observations(viewer=world.system, year=2019, fmt=fmt)[0] == observations
    assert table_io.export_targets(viewer=world.system, year=2019, fmt=fmt)[0] == targets
    stored = Observation.objects.get(metric__code="electricity", period_start__month=4)
    assert (stored.value, stored.original_unit, stored.status) == (Decimal("1.5"), "kWh", "draft")
    big = Observation.objects.get(metric__code="co2-emissions")
    assert (big.value, big.source) == (Decimal("98765.4321"), "=SUM(A1)")

    # importing the same files again changes nothing
    again = table_io.import_observations(io.BytesIO(observations), actor=admin, name=name)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    again = table_io.import_targets(io.BytesIO(targets), actor=admin, name=target_name)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert not AuditEvent.objects.filter(verb="kpi_target.updated").exists()


# --- observations: refusals -----------------------------------------------------------------


def test_wrong_header(world):
    upload = csv_file("metric,unit_code,period,value\nco2-emissions,alpha,FY2019,1\n")
    with pytest.raises(ImportRejected) as exc:
        table_io.import_observations(upload, actor=world.system)
    assert sorted(errors_of(exc), key=str) == [(1, "org_unit"), (1, "unit"), (1, "unit_code")]
    assert all(e.file == "data.csv" for e in exc.value.errors)


def test_every_bad_row_is_reported_and_nothing_stored(world, electricity):
    officer = world.users["company_risk_officer"]  # may enter data in alpha's tree only
    upload = csv_file(
        "metric,org_unit,period,value,unit\n"
        "co2-emissions,alpha-site,FY2019,12.5,t\n"  # 2: fine
        "co2-emissions,alpha-div,FY2019,twelve,t\n"  # 3: bad number
        "co2-emission,alpha-div,FY2019,1,t\n"  # 4: unknown metric
        "co2-emissions,alpha,FY2019,1,kWh\n"  # 5: another dimension
        "co2-emissions,bravo-site,FY2019,1,\n"  # 6: outside the officer's scope
        "co2-emissions,nowhere,FY2019,1,\n"  # 7: unknown unit
        "co2-emissions,alpha-site,FY2019,13,t\n"  # 8: duplicate of row 2
        "landfill-rate,alpha,2019-04,1,\n"  # 9: a month of a yearly metric
        "landfill-rate,alpha-div,April,1,\n"  # 10: not a period
        "electricity,alpha-site,2019-13,1,\n"  # 11: no month 13
        "electricity,alpha-div,2019-05,1,kWh\n"  # 12: a month of …
        "electricity,alpha-div,FY2019,1,MWh\n"  # 13: … and the whole year: both refused
        "electricity,alpha-site,2019-06,1,furlongs\n"  # 14: unknown unit of measure
    )
    with pytest.raises(ImportRejected) as exc:
        table_io.import_observations(upload, actor=officer)
    assert errors_of(exc) == [
        (3, "value"),
        (4, "metric"),
        (5, "unit"),
        (6, "org_unit"),
        (7, "org_unit"),
        (8, "period"),
        (9, "period"),
        (10, "period"),
        (11, "period"),
        (12, "period"),
        (13, "period"),
        (14, "unit"),
    ]
    text = str(exc.value)
    assert "data.csv, row 3, column value: “twelve” is not a number" in text
    assert "unknown metric 'co2-emission'" in text
    assert "kWh cannot be converted to t" in text
    assert "unit 'bravo-site' is outside your scope" in text
    assert "already on row 2" in text
    assert "counting it twice" in text
    assert not Observation.objects.exists()
    assert not AuditEvent.objects.filter(verb__startswith="kpi_observation").exists()


def test_existing_values(world):
    officer = world.users["company_risk_officer"]
    site = world.units["alpha-site"]
    draft = services.record_observation(
        actor=officer,
        metric=Metric.objects.get(code="co2-emissions"),
        org_unit=site,
        period_start=FY2019[0],
        period_end=FY2019[1],
        value="1",
    )
    result = table_io.import_observations(
        csv_file("metric,org_unit,period,value,unit\nco2-emissions,alpha-site,FY2019,2,\n"),
        actor=officer,
    )
    assert (result.created, result.updated) == (0, 1)
    draft.refresh_from_db()
    assert draft.value == Decimal("2")
    services.submit_observation(actor=officer, observation=draft)
    with pytest.raises(ImportRejected, match="already submitted"):
        table_io.import_observations(
            csv_file(
                "metric,org_unit,period,value,unit\n"
                "waste-generated,alpha-site,FY2019,4,\n"
                "co2-emissions,alpha-site,FY2019,3,\n"
            ),
            actor=officer,
        )
    assert not Observation.objects.filter(metric__code="waste-generated").exists()
    with pytest.raises(ImportRejected, match="counting it twice"):  # a month of a stored year
        table_io.import_observations(
            csv_file("metric,org_unit,period,value,unit\nco2-emissions,alpha-site,2019-05,1,\n"),
            actor=officer,
        )
    with pytest.raises(PermissionDenied):
        table_io.import_observations(
            csv_file("metric,org_unit,period,value,unit\n"), actor=world.users["auditor"]
        )
    with pytest.raises(ImportRejected, match="no rows"):
        table_io.import_observations(csv_file("metric,org_unit,period,value,unit\n"), actor=officer)


def test_excel_cells(world):
    """Numbers and dates as Excel stores them: 2019 as a number, a month as a date."""
    import datetime as dt

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(table_io.OBSERVATION_COLUMNS))
    sheet.append(["landfill-rate", "alpha", 2019, 12.5, None])
    sheet.append(["co2-emissions", "alpha-site", dt.datetime(2019, 5, 1), 7, "kg"])
    raw = io.BytesIO()
    workbook.save(raw)
    raw.seek(0)
    result = table_io.import_observations(raw, actor=world.system, name="book.xlsx")
    assert result.created == 2
    month = Observation.objects.get(metric__code="co2-emissions")
    assert (month.period_start, month.value) == (dt.date(2019, 5, 1), Decimal("0.007"))


# --- targets --------------------------------------------------------------------------------


def test_targets_refusals_and_updates(world, make_user, grant):
    alpha_admin = make_user(username="alpha-admin")
    grant(alpha_admin, Role.CSR_ADMIN, world.units["alpha"])
    upload = csv_file(
        "metric,fiscal_year,org_unit,kind,value,base_year\n"
        "landfill-rate,FY2019,alpha,at_most,14,\n"  # 2: fine
        "landfill-rate,2019,alpha-site,at_most,,\n"  # 3: no value
        "landfill-rate,2019,alpha-div,maximum,3,\n"  # 4: unknown kind
        "co2-intensity,2019,alpha,reduce_vs_base,5,\n"  # 5: no base year
        "co2-intensity,2019,alpha-site,reduce_vs_base,5,2020\n"  # 6: base year after
        "disability-employment-rate,2019,alpha-div,legal_minimum,2.2,\n"  # 7: value given
        "landfill-rate,2019,bravo,at_most,14,\n"  # 8: outside the scope
        "landfill-rate,19,alpha-site,at_least,1,\n"  # 9: not a year
        "landfill-rate,2019,alpha,at_most,15,\n"  # 10: duplicate of row 2
        "waste-generated,2019,alpha-div,at_least,1,2010\n"  # 11: base year on another kind
    )
    with pytest.raises(ImportRejected) as exc:
        table_io.import_targets(upload, actor=alpha_admin)
    assert errors_of(exc) == [
        (3, "value"),
        (4, "kind"),
        (5, "base_year"),
        (6, "base_year"),
        (7, "value"),
        (8, "org_unit"),
        (9, "fiscal_year"),
        (10, "metric"),
        (11, "base_year"),
    ]
    assert not Target.objects.exists()
    with pytest.raises(PermissionDenied):
        table_io.import_targets(upload, actor=world.users["company_risk_officer"])

    good = (
        "metric,fiscal_year,org_unit,kind,value,base_year\n"
        "landfill-rate,FY2019,alpha,at_most,14,\n"
        "disability-employment-rate,2019,alpha,legal_minimum,,\n"
    )
    result = table_io.import_targets(csv_file(good), actor=alpha_admin)
    assert (result.created, result.updated) == (2, 0)
    legal = Target.objects.get(metric__code="disability-employment-rate")
    assert legal.legal_parameter == "disability-employment-rate"
    assert services.legal_target_value(legal) == Decimal("2.2")

    changed = good.replace("at_most,14,", "reduce_vs_base,10,2015")
    result = table_io.import_targets(csv_file(changed), actor=alpha_admin)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    target = Target.objects.get(metric__code="landfill-rate")
    assert (target.kind, target.value, target.base_year.year) == (
        "reduce_vs_base",
        Decimal("10"),
        2015,
    )
    event = AuditEvent.objects.get(verb="kpi_target.updated")
    assert event.data["before"]["kind"] == "at_most" and event.data["after"]["base_year"] == 2015


def test_update_target_service(world):
    target = services.create_target(
        actor=world.system,
        metric=Metric.objects.get(code="landfill-rate"),
        fiscal_year=get_or_create_fiscal_year(2019),
        org_unit=world.units["alpha"],
        kind="at_most",
        value="14",
    )
    with pytest.raises(PermissionDenied):
        services.update_target(
            actor=world.users["company_risk_officer"], target=target, kind="at_most", value="1"
        )
    services.update_target(actor=world.users["csr_admin"], target=target, kind="at_most", value=12)
    target.refresh_from_db()
    assert target.value == Decimal("12")


# --- the command ----------------------------------------------------------------------------


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("kpi", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def exit_code(*args: str) -> tuple[int, str]:
    """Run as from the shell: `tatara kpi …` exits 1 on an error, after writing to stderr."""
    err = io.StringIO()
    command = Command(stdout=io.StringIO(), stderr=err)
    with mock.patch("django.db.connections.close_all"), pytest.raises(SystemExit) as exc:
        command.run_from_argv(["tatara", "kpi", *args])
    return int(exc.value.code or 0), err.getvalue()


def test_command(world, electricity, tmp_path: Path):
    seed(world, electricity)
    out, _err = run("export-observations", "--fy", "2019", "-o", str(tmp_path / "obs.xlsx"))
    assert "FY2019 observations written to" in out and "(xlsx," in out
    run("export-targets", "--fy", "2019", "--format", "csv", "-o", str(tmp_path / "t.txt"))
    assert (tmp_path / "t.txt").read_bytes() == table_io.export_targets(
        viewer=world.system, year=2019
    )[0]
    run("export-observations", "--fy", "2019", "--status", "draft", "-o", str(tmp_path / "d.csv"))
    assert "landfill-rate" not in (tmp_path / "d.csv").read_text()

    Observation.objects.exclude(status="draft").delete()
    out, _err = run("import-observations", str(tmp_path / "obs.xlsx"), "--dry-run")
    assert out.startswith("checked observations: obs.xlsx: 1 created, 0 updated, 3 unchanged")
    assert out.rstrip().endswith("(dry run: nothing was stored)")
    assert not Observation.objects.filter(metric__code="landfill-rate").exists()
    out, _err = run("import-observations", str(tmp_path / "obs.xlsx"), "--user", "csr_admin")
    assert "1 created" in out
    out, _err = run("import-targets", str(tmp_path / "t.txt"))
    assert "0 created, 0 updated, 3 unchanged" in out

    bad = tmp_path / "bad.csv"
    bad.write_text("metric,org_unit,period,value,unit\nnope,alpha,FY2019,x,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="2 error"):
        run("import-observations", str(bad))
    code, err = exit_code("import-observations", str(bad))
    assert code == 1
    assert "bad.csv, row 2, column metric: unknown metric 'nope'" in err
    assert "bad.csv, row 2, column value" in err
    assert "2 error(s) in bad.csv; nothing was stored" in err
    code, err = exit_code("export-targets", "--fy", "2019", "--user", "employee")
    assert (code, "permission denied" in err) == (1, True)
    code, err = exit_code("import-targets", str(tmp_path / "missing.csv"))
    assert code == 1 and "no such file" in err
    code, err = exit_code("export-observations", "--fy", "2019", "--unit", "nowhere")
    assert code == 1 and "Unknown unit nowhere" in err


def test_export_to_standard_output(world, electricity, capsysbinary):
    seed(world, electricity)
    run("export-targets", "--fy", "2019")
    assert capsysbinary.readouterr().out.startswith(TARGET_HEADER.encode())

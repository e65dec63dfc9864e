"""Import and export of activity data (CSV/Excel), all or nothing, and the CLI verbs."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from emissions.example import FY2019, write
from tatara.core.tabular import ImportRejected
from tatara.emissions import activity_io
from tatara.emissions.models import ActivityRecord

GOOD = (
    "org_unit,period,activity,quantity,unit,supplier,source\n"
    "alpha-site,2019-04,electricity,120000,kWh,Tokyo Power (standard menu),invoice 4/2019\n"
    "alpha-site,2019-05,electricity,80,MWh,Tokyo Power (standard menu),invoice 5/2019\n"
    "alpha-site,2019-04,city-gas,12500,m**3,,gas meter\n"
    "alpha-site,FY2019,diesel,2500,L,,\n"
    "alpha-div,2019-04,City gas,1000,,,\n"
)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("emissions", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_import_applies_a_clean_file_and_reimports_unchanged(world, system, tmp_path):
    path = write(tmp_path, GOOD, "activity.csv")
    result = activity_io.import_activity(path, actor=system)
    assert (result.created, result.updated, result.unchanged) == (5, 0, 0)
    gas = ActivityRecord.objects.get(org_unit__code="alpha-div")
    # the unit in its canonical spelling (the empty unit: the standard m3)
    assert (gas.activity, gas.quantity, gas.unit) == ("city-gas", Decimal(1000), "m3")
    diesel = ActivityRecord.objects.get(activity="diesel")
    assert (diesel.period_start, diesel.period_end) == FY2019
    again = activity_io.import_activity(path, actor=system)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)


def test_export_round_trip_csv_and_xlsx(world, system, tmp_path):
    activity_io.import_activity(write(tmp_path, GOOD, "activity.csv"), actor=system)
    data, content_type, name = activity_io.export_activity(viewer=system, year=2019)
    assert name == "tatara-FY2019-activity.csv" and content_type.startswith("text/csv")
    text = data.decode()
    assert text.splitlines()[0] == "org_unit,period,activity,quantity,unit,supplier,source"
    assert (
        "alpha-site,2019-05,electricity,80,MWh,Tokyo Power (standard menu),invoice 5/2019" in text
    )
    assert "alpha-site,FY2019,diesel,2500,L,," in text
    for fmt in ("csv", "xlsx"):
        exported, _type, name = activity_io.export_activity(viewer=system, year=2019, fmt=fmt)
        result = activity_io.import_activity(io.BytesIO(exported), actor=system, name=name)
        assert (result.created, result.updated, result.unchanged) == (0, 0, 5), fmt
    # the same data gives the same bytes
    assert (
        activity_io.export_activity(viewer=system, year=2019, fmt="xlsx")[0]
        == (activity_io.export_activity(viewer=system, year=2019, fmt="xlsx")[0])
    )


def test_export_holds_only_the_viewers_scope(world, system, tmp_path):
    activity_io.import_activity(
        write(tmp_path, GOOD + "bravo-site,2019-04,diesel,1,kL,,\n", "a.csv"), actor=system
    )
    data, _t, _n = activity_io.export_activity(viewer=world.users["compliance_dept"], year=2019)
    rows = data.decode().splitlines()[1:]
    assert rows and all(r.startswith("alpha-div,") for r in rows)


def test_every_problem_is_reported_and_nothing_stored(world, system, tmp_path):
    bad = (
        "org_unit,period,activity,quantity,unit,supplier,source\n"
        "nowhere,2019-04,electricity,1,kWh,,\n"  # 2: unknown unit
        "alpha-site,2019-13,electricity,1,kWh,,\n"  # 3: bad month
        "alpha-site,2019-04,vapour,1,kWh,,\n"  # 4: unknown activity
        "alpha-site,2019-04,diesel,-1,L,,\n"  # 5: negative
        "alpha-site,2019-04,diesel,1,kWh,,\n"  # 6: wrong kind of unit
        "alpha-site,2019-04,lpg,1,t,Tokyo Power,\n"  # 7: supplier on a fuel
        "alpha-site,2019-06,lpg,1,t,,\n"  # 8: fine
        "alpha-site,2019-06,lpg,2,t,,\n"  # 9: duplicate of 8
    )
    with pytest.raises(ImportRejected) as caught:
        activity_io.import_activity(write(tmp_path, bad, "bad.csv"), actor=system)
    where = [(e.row, e.column) for e in caught.value.errors]
    assert where == [
        (2, "org_unit"),
        (3, "period"),
        (4, "activity"),
        (5, "quantity"),
        (6, "unit"),
        (6, None),  # also a second diesel row for April (row 5): every check on every row
        (7, "supplier"),
        (9, None),
    ]
    assert "Diesel is entered in liquid volume (L, kL)" in caught.value.errors[4].message
    assert "bad.csv, row 3, column period" in str(caught.value.errors[1])
    assert not ActivityRecord.objects.exists()


def test_rules_of_the_service_refuse_the_whole_file(world, system, tmp_path):
    # a month and its fiscal year, both in the file: found when checking the file
    text = (
        "org_unit,period,activity,quantity\n"
        "alpha-site,2019-04,diesel,1\n"
        "alpha-site,FY2019,diesel,12\n"
        "alpha-site,2019-05,gasoline,1\n"
    )
    with pytest.raises(ImportRejected) as caught:
        activity_io.import_activity(write(tmp_path, text, "o.csv"), actor=system)
    assert [e.row for e in caught.value.errors] == [3]
    assert "overlaps" in caught.value.errors[0].message
    assert not ActivityRecord.objects.exists()


def test_scope_and_missing_columns(world, tmp_path):
    officer = world.users["compliance_dept"]  # alpha-div only
    with pytest.raises(ImportRejected) as caught:
        activity_io.import_activity(write(tmp_path, GOOD, "a.csv"), actor=officer)
    assert {e.row for e in caught.value.errors} == {2, 3, 4, 5}
    assert "outside your scope" in caught.value.errors[0].message
    with pytest.raises(PermissionDenied):
        activity_io.import_activity(write(tmp_path, GOOD, "a.csv"), actor=world.users["auditor"])
    with pytest.raises(ImportRejected, match="required column is missing"):
        activity_io.import_activity(
            write(tmp_path, "org_unit,period,activity\n", "c.csv"), actor=officer
        )


def test_dry_run_stores_nothing(world, system, tmp_path):
    result = activity_io.import_activity(write(tmp_path, GOOD, "a.csv"), actor=system, dry_run=True)
    assert result.created == 5 and "dry run" in result.summary()
    assert not ActivityRecord.objects.exists()


def test_cli_import_and_export(world, tmp_path):
    path = write(tmp_path, GOOD, "activity.csv")
    assert "checked: activity.csv: 5 activity records added" in run(
        "import-activity", str(path), "--dry-run"
    )
    assert not ActivityRecord.objects.exists()
    assert "imported: activity.csv: 5 activity records added" in run("import-activity", str(path))
    out = run("export-activity", "--fy", "2019", "--unit", "alpha-div")
    assert out.splitlines() == [
        "org_unit,period,activity,quantity,unit,supplier,source",
        "alpha-div,2019-04,city-gas,1000,m3,,",
    ]
    target = tmp_path / "out.xlsx"
    run("export-activity", "--fy", "2019", "--format", "xlsx", "--output", str(target))
    assert target.read_bytes().startswith(b"PK")
    bad = write(tmp_path, "org_unit,period,activity,quantity\nx,2019-04,diesel,1\n", "bad.csv")
    with pytest.raises(CommandError, match="1 error"):
        run("import-activity", str(bad))
    with pytest.raises(CommandError, match="permission denied"):
        run("import-activity", str(path), "--user", "auditor")

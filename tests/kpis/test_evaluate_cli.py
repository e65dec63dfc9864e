"""`tatara kpi evaluate --fy N --format json|csv`: one record per target."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from kpi_data import put, small_group, target

from tatara.kpis.choices import TargetKind

pytestmark = pytest.mark.django_db

FIELDS = [
    "metric",
    "metric_name",
    "org_unit",
    "fiscal_year",
    "target",
    "actual",
    "achievement",
    "rating",
]


@pytest.fixture
def units():
    units = small_group()
    put("waste-generated", units["a1"], 2019, 1000)
    put("waste-landfilled", units["a1"], 2019, 137)
    put("co2-emissions", units["a1"], 2010, 1000)
    put("co2-emissions", units["a1"], 2019, 986)
    target("landfill-rate", units["g"], 2019, TargetKind.AT_MOST, 14)
    target("co2-emissions", units["g"], 2019, TargetKind.REDUCE_VS_BASE, 5, base_year=2010)
    target("landfill-rate", units["alpha"], 2019, TargetKind.AT_MOST, 10)
    return units


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("kpi", "evaluate", *args, stdout=out)
    return out.getvalue()


def test_json_has_one_record_per_target_with_the_fields(units):
    records = json.loads(run("--fy", "2019", "--format", "json"))
    assert len(records) == 3
    for record in records:
        assert set(FIELDS) <= set(record)
    by_key = {(r["metric"], r["org_unit"]): r for r in records}
    landfill = by_key[("landfill-rate", "g")]
    assert landfill["target"] == 14 and landfill["actual"] == 13.7 and landfill["rating"] == 3
    assert landfill["metric_name"]
    co2 = by_key[("co2-emissions", "g")]
    assert (
        co2["actual"] == 1.4
        and co2["target"] == 5
        and co2["achievement"] == 28
        and co2["rating"] == 1
    )
    assert by_key[("landfill-rate", "alpha")]["rating"] == 1  # 10 / 13.7 = 73%


def test_csv_has_the_same_records(units):
    rows = list(csv.DictReader(io.StringIO(run("--fy", "2019", "--format", "csv"))))
    assert len(rows) == 3
    assert set(FIELDS) <= set(rows[0])
    by_key = {(r["metric"], r["org_unit"]): r for r in rows}
    assert by_key[("co2-emissions", "g")]["actual"] == "1.4"
    assert by_key[("co2-emissions", "g")]["rating"] == "1"
    assert by_key[("landfill-rate", "g")]["fiscal_year"] == "2019"


def test_unit_filter_and_an_empty_year(units):
    assert {r["org_unit"] for r in json.loads(run("--fy", "2019", "--unit", "alpha"))} == {"alpha"}
    assert json.loads(run("--fy", "2030")) == []


def test_a_users_scope_applies(units, make_user, grant):
    from tatara.organisation.roles import Role

    officer = make_user(username="alpha-officer")
    grant(officer, Role.COMPANY_RISK_OFFICER, units["alpha"])
    records = json.loads(run("--fy", "2019", "--user", "alpha-officer"))
    assert {r["org_unit"] for r in records} == {"alpha"}
    with pytest.raises(CommandError):
        run("--fy", "2019", "--user", "nobody-by-that-name")


def test_metric_names_follow_the_language(units):
    from django.utils import translation

    from tatara.kpis.evaluation import evaluate

    with translation.override("ja"):
        names = {r.metric: r.metric_name for r in evaluate(2019)}
    assert names["landfill-rate"] == "廃棄物埋立率"
    with translation.override("en"):
        assert evaluate(2019)[0].metric_name.isascii()

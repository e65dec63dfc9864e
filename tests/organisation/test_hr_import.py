"""The HR master import: joiners, movers, leavers and rejoiners applied as changes with history;
a file with any error is refused whole and changes nothing."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied

from tatara.core.audit import trail_for
from tatara.core.models import AuditEvent
from tatara.core.tabular import ImportRejected
from tatara.organisation.choices import UnitKind
from tatara.organisation.hr_import import import_people
from tatara.organisation.models import Person

HEADER = "employee_number,full_name,org_unit,email,job_level,employment_type,hire_date,language"
DAY1 = dt.date(2024, 4, 1)
DAY2 = dt.date(2024, 10, 1)


@pytest.fixture
def units(db, make_unit):
    group = make_unit(code="g", name="G")
    a = make_unit(code="a", name="A", parent=group)
    div = make_unit(code="a-div", name="A div", kind=UnitKind.DIVISION, parent=a)
    site = make_unit(code="a-site", name="A site", kind=UnitKind.SITE, parent=a)
    return {"g": group, "a": a, "a-div": div, "a-site": site}


def csv_file(*rows):
    return io.BytesIO(("\n".join([HEADER, *rows]) + "\n").encode("utf-8"))


def run(source, system, *, as_of=DAY1, name="hr.csv", **kwargs):
    return import_people(source, name=name, actor=system, as_of=as_of, **kwargs)


FIRST = (
    "1001,Sato Hanako,a-div,sato@example.com,Manager,regular,2010-04-01,ja",
    "1002,Suzuki Ichiro,a-div,suzuki@example.com,Staff,regular,2015-04-01,ja",
    "1003,Jane Miller,a-site,jane@example.com,Staff,contract,2020-10-01,en",
)


def snapshot():
    return list(
        Person.objects.order_by("employee_number").values(
            "employee_number",
            "full_name",
            "email",
            "org_unit_id",
            "job_level",
            "employment_type",
            "hire_date",
            "leave_date",
            "language",
            "is_active",
        )
    )


def test_first_file_brings_joiners(units, system):
    changes = run(csv_file(*FIRST), system)
    assert changes.labels("joiner") == ["1001", "1002", "1003"]
    sato = Person.objects.get(employee_number="1001")
    assert (sato.full_name, sato.org_unit, sato.hire_date, sato.job_level) == (
        "Sato Hanako",
        units["a-div"],
        dt.date(2010, 4, 1),
        "Manager",
    )
    assert Person.objects.get(employee_number="1003").employment_type == "contract"
    assert sato.history.get().history_change_reason.endswith("HR import: joiner")
    event = AuditEvent.objects.get(verb="people.imported")
    assert event.data["summary"] == changes.summary() and event.data["dry_run"] is False


def test_movers_leavers_updates_and_joiners_are_changes_with_history(units, system):
    run(csv_file(*FIRST), system)
    pks = dict(Person.objects.values_list("employee_number", "pk"))
    changes = run(
        csv_file(
            "1001,Sato Hanako,a-site,sato@example.com,Manager,regular,2010-04-01,ja",  # mover
            "1002,Suzuki Ichiro,a-div,suzuki@example.com,Chief,regular,2015-04-01,ja",  # update
            # 1003 is missing: a leaver
            "1004,Ito Daiki,a,ito@example.com,Staff,regular,2024-10-01,ja",  # joiner
        ),
        system,
        as_of=DAY2,
    )
    assert changes.labels("mover") == ["1001"]
    assert changes.labels("updated") == ["1002"]
    assert changes.labels("leaver") == ["1003"]
    assert changes.labels("joiner") == ["1004"]
    # rows are updated in place, never wiped and reloaded
    assert {n: pks[n] for n in ("1001", "1002", "1003")} == {
        n: Person.objects.get(employee_number=n).pk for n in ("1001", "1002", "1003")
    }

    sato = Person.objects.get(employee_number="1001")
    assert sato.org_unit == units["a-site"]
    newest, previous = sato.history.all()[:2]
    assert previous.org_unit_id == units["a-div"].pk  # the mover's previous unit is on record
    assert newest.org_unit_id == units["a-site"].pk
    assert newest.history_change_reason.endswith("HR import: mover")
    moves = [c for entry in trail_for(sato) for c in entry.changes if c[0] == "org_unit"]
    assert moves == [("org_unit", units["a-div"].pk, units["a-site"].pk)]

    assert (
        Person.objects.get(employee_number="1002").history.first().prev_record.job_level == "Staff"
    )

    jane = Person.objects.get(employee_number="1003")
    assert (jane.is_active, jane.leave_date) == (False, DAY2)
    assert jane.history.first().history_change_reason.endswith("HR import: leaver")


def test_a_leaver_who_comes_back_is_a_rejoiner(units, system):
    run(csv_file(*FIRST), system)
    run(csv_file(*FIRST[:2]), system, as_of=DAY2)
    changes = run(csv_file(*FIRST), system, as_of=dt.date(2025, 4, 1))
    assert changes.labels("rejoined") == ["1003"]
    assert changes.unchanged == 2
    jane = Person.objects.get(employee_number="1003")
    assert (jane.is_active, jane.leave_date) == (True, None)
    assert [h.is_active for h in jane.history.all()] == [True, False, True]


def test_unchanged_file_changes_nothing(units, system):
    run(csv_file(*FIRST), system)
    history = Person.history.count()
    changes = run(csv_file(*FIRST), system, as_of=DAY2)
    assert (
        changes.unchanged,
        changes.labels("joiner"),
        changes.labels("mover"),
        changes.labels("leaver"),
    ) == (3, [], [], [])
    assert Person.history.count() == history


def test_keep_missing_does_not_mark_leavers(units, system):
    run(csv_file(*FIRST), system)
    changes = run(csv_file(*FIRST[:1]), system, as_of=DAY2, mark_leavers=False)
    assert changes.labels("leaver") == []
    assert Person.objects.filter(is_active=True).count() == 3


def test_errors_name_row_and_column_and_nothing_changes(units, system):
    run(csv_file(*FIRST), system)
    before, events = snapshot(), AuditEvent.objects.count()
    source = csv_file(
        "1001,Sato Hanako,a-site,sato@example.com,Manager,regular,2010-04-01,ja",  # a valid mover
        "2001,Bad Unit,no-such-unit,,,,,",  # row 3
        "2002,Bad Mail,a-div,not-an-address,,,,",  # row 4
        "1001,Sato Again,a-div,,,,,",  # row 5: duplicate of row 2
        "2003,Bad Date,a-div,,,,2024-13-45,",  # row 6
        "2004,Bad Kind,a-div,,,permanent,,",  # row 7
        ",No Number,a-div,,,,,",  # row 8
    )
    with pytest.raises(ImportRejected) as caught:
        run(source, system, as_of=DAY2)
    found = {(e.row, e.column) for e in caught.value.errors}
    assert found == {
        (3, "org_unit"),
        (4, "email"),
        (5, "employee_number"),
        (6, "hire_date"),
        (7, "employment_type"),
        (8, "employee_number"),
    }
    text = {(e.row, e.column): str(e) for e in caught.value.errors}
    assert text[(3, "org_unit")].startswith("hr.csv, row 3, column org_unit: ")
    assert "no-such-unit" in text[(3, "org_unit")]
    assert "first on row 2" in text[(5, "employee_number")]
    assert "2024-13-45" in text[(6, "hire_date")]
    assert snapshot() == before  # not even the valid mover was applied
    assert AuditEvent.objects.count() == events


def test_missing_and_unknown_columns_are_named(units, system):
    source = io.BytesIO(b"employee_number,name,org_unit\n1001,Sato,a-div\n")
    with pytest.raises(ImportRejected) as caught:
        run(source, system)
    assert {(e.row, e.column) for e in caught.value.errors} == {(1, "full_name"), (1, "name")}
    assert Person.objects.count() == 0


def test_dry_run_changes_nothing(units, system):
    run(csv_file(*FIRST), system)
    before, events, history = snapshot(), AuditEvent.objects.count(), Person.history.count()
    changes = run(
        csv_file("1001,Sato Hanako,a-site,,,,,", "1005,New Joiner,a,,,,,"),
        system,
        as_of=DAY2,
        dry_run=True,
    )
    # the report says what would happen ...
    assert changes.labels("mover") == ["1001"] and changes.labels("joiner") == ["1005"]
    assert sorted(changes.labels("leaver")) == ["1002", "1003"]
    # ... and nothing happened
    assert snapshot() == before
    assert AuditEvent.objects.count() == events
    assert Person.history.count() == history


def test_xlsx_input(units, system):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "People"
    sheet.append(HEADER.split(","))
    sheet.append(
        [
            "1001",
            "Sato Hanako",
            "a-div",
            "sato@example.com",
            "Manager",
            "regular",
            dt.datetime(2010, 4, 1),
            "ja",
        ]
    )
    sheet.append([1002, "Suzuki Ichiro", "a-site", None, None, None, dt.date(2015, 4, 1), None])
    raw = io.BytesIO()
    workbook.save(raw)
    raw.seek(0)
    changes = run(raw, system, name="hr.xlsx")
    assert changes.labels("joiner") == ["1001", "1002"]  # a numeric cell reads as its digits
    suzuki = Person.objects.get(employee_number="1002")
    assert (suzuki.org_unit, suzuki.hire_date, suzuki.employment_type) == (
        units["a-site"],
        dt.date(2015, 4, 1),
        "regular",
    )


def test_xlsx_errors_name_sheet_row_and_column(units, system):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "People"
    sheet.append(["employee_number", "full_name", "org_unit", "email"])
    sheet.append(["1001", "Sato Hanako", "a-div", "sato@example.com"])
    sheet.append(["1002", "Suzuki Ichiro", "nowhere", "suzuki@example.com"])
    raw = io.BytesIO()
    workbook.save(raw)
    raw.seek(0)
    with pytest.raises(ImportRejected) as caught:
        run(raw, system, name="hr.xlsx")
    [error] = caught.value.errors
    assert (error.sheet, error.row, error.column) == ("People", 3, "org_unit")
    assert str(error).startswith("hr.xlsx, sheet People, row 3, column org_unit: ")
    assert Person.objects.count() == 0


def test_a_column_the_file_lacks_leaves_that_field_alone(units, system):
    run(csv_file(*FIRST), system)
    minimal = io.BytesIO(
        b"employee_number,full_name,org_unit\n1001,Sato Hanako,a-div\n1002,Suzuki Ichiro,a-div\n1003,Jane Miller,a-site\n"
    )
    changes = run(minimal, system, as_of=DAY2)
    assert changes.unchanged == 3
    sato = Person.objects.get(employee_number="1001")
    assert (sato.email, sato.job_level, sato.hire_date) == (
        "sato@example.com",
        "Manager",
        dt.date(2010, 4, 1),
    )
    assert Person.objects.get(employee_number="1003").language == "en"


def test_import_needs_organisation_manage(world):
    officer = world.users["company_risk_officer"]
    before = snapshot()
    with pytest.raises(PermissionDenied):
        import_people(
            csv_file("9999,Intruder,alpha,,,,,"), name="hr.csv", actor=officer, as_of=DAY2
        )
    assert snapshot() == before


@pytest.fixture
def two_companies(units, make_unit):
    b = make_unit(code="b", name="B", parent=units["g"])
    b_site = make_unit(code="b-site", name="B site", kind=UnitKind.SITE, parent=b)
    return {**units, "b": b, "b-site": b_site}


def test_a_company_admin_imports_only_within_the_company(two_companies, system, make_user, grant):
    run(csv_file(*FIRST, "2001,Li Wei,b-site,li@example.com,Staff,regular,2019-04-01,zh"), system)
    a_admin = make_user(username="a-hr")
    grant(a_admin, "csr_admin", two_companies["a"])
    before = snapshot()
    # Putting someone into company B, or touching B's person, is refused with the row named;
    # B's unit code reads exactly like a code that does not exist.
    with pytest.raises(ImportRejected) as refused:
        run(
            csv_file(
                *FIRST,
                "1004,New Person,b-site,,,,,",
                "2001,Li Wei,a-site,,,,,",
                "1005,Nobody,no-such-unit,,,,,",
            ),
            a_admin,
        )
    text = {(e.row, e.column): e.message for e in refused.value.errors}
    assert text[(5, "org_unit")] == "unknown unit code 'b-site'"
    assert text[(7, "org_unit")] == "unknown unit code 'no-such-unit'"
    assert "outside your scope" in text[(6, "employee_number")]
    assert snapshot() == before
    # A's own file changes A only: B's people are not leavers of A's file.
    changes = run(csv_file(FIRST[0]), a_admin, as_of=DAY2)
    assert sorted(changes.labels("leaver")) == ["1002", "1003"]
    assert Person.objects.get(employee_number="2001").is_active


def test_a_leaver_loses_login_and_roles(units, system, make_user, grant):
    run(csv_file(*FIRST), system)
    user = make_user(username="suzuki")
    grant(user, "company_risk_officer", units["a"])
    Person.objects.filter(employee_number="1002").update(user=user)
    run(csv_file(FIRST[0], FIRST[2]), system, as_of=DAY2)
    user.refresh_from_db()
    assert not user.is_active
    assert not user.role_assignments.filter(active=True).exists()
    assert AuditEvent.objects.filter(verb="user.deactivated").count() == 1


def test_values_longer_than_the_fields_are_cell_errors(units, system):
    long_name = "x" * 201
    with pytest.raises(ImportRejected) as refused:
        run(csv_file(f"1001,{long_name},a-div,,,,,"), system)
    assert "row 2, column full_name: is longer than 200 characters" in str(refused.value)
    assert not Person.objects.exists()

"""The import engine and its files: encodings Japanese Excel writes, the upload limit, every
error of a file in one report, all or nothing (also when the row function refuses a row late),
dry runs that say what would change, and the column kinds."""

import datetime as dt
import decimal
import io

import pytest
from django.core.exceptions import ValidationError

from tatara.core.models import AuditEvent
from tatara.core.tabular import ImportRejected, read_table
from tatara.core.tabular.columns import (
    Boolean,
    Choice,
    Column,
    Date,
    Invalid,
    Number,
    Text,
    unit_column,
)
from tatara.core.tabular.engine import ImportContext, ImportSpec, RowError, run_import
from tatara.core.tabular.results import CREATED, UNCHANGED, UPDATED
from tatara.organisation import services
from tatara.organisation.choices import UnitKind
from tatara.organisation.models import OrgUnit

# --- files -----------------------------------------------------------------------------------


def test_cp932_csv_from_japanese_excel_is_read():
    text = "code,name\r\nsite-1,東京工場\r\nsite-2,ｶﾀｶﾅ株式会社\r\n"
    table = read_table(io.BytesIO(text.encode("cp932")), name="units.csv")
    assert [r.values for r in table.rows] == [
        {"code": "site-1", "name": "東京工場"},
        {"code": "site-2", "name": "ｶﾀｶﾅ株式会社"},
    ]


def test_utf8_with_a_byte_order_mark_is_read_and_the_mark_dropped():
    data = "\ufeffcode,name\nsite-1,東京工場\n".encode()
    table = read_table(io.BytesIO(data), name="units.csv")
    assert table.columns == ["code", "name"] and table.rows[0].values["name"] == "東京工場"


def test_another_encoding_is_refused_naming_the_encodings_taken():
    data = "code,name\nx,Müller Café\n".encode("cp1252")
    with pytest.raises(ImportRejected) as refused:
        read_table(io.BytesIO(data), name="people.csv")
    [error] = refused.value.errors
    assert error.file == "people.csv"
    assert "neither UTF-8 nor Shift_JIS (CP932)" in error.message and "byte 13" in error.message


def test_a_file_over_the_upload_limit_is_refused_with_both_sizes(settings, tmp_path):
    settings.TATARA_UPLOAD_MAX_BYTES = 1024 * 1024
    path = tmp_path / "big.csv"
    path.write_bytes(b"code,name\n" + b"x,y\n" * 300_000)
    with pytest.raises(ImportRejected) as refused:
        read_table(path)
    assert str(refused.value) == "big.csv: the file is 1.1 MB; the largest file taken is 1.0 MB"
    # the same for an upload without a size of its own (read, then measured)
    with pytest.raises(ImportRejected):
        read_table(io.BytesIO(path.read_bytes()), name="big.csv")


# --- column kinds ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        (Date(), "2024-04-01", dt.date(2024, 4, 1)),
        (Date(), "2024/4/1", dt.date(2024, 4, 1)),
        (Date(), "2024年4月1日", dt.date(2024, 4, 1)),
        (Date(), dt.datetime(2024, 4, 1, 0, 0), dt.date(2024, 4, 1)),
        (Boolean(), "はい", True),
        (Boolean(), "No", False),
        (Boolean(), True, True),
        (Number(), "1,234.50", decimal.Decimal("1234.50")),
        (Number(integer=True), 12.0, 12),
        (Choice(UnitKind), "Company", "company"),
        (Choice(UnitKind), "SITE", "site"),
        (Text(5), "abcde", "abcde"),
    ],
)
def test_a_kind_reads_what_people_type(kind, raw, expected):
    column = Column("x", kind)
    row = _row(raw)
    assert column.read(row, None) == expected


@pytest.mark.parametrize(
    ("kind", "raw", "message"),
    [
        (Date(), "2024-13-45", "'2024-13-45' is not a date (YYYY-MM-DD)"),
        (Date(), "2024/2/30", "'2024/2/30' is not a date (YYYY-MM-DD)"),
        (Boolean(), "maybe", "'maybe' is not yes or no"),
        (Number(), "1.2.3", "'1.2.3' is not a number"),
        (Number(), "NaN", "'NaN' is not a number"),
        (Number(integer=True), "1.5", "'1.5' is not a whole number"),
        (Number(minimum=0), "-1", "is less than 0"),
        (Choice(UnitKind), "branch", "'branch' is not one of company, division, group, site"),
        (Text(5), "abcdef", "is longer than 5 characters"),
    ],
)
def test_a_kind_refuses_what_it_cannot_read(kind, raw, message):
    with pytest.raises(Invalid) as refused:
        Column("x", kind).read(_row(raw), None)
    assert str(refused.value) == message


def test_an_empty_cell_gives_the_default_or_is_empty():
    assert Column("x", Text(), default="ja").read(_row(""), None) == "ja"
    with pytest.raises(Invalid, match="is empty"):
        Column("x", Text(), blank=False).read(_row("  "), None)


def _row(value):
    from tatara.core.tabular import Row

    return Row("f.csv", None, 2, {"x": value})


# --- the engine --------------------------------------------------------------------------------
# A small spec over org units: sites under a company, created through the service; a name
# starting with "refuse" is refused by the row function (RowError), "invalid" by the model
# (ValidationError from a service), both only once the rows are being applied.


def _apply(record, context: ImportContext) -> None:
    name = record["name"]
    if name.startswith("refuse"):
        raise RowError(f"refused {name}", "name")
    existing = OrgUnit.objects.filter(code=record["code"]).first()
    if existing is not None:
        changed = services.update_unit(actor=context.actor, unit=existing, name=name)
        context.result.record(
            UPDATED if changed else UNCHANGED, record["code"], row=record.row.number
        )
        return
    if name.startswith("invalid"):
        raise ValidationError({"name": ["not a good name"], "__all__": ["and the row is bad"]})
    services.create_unit(
        actor=context.actor,
        code=record["code"],
        name=name,
        kind=UnitKind.SITE,
        parent=record["parent"],
    )
    context.result.record(CREATED, record["code"], row=record.row.number)


SITES = ImportSpec(
    what="sites",
    action="organisation.manage",
    columns=(
        Column("code", Text(50), required=True, blank=False),
        Column("name", Text(200), required=True, blank=False),
        unit_column("parent", "organisation.manage", required=True, blank=False),
        Column("since", Date()),
    ),
    apply_row=_apply,
    key="code",
    event="sites.imported",
)


@pytest.fixture
def company(db, make_unit):
    group = make_unit(code="g", name="G", kind=UnitKind.GROUP)
    return make_unit(code="c", name="C", parent=group)


def _csv(*rows: str) -> io.BytesIO:
    return io.BytesIO(("\n".join(["code,name,parent,since", *rows]) + "\n").encode())


def _codes():
    return sorted(OrgUnit.objects.values_list("code", flat=True))


def test_every_error_of_a_file_in_one_report_and_nothing_stored(company, system):
    with pytest.raises(ImportRejected) as refused:
        run_import(
            SITES,
            _csv(
                "s1,Site 1,c,2024-04-01",  # fine
                "s2,,nowhere,2024-13-01",  # row 3: three cells
                "s1,Again,c,",  # row 4: the key again
            ),
            actor=system,
            name="sites.csv",
        )
    found = [(e.row, e.column) for e in refused.value.errors]
    assert found == [(3, "name"), (3, "parent"), (3, "since"), (4, "code")]
    assert (
        str(refused.value.errors[1])
        == "sites.csv, row 3, column parent: unknown unit code 'nowhere'"
    )
    assert "first on row 2" in refused.value.errors[3].message
    assert _codes() == ["c", "g"]


def test_rows_refused_while_applying_are_all_reported_and_nothing_stays(company, system):
    events = AuditEvent.objects.count()
    with pytest.raises(ImportRejected) as refused:
        run_import(
            SITES,
            _csv(
                "s1,Site 1,c,",  # applied first, then rolled back
                "s2,refuse me,c,",
                "s3,Site 3,c,",
                "s4,invalid name,c,",
                "s5,refuse me too,c,",
            ),
            actor=system,
            name="sites.csv",
        )
    assert [(e.row, e.column, e.message) for e in refused.value.errors] == [
        (3, "name", "refused refuse me"),
        (5, "name", "not a good name"),
        (5, None, "and the row is bad"),
        (6, "name", "refused refuse me too"),
    ]
    assert _codes() == ["c", "g"]
    assert AuditEvent.objects.count() == events


def test_a_dry_run_counts_and_shows_the_first_rows_and_stores_nothing(company, system):
    run_import(SITES, _csv("s1,Site 1,c,"), actor=system)
    events = AuditEvent.objects.count()
    rows = [f"n{i},New {i},c," for i in range(12)]
    result = run_import(
        SITES, _csv("s1,Site one,c,", *rows), actor=system, name="sites.csv", dry_run=True
    )
    assert (result.created, result.updated, result.unchanged, result.removed) == (12, 1, 0, 0)
    assert [c.label for c in result.first(CREATED)] == [f"n{i}" for i in range(10)]
    assert [(c.row, c.label) for c in result.first(UPDATED)] == [(2, "s1")]
    assert result.summary() == (
        "sites.csv: 12 created, 1 updated, 0 unchanged (dry run: nothing was stored)"
    )
    assert _codes() == ["c", "g", "s1"]
    assert OrgUnit.objects.get(code="s1").name == "Site 1"
    assert AuditEvent.objects.count() == events


def test_an_import_records_one_event_with_its_summary(company, system):
    result = run_import(SITES, _csv("s1,Site 1,c,", "s2,Site 2,c,"), actor=system, name="s.csv")
    event = AuditEvent.objects.get(verb="sites.imported")
    assert event.data == {"file": "s.csv", "summary": result.summary(), "dry_run": False}
    assert result.summary() == "s.csv: 2 created, 0 updated, 0 unchanged"


def test_a_unit_outside_the_importers_scope_reads_like_one_that_does_not_exist(
    company, make_unit, make_user, grant
):
    other = make_unit(code="other", name="Other", parent=company.parent)
    admin = make_user(username="c-admin")
    grant(admin, "csr_admin", company)
    with pytest.raises(ImportRejected) as refused:
        run_import(SITES, _csv("s1,Site,other,", "s2,Site,missing,"), actor=admin)
    assert [e.message for e in refused.value.errors] == [
        "unknown unit code 'other'",
        "unknown unit code 'missing'",
    ]
    assert not OrgUnit.objects.filter(parent=other).exists()


def test_the_importer_needs_the_specs_permission(company, make_user):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        run_import(SITES, _csv("s1,Site,c,"), actor=make_user(username="nobody"))
    assert _codes() == ["c", "g"]


def test_columns_document_themselves():
    assert SITES.help_lines() == [
        "code (text, up to 50 characters, required)",
        "name (text, up to 200 characters, required)",
        "parent (unit code, required)",
        "since (date, YYYY-MM-DD, optional)",
    ]

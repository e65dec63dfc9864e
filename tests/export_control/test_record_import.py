"""Items and parties in from CSV and Excel files and out again (record_import.py,
record_export.py): upsert by unit and code, every kind of bad input refused with its file,
sheet, row and column and nothing changed, all or nothing, dry runs, round trips, the party
code, the screening index taken once.

Pages, the API, the CLI and the job flow: test_record_files.py."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook, load_workbook

from export_control.screeners import RECORDS, Screener
from tatara.core.models import AuditEvent
from tatara.core.tabular import CellError, ImportRejected
from tatara.export_control import party_screening, record_export, record_import, services
from tatara.export_control.models import Item, Party

ITEMS = (
    "code,name,org_unit,item_kind,control_row,sub_item,catch_all_applicable,"
    "foreign_classifications,notes\n"
    "MAR-350,Maraging steel,,goods,4,4(1),no,US-ECCN: 1C116; EU: 1C116,Rods\n"
    'VAL-1,C-276 valve,alpha-div,Goods,3-2,,はい,"US-ECCN: 2B350\nEU: 2B350",\n'
    "TOOL-9,Carbide tool,,software,,,,,\n"
)
PARTIES = (
    "code,name,org_unit,party_kind,aliases,address,country,date_of_birth,identifiers,roles\n"
    'C-100,"Acme Trading, Inc.",,entity,"Acme; ACME Corp\nアクメ","1 Main St, Berlin",Germany,,'
    '"LEI: 5493001KJTIIGC8Y1R12; VAT: DE123","customer, end user"\n'
    "C-200,Rosoboronexport,alpha-div,,,,RU,,,consignee\n"
    ",Hanako Yamamoto,,person,山本 花子,,カナダ,1965-3,,End user\n"
)


def upload(text: str, name: str = "file.csv") -> io.BytesIO:
    handle = io.BytesIO(text.encode("utf-8"))
    handle.name = name
    return handle


def state() -> tuple:
    """Everything an import may touch: the records, their history, the audit events."""
    return (
        list(Item.objects.order_by("pk").values()),
        list(Party.objects.order_by("pk").values()),
        Item.history.count(),
        Party.history.count(),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def alpha(world):
    return world.units["alpha"]


@pytest.fixture
def eco(officers):
    return officers["eco"]


def run(what, text, actor, unit=None, name="file.csv", **kwargs):
    kwargs.setdefault("screener", Screener())
    return record_import.import_records(
        what, upload(text, name), actor=actor, name=name, unit=unit, **kwargs
    )


def refused(what, text, actor, unit=None, name="file.csv") -> list[CellError]:
    before = state()
    with pytest.raises(ImportRejected) as caught:
        run(what, text, actor, unit, name)
    assert state() == before, "a refused file changed something"
    return caught.value.errors


# --- good files -------------------------------------------------------------------------------


def test_an_item_file_creates_items_then_updates_only_its_columns(world, eco, alpha):
    result = run("items", ITEMS, eco, alpha, name="items.csv")
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    steel = Item.objects.get(code="MAR-350")
    assert steel.org_unit == alpha and steel.control_row.code == "4" and steel.sub_item == "4(1)"
    assert steel.catch_all_applicable is False and steel.notes == "Rods"
    assert steel.foreign_classifications == {"US-ECCN": "1C116", "EU": "1C116"}
    valve = Item.objects.get(code="VAL-1")
    assert valve.org_unit == world.units["alpha-div"] and valve.control_row.code == "3-2"
    assert valve.catch_all_applicable is True and valve.item_kind == "goods"
    assert valve.foreign_classifications == {"US-ECCN": "2B350", "EU": "2B350"}
    tool = Item.objects.get(code="TOOL-9")
    assert tool.control_row is None and tool.item_kind == "software" and tool.catch_all_applicable
    event = AuditEvent.objects.get(verb="export_control.items_imported")
    assert event.actor == eco and event.org_unit == alpha
    assert event.data == {
        "file": "items.csv",
        "rows": 3,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "screening": {},
    }
    assert AuditEvent.objects.filter(verb="export_control.item_created").count() == 3

    # a file with fewer columns: those left out stay as they are
    result = run(
        "items",
        "code,name,control_row\nMAR-350,Maraging steel,2\nTOOL-9,Carbide tool,\n",
        eco,
        alpha,
    )
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    steel.refresh_from_db()
    assert steel.control_row.code == "2" and steel.notes == "Rods" and steel.sub_item == "4(1)"
    changed = AuditEvent.objects.get(verb="export_control.item_changed")
    assert changed.data["fields"] == ["control_row"]
    assert result.rows[0][4:6] == ("updated", "control_row")


def test_a_party_file_creates_screened_parties_with_every_column_read(world, eco, alpha):
    result = run("parties", PARTIES, eco, alpha, name="customers.csv")
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    assert result.screening == {"clear": 2, "strong": 1}
    assert "1 strong hit(s)" in result.summary()
    acme = Party.objects.get(code="C-100")
    assert acme.name == "Acme Trading, Inc." and acme.org_unit == alpha
    assert acme.aliases == ["Acme", "ACME Corp", "アクメ"]  # never split on commas
    assert acme.address == "1 Main St, Berlin" and acme.country == "DE"
    assert acme.identifiers == {"LEI": "5493001KJTIIGC8Y1R12", "VAT": "DE123"}
    assert acme.roles == ["customer", "end_user"]
    hit = Party.objects.get(code="C-200")
    assert hit.org_unit == world.units["alpha-div"] and hit.screening_outcome == "strong"
    assert hit.screening_hits[0]["list_entry_id"] == "1001"
    person = Party.objects.get(name="Hanako Yamamoto")
    assert person.code == "" and person.party_kind == "person" and person.country == "CA"
    assert person.date_of_birth == "1965-03" and person.roles == ["end_user"]
    assert person.screened_at is not None
    event = AuditEvent.objects.get(verb="export_control.parties_imported")
    assert event.data["file"] == "customers.csv" and event.data["created"] == 3
    assert AuditEvent.objects.filter(verb="export_control.party_created").count() == 3


def test_parties_are_matched_by_unit_and_code_rows_without_a_code_are_new(world, eco, alpha):
    run("parties", PARTIES, eco, alpha)
    history = Party.history.count()
    again = (
        "code,name,country\n"
        'C-100,"Acme Trading, Inc.",DE\n'  # unchanged (Germany was stored as DE)
        "C-200,Rosoboronexport,KZ\n"  # alpha's C-200? no: C-200 is alpha-div's → a new party
        ",Hanako Yamamoto,JP\n"  # no code: always a new party
    )
    result = run("parties", again, eco, alpha)
    assert (result.created, result.updated, result.unchanged) == (2, 0, 1)
    assert Party.objects.filter(code="C-200").count() == 2
    assert Party.objects.filter(name="Hanako Yamamoto").count() == 2
    assert Party.history.count() == history + 2  # the unchanged row wrote no history

    result = run("parties", "code,name,org_unit,country\nC-200,Rosoboronexport,alpha-div,KZ\n", eco)
    assert (result.created, result.updated) == (0, 1)
    party = Party.objects.get(code="C-200", org_unit=world.units["alpha-div"])
    assert party.country == "KZ" and party.roles == ["consignee"]  # roles: not in the file
    assert AuditEvent.objects.get(verb="export_control.party_changed").data["fields"] == ["country"]


def test_an_import_screens_again_the_open_transactions_of_a_changed_party(eco, alpha):
    screener = Screener()
    party = services.create_party(
        actor=eco, org_unit=alpha, code="C-1", name="Acme", screener=screener
    )
    tx = services.create_transaction(
        actor=eco,
        org_unit=alpha,
        reference="T-1",
        date=dt.date(2019, 6, 1),
        destination="DE",
        parties=[(party, "customer")],
        screener=screener,
    )
    run("parties", "code,name\nC-1,Rosoboronexport\n", eco, alpha, screener=screener)
    tx.refresh_from_db()
    assert tx.runs.count() == 2 and tx.status == "screened"


# --- bad input: every error names file, sheet, row and column; nothing changes ---------------


@pytest.mark.parametrize(
    ("what", "text", "expected"),
    [
        pytest.param(
            "items",
            "code,notes\nA,x\n",
            [CellError("file.csv", None, 1, "name", "required column is missing")],
            id="missing-column",
        ),
        pytest.param(
            "items",
            "code,name,colour\nA,B,red\n",
            [
                CellError(
                    "file.csv",
                    None,
                    1,
                    "colour",
                    "unknown column; expected catch_all_applicable, code, control_row, "
                    "foreign_classifications, item_kind, name, notes, org_unit, sub_item",
                )
            ],
            id="unknown-column",
        ),
        pytest.param(
            "items",
            "code,name,control_row\nA,Ok,4\nB,Bad,17\n",
            [
                CellError(
                    "file.csv",
                    None,
                    3,
                    "control_row",
                    "Appended Table 1 has no row '17'; use 1, 2, 3, 3-2, 4, 5, 6, 7, 8, 9, 10, "
                    "11, 12, 13, 14, 15, 16, or leave it empty (not listed)",
                )
            ],
            id="bad-row-code",
        ),
        pytest.param(
            "items",
            "code,name\n,Nameless\n",
            [CellError("file.csv", None, 2, "code", "is empty")],
            id="item-without-code",
        ),
        pytest.param(
            "items",
            "code,name,item_kind,catch_all_applicable,foreign_classifications\n"
            "A,B,hardware,maybe,US-ECCN 3A001\n",
            [
                CellError(
                    "file.csv",
                    None,
                    2,
                    "item_kind",
                    "'hardware' is not one of goods, technology, software",
                ),
                CellError(
                    "file.csv",
                    None,
                    2,
                    "catch_all_applicable",
                    "'maybe' is not yes or no (yes/no, true/false, 1/0, はい/いいえ)",
                ),
                CellError(
                    "file.csv",
                    None,
                    2,
                    "foreign_classifications",
                    "'US-ECCN 3A001' is not written as SCHEME: value",
                ),
            ],
            id="bad-kind-flag-and-classification",
        ),
        pytest.param(
            "items",
            "code,name\nA,One\nB,Two\nA,Three\n",
            [CellError("file.csv", None, 4, "code", "A appears again (first on row 2)")],
            id="duplicate-code",
        ),
        pytest.param(
            "items",
            f"code,name\n{'X' * 61},Long\n",
            [CellError("file.csv", None, 2, "code", "is longer than 60 characters")],
            id="too-long",
        ),
        pytest.param(
            "parties",
            "name,country\nAcme,Atlantis\n",
            [
                CellError(
                    "file.csv",
                    None,
                    2,
                    "country",
                    "'Atlantis' is neither an ISO 3166-1 alpha-2 code nor a country name "
                    "known to Tatara",
                )
            ],
            id="bad-country",
        ),
        pytest.param(
            "parties",
            "name,date_of_birth\nA,1965-13\nB,01/03/1965\nC,1965-02-30\n",
            [
                CellError(
                    "file.csv",
                    None,
                    n,
                    "date_of_birth",
                    f"'{value}' is not a date of birth (YYYY, YYYY-MM or YYYY-MM-DD)",
                )
                for n, value in ((2, "1965-13"), (3, "01/03/1965"), (4, "1965-02-30"))
            ],
            id="bad-dates",
        ),
        pytest.param(
            "parties",
            "code,name,party_kind,roles\nC1,A,company,customer; buyer\n",
            [
                CellError(
                    "file.csv", None, 2, "party_kind", "'company' is not one of person, entity"
                ),
                CellError(
                    "file.csv",
                    None,
                    2,
                    "roles",
                    "'buyer' is not one of customer, consignee, end_user, intermediary",
                ),
            ],
            id="bad-role-and-kind",
        ),
        pytest.param(
            "parties",
            "code,name,org_unit\nC1,A,bravo\nC2,B,nowhere\nC3,C,alpha-site\n",
            [
                CellError(
                    "file.csv",
                    None,
                    n,
                    "org_unit",
                    f"unknown unit code '{code}', or outside your scope (export_control.change)",
                )
                for n, code in ((2, "bravo"), (3, "nowhere"))
            ],
            id="unit-out-of-scope",
        ),
        pytest.param(
            "parties",
            "code,name\nC1,\n",
            [CellError("file.csv", None, 2, "name", "is empty")],
            id="party-without-name",
        ),
        pytest.param(
            "parties",
            "",
            [CellError("file.csv", None, None, None, "the file is empty")],
            id="empty-file",
        ),
        pytest.param(
            "parties",
            "code,name\n",
            [CellError("file.csv", None, None, None, "the file has no rows")],
            id="header-only",
        ),
    ],
)
def test_bad_input_is_refused_with_file_sheet_row_and_column(eco, alpha, what, text, expected):
    assert refused(what, text, eco, alpha) == expected


def test_rows_without_a_unit_need_a_default_unit(eco):
    assert refused("parties", "name,org_unit\nAcme,\n", eco, None) == [
        CellError("file.csv", None, 2, "org_unit", "is empty, and no default unit was chosen")
    ]


def test_wrong_file_types_and_encodings_are_refused(eco, alpha):
    assert refused("items", "%PDF-1.4", eco, alpha, name="items.pdf") == [
        CellError("items.pdf", None, None, None, "unsupported file type .pdf; use .csv or .xlsx")
    ]
    before = state()
    latin1 = io.BytesIO("code,name\nA,Müller\n".encode("latin-1"))
    with pytest.raises(ImportRejected) as caught:
        record_import.import_records("items", latin1, actor=eco, name="items.csv", unit=alpha)
    assert "neither UTF-8 nor Shift_JIS" in caught.value.errors[0].message
    fake = io.BytesIO(b"PK\x03\x04 not really a workbook")
    with pytest.raises(ImportRejected) as caught:
        record_import.import_records("items", fake, actor=eco, name="items.xlsx", unit=alpha)
    assert caught.value.errors[0].message == "not a readable Excel workbook (BadZipFile)"
    assert state() == before


def test_the_importer_needs_the_right_to_change_records(world, eco):
    with pytest.raises(PermissionDenied):
        run("items", ITEMS, world.users["auditor"], None)
    with pytest.raises(PermissionDenied):  # a default unit outside the scope
        run("items", ITEMS, eco, world.units["bravo"])


def test_a_failing_row_after_good_rows_stores_nothing(eco, alpha):
    text = PARTIES + "C-300,Bad,,,,,Atlantis,,,\n"
    errors = refused("parties", text, eco, alpha)
    assert [(e.row, e.column) for e in errors] == [(5, "country")]
    assert not Party.objects.exists()


def test_a_service_refusing_a_row_while_applying_rolls_everything_back(eco, alpha, monkeypatch):
    real = services.create_party
    calls = []

    def create_party(**kwargs):
        calls.append(kwargs["name"])
        if len(calls) == 3:
            raise ValidationError({"name": "refused by the service"})
        return real(**kwargs)

    monkeypatch.setattr(services, "create_party", create_party)
    errors = refused("parties", PARTIES, eco, alpha)
    assert errors == [CellError("file.csv", None, 4, "name", "refused by the service")]
    assert len(calls) == 3 and not Party.objects.exists()


def test_a_dry_run_counts_and_writes_nothing(eco, alpha):
    run("items", ITEMS, eco, alpha)
    before = state()
    text = ITEMS.replace("Carbide tool", "Carbide end mill") + "NEW-1,New,,,,,,,\n"
    result = run("items", text, eco, alpha, dry_run=True)
    assert (result.created, result.updated, result.unchanged, result.dry_run) == (1, 1, 2, True)
    assert result.summary().endswith("(dry run: nothing was stored)")
    assert state() == before
    result = run("parties", PARTIES, eco, alpha, dry_run=True)
    assert result.created == 3 and result.screening == {} and state() == before


def test_progress_is_reported_while_applying(eco, alpha, monkeypatch):
    monkeypatch.setattr(record_import, "PROGRESS_EVERY", 2)
    seen = []
    run(
        "items",
        ITEMS + "X-1,X,,,,,,,\nX-2,X,,,,,,,\n",
        eco,
        alpha,
        progress=lambda *a: seen.append(a),
    )
    assert seen[0] == (0, 0, "Reading the file")
    assert (0, 5, "Checking 5 rows") in seen and (2, 5, "Applying changes") in seen
    assert (4, 5, "Applying changes") in seen and seen[-1] == (5, 5, "Saving")


# --- Excel ------------------------------------------------------------------------------------


def xlsx(rows, title="Master") -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    data.name = "master.xlsx"
    return data


def test_excel_cells_dates_numbers_and_errors_with_the_sheet(eco, alpha):
    book = xlsx(
        [
            ["code", "name", "control_row", "catch_all_applicable"],
            [123, "Numbered", 4, True],
            ["R-32", "Row 3-2 read as a date", dt.datetime(2026, 3, 2), False],
        ]
    )
    record_import.import_records("items", book, actor=eco, name="master.xlsx", unit=alpha)
    assert Item.objects.get(code="123").control_row.code == "4"
    second = Item.objects.get(code="R-32")
    assert second.control_row.code == "3-2" and second.catch_all_applicable is False

    book = xlsx([["name", "date_of_birth"], ["Hanako", dt.datetime(1965, 3, 1)], ["Taro", "x"]])
    with pytest.raises(ImportRejected) as caught:
        record_import.import_records("parties", book, actor=eco, name="master.xlsx", unit=alpha)
    assert caught.value.errors == [
        CellError(
            "master.xlsx",
            "Master",
            3,
            "date_of_birth",
            "'x' is not a date of birth (YYYY, YYYY-MM or YYYY-MM-DD)",
        )
    ]
    assert str(caught.value.errors[0]).startswith("master.xlsx, sheet Master, row 3, column ")


@pytest.fixture(scope="module")
def libreoffice_xlsx(tmp_path_factory):
    """The party file converted to .xlsx by LibreOffice (headless), as an office would."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("lo")
    source = folder / "customers.csv"
    source.write_text(PARTIES + "C-400,Broken date,,,,,JP,1965-13,,\n", encoding="utf-8")
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{folder}/profile",
            "--infilter=CSV:44,34,76,1",  # comma, double quote, UTF-8
            "--convert-to",
            "xlsx",
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return (folder / "customers.xlsx").read_bytes()


def test_a_workbook_written_by_libreoffice(eco, alpha, libreoffice_xlsx):
    before = state()
    with pytest.raises(ImportRejected) as caught:
        record_import.import_records(
            "parties", io.BytesIO(libreoffice_xlsx), actor=eco, name="customers.xlsx", unit=alpha
        )
    assert caught.value.errors == [
        CellError(
            "customers.xlsx",
            "customers",
            5,
            "date_of_birth",
            "'1965-13' is not a date of birth (YYYY, YYYY-MM or YYYY-MM-DD)",
        )
    ]
    assert state() == before
    good = load_workbook(io.BytesIO(libreoffice_xlsx))
    good.active.delete_rows(5)
    data = io.BytesIO()
    good.save(data)
    data.seek(0)
    result = record_import.import_records(
        "parties", data, actor=eco, name="customers.xlsx", unit=alpha, screener=Screener()
    )
    assert result.created == 3
    acme = Party.objects.get(code="C-100")
    assert acme.aliases == ["Acme", "ACME Corp", "アクメ"] and acme.country == "DE"
    assert Party.objects.get(name="Hanako Yamamoto").date_of_birth == "1965-03"


# --- export and round trips -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_changes_nothing_and_an_edit_changes_one_record(eco, alpha, fmt):
    run("items", ITEMS, eco, alpha)
    run("parties", PARTIES.replace("\n,Hanako", "\nC-300,Hanako"), eco, alpha)
    services.update_party(  # text typed on a page: CR LF line ends, a formula-like name
        actor=eco,
        party=Party.objects.get(code="C-100"),
        address="1 Main St\r\nBerlin",
        name="=Acme Trading",
        screener=Screener(),
    )
    for what in ("items", "parties"):
        data, _content_type, file_name = record_export.export_records(what, viewer=eco, fmt=fmt)
        assert file_name == f"export-control-{what}.{fmt}"
        before = state()
        result = record_import.import_records(
            what, io.BytesIO(data), actor=eco, name=file_name, screener=Screener()
        )
        assert (result.created, result.updated, result.unchanged) == (0, 0, 3), what
        assert state()[:4] == before[:4]  # no record and no history changed (one event)

    data, _type, name = record_export.export_records("parties", viewer=eco, fmt="csv")
    assert b"'=Acme Trading" in data  # guarded against running as a formula
    edited = data.replace(b"Rosoboronexport", b"Rosoboronexport OAO")
    result = record_import.import_records(
        "parties", io.BytesIO(edited), actor=eco, name=name, screener=Screener()
    )
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    assert Party.objects.get(code="C-200").name == "Rosoboronexport OAO"
    assert Party.objects.get(code="C-100").name == "=Acme Trading"


def test_the_export_holds_the_viewers_scope_only_and_is_deterministic(world, officers, alpha):
    run("items", ITEMS, officers["eco"], alpha)
    run("items", "code,name\nB-1,Bravo item ~bravo~\n", officers["eco_b"], world.units["bravo"])
    data, _t, _n = record_export.export_records("items", viewer=officers["eco"], fmt="csv")
    lines = data.decode().splitlines()
    assert lines[0] == (
        "code,name,org_unit,item_kind,control_row,sub_item,catch_all_applicable,"
        "foreign_classifications,notes"
    )
    assert lines[1] == 'MAR-350,Maraging steel,alpha,goods,4,4(1),no,"EU: 1C116'  # keys sorted
    assert b"~bravo~" not in data and b"VAL-1" in data
    first = record_export.export_records("items", viewer=officers["eco"], fmt="xlsx")[0]
    assert first == record_export.export_records("items", viewer=officers["eco"], fmt="xlsx")[0]
    sheet = load_workbook(io.BytesIO(first)).active
    assert sheet.title == "items" and sheet["A2"].value == "MAR-350" and sheet["E2"].value == "4"
    with pytest.raises(PermissionDenied):
        record_export.export_records("items", viewer=world.users["employee"], fmt="csv")


# --- the party code ---------------------------------------------------------------------------


def test_a_party_code_is_unique_in_its_unit_when_given(world, eco, alpha):
    screener = Screener()
    services.create_party(actor=eco, org_unit=alpha, code=" C-1 ", name="A", screener=screener)
    assert Party.objects.get(name="A").code == "C-1"
    with pytest.raises(ValidationError) as caught:
        services.create_party(actor=eco, org_unit=alpha, code="C-1", name="B", screener=screener)
    assert caught.value.message_dict == {"code": ["Another party of this unit has the code C-1."]}
    services.create_party(
        actor=eco, org_unit=world.units["alpha-div"], code="C-1", name="C", screener=screener
    )
    for name in ("D", "E"):  # empty codes may repeat
        services.create_party(actor=eco, org_unit=alpha, name=name, screener=screener)
    other = Party.objects.get(name="D")
    with pytest.raises(ValidationError):
        services.update_party(actor=eco, party=other, code="C-1", screener=screener)
    services.update_party(actor=eco, party=other, code="C-2", screener=screener)
    assert Party.objects.get(name="D").code == "C-2"


# --- the screening index, taken once ---------------------------------------------------------


def test_an_import_takes_the_screening_index_once(eco, alpha, monkeypatch):
    from tatara.screening import name_screening
    from tatara.screening.matching import MatchIndex

    taken = []
    index = name_screening.ActiveIndex(
        key=((1, ""),), index=MatchIndex.build(RECORDS), list_names={}
    )

    def active():
        taken.append(1)
        return index

    monkeypatch.setattr(name_screening, "active", active)
    text = "code,name\n" + "".join(f"P-{n},Party number {n}\n" for n in range(20))
    text += "P-X,Rosoboronexport\n"
    result = record_import.import_records("parties", upload(text), actor=eco, unit=alpha)
    assert result.created == 21 and taken == [1]
    assert Party.objects.get(code="P-X").screening_outcome == "strong"
    assert party_screening.snapshot_screener is record_import.snapshot_screener


def test_queries_per_imported_party_stay_bounded(eco, alpha, django_assert_max_num_queries):
    def rows(prefix, n):
        return "code,name,country\n" + "".join(f"{prefix}-{i},Party {i},DE\n" for i in range(n))

    run("parties", rows("W", 1), eco, alpha)  # warms the caches (content types, grants)
    with django_assert_max_num_queries(10 + 8 * 50):  # 8 a created party (savepoints included)
        run("parties", rows("Q", 50), eco, alpha)

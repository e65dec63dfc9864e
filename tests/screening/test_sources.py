"""Each parser on the real list files (counts as in the data README) and on small files built
from the published formats (EU, METI, own watch list)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from screening.lists_data import CONS, CSL, CSL_API, DPL, SDN_2024_01, SDN_2024_05, UN_XML
from tatara.screening.sources import ListRecord, ParsedList, read_list
from tatara.screening.sources.records import BirthDate, Identifier, script_of


@pytest.fixture(scope="module")
def sdn() -> ParsedList:
    return read_list("ofac-sdn", SDN_2024_01 / "sdn.csv")


@pytest.fixture(scope="module")
def un() -> ParsedList:
    return read_list("un", UN_XML)


def by_id(parsed: ParsedList) -> dict[str, ListRecord]:
    return {r.entry_id: r for r in parsed.records}


def test_sdn_counts(sdn: ParsedList) -> None:
    assert len(sdn.records) == 13_821
    strong = sum(1 for r in sdn.records for a in r.aliases if a.quality == "strong")
    # alt.csv holds 17,091 aliases; three repeat their entry's primary name (ent_num 18721,
    # 35979, 40268) and are kept once, as the primary name
    assert strong == 17_091 - 3
    weak = sum(1 for r in sdn.records for a in r.aliases if a.quality == "weak")
    assert weak > 3_000  # the remarks' a.k.a. 'NAME' entries
    assert [f.name for f in sdn.files] == ["sdn.csv", "alt.csv", "add.csv"]
    assert {f.encoding for f in sdn.files} == {"utf-8"}
    assert Counter(r.kind for r in sdn.records) == {
        "person": 6646,
        "entity": 6033,
        "vessel": 764,
        "aircraft": 378,
    }


def test_sdn_spot_checks(sdn: ParsedList) -> None:
    records = by_id(sdn)
    bank = records["306"]
    assert bank.name == "BANCO NACIONAL DE CUBA"
    assert bank.kind == "entity"
    assert bank.programmes == ("CUBA",)
    assert [(a.name, a.quality) for a in bank.aliases] == [
        ("NATIONAL BANK OF CUBA", "strong"),
        ("BNC", "weak"),
    ]
    assert {"Switzerland", "Spain", "Japan", "Panama"} <= set(bank.countries)
    abbas = records["2674"]
    assert (abbas.name, abbas.kind) == ("ABBAS, Abu", "person")
    assert abbas.birth_dates == (BirthDate(1948, 12, 10),)
    assert [a.name for a in abbas.aliases] == ["ZAYDAN, Muhammad"]
    pharmacy = records["7157"]
    assert Identifier("R.F.C.", "FVS-870610-LX3", "Mexico") in pharmacy.identifiers
    assert len(pharmacy.addresses) > 20
    # a multi-programme entry keeps each programme
    assert any(len(r.programmes) >= 2 for r in sdn.records)


def test_sdn_later_snapshot_without_companions() -> None:
    parsed = read_list("ofac-sdn", SDN_2024_05)  # the folder: only sdn.csv in it
    assert len(parsed.records) == 14_965
    assert [f.name for f in parsed.files] == ["sdn.csv"]


def test_consolidated() -> None:
    parsed = read_list("ofac-cons", CONS / "cons_prim.csv")
    assert len(parsed.records) == 442
    assert [f.name for f in parsed.files] == [
        "cons_prim.csv",
        "cons_alt.csv",
        "cons_add.csv",
        "cons_comments.csv",
    ]
    records = by_id(parsed)
    haniya = records["9639"]
    assert haniya.name == "HANIYA, Ismail Abdul Salah"
    assert haniya.programmes == ("NS-PLC",)
    assert haniya.birth_dates == (BirthDate(1962),)
    assert {"HANIYA, Ismail", "HANIYYA, Ismaeel"} <= {a.name for a in haniya.aliases}
    # remarks cut at 1,000 characters continue in cons_comments.csv
    bank = records["17014"]
    assert bank.remarks.endswith("a.k.a. 'RUSAG'.")
    assert "Registration Number 1027700342890 (Russia)" in bank.remarks
    assert ("RUSAG", "weak") in {(a.name, a.quality) for a in bank.aliases}
    assert set(bank.programmes) == {"UKRAINE-EO13662", "RUSSIA-EO14024"}


def test_un_counts(un: ParsedList) -> None:
    kinds = Counter(r.kind for r in un.records)
    assert kinds == {"person": 730, "entity": 273}
    assert str(un.published) == "2026-02-27"
    list_aliases = sum(1 for r in un.records for a in r.aliases if a.type != "original")
    assert 2_700 < list_aliases <= 2_752  # 2,752 in the file, a few repeat the primary name
    originals = [a for r in un.records for a in r.aliases if a.type == "original"]
    assert len(originals) == 377
    assert {a.script for a in originals} >= {"arabic", "cyrillic"}


def test_un_spot_checks(un: ParsedList) -> None:
    records = by_id(un)
    saddam = records["IQi.001"]
    assert saddam.name == "SADDAM HUSSEIN AL-TIKRITI"
    assert saddam.kind == "person"
    assert saddam.birth_dates == (BirthDate(1937, 4, 28),)
    assert saddam.countries[0] == "Iraq"
    assert saddam.programmes == ("Iraq",)
    names = {(a.name, a.quality, a.script) for a in saddam.aliases}
    assert ("صدام حسين التكريتي", "strong", "arabic") in names
    assert ("Abu Ali", "weak", "latin") in names
    adf = records["CDe.001"]
    assert (adf.name, adf.kind) == ("ADF", "entity")
    assert {a.name for a in adf.aliases} >= {"Allied Democratic Forces", "NALU"}
    assert records["CDi.001"].birth_dates == (BirthDate(1971),)
    ranged = [r for r in un.records if any(b.year_to for b in r.birth_dates)]
    assert ranged and all(b.year_to > b.year for r in ranged for b in r.birth_dates if b.year_to)


def test_eu_file_built_from_the_schema(eu_file: Path) -> None:
    parsed = read_list("eu", eu_file)
    assert str(parsed.published) == "2025-03-14"
    person, trust = parsed.records
    assert (person.entry_id, person.kind, person.name) == (
        "139065",
        "person",
        "Ivan Ivanovich PETROV",
    )
    assert [(a.name, a.quality, a.script) for a in person.aliases] == [
        ("Иван Иванович ПЕТРОВ", "strong", "cyrillic"),
        ("Vanya", "weak", "latin"),
    ]
    assert person.birth_dates == (BirthDate(1965, 5, 3),)
    assert person.countries == ("RUSSIAN FEDERATION",)
    assert person.identifiers == (
        Identifier("National passport", "7700123456", "RUSSIAN FEDERATION"),
    )
    assert person.programmes == ("UKR",)
    assert person.extra["eu_reference_number"] == "EU.6549.1"
    assert (trust.entry_id, trust.kind) == ("13", "entity")
    assert [a.name for a in trust.aliases] == ["Al Rasheed Trust"]
    assert trust.addresses[0].city == "Karachi" and trust.countries == ("PAKISTAN",)


@pytest.mark.parametrize(("path", "rows"), [(CSL, 115), (CSL_API, 13)])
def test_us_csl_both_layouts(path: Path, rows: int) -> None:
    parsed = read_list("us-csl", path)
    assert len(parsed.records) == rows
    assert len({r.entry_id for r in parsed.records}) == rows


def test_us_csl_fields() -> None:
    records = {r.name: r for r in read_list("us-csl", CSL).records}
    canada = records["2904977 CANADA, INC."]
    assert canada.entry_id == "SDN-8124"
    assert [a.name for a in canada.aliases] == ["CARIBE SOL", "HAVANTUR CANADA INC."]
    assert canada.countries == ("CA",)
    assert records["200G PSA HOLDINGS LLC"].identifiers == (
        Identifier("Tax ID No.", "80-0890696", "US"),
    )


def test_bis_dpl() -> None:
    parsed = read_list("bis-dpl", DPL)
    assert len(parsed.records) == 581
    assert len({r.entry_id for r in parsed.records}) == 581


def test_meti_csv_aliases_split(meti_csv: Path) -> None:
    records = read_list("meti-eul", meti_csv).records
    assert [r.entry_id for r in records] == ["1", "2", "3"]
    qaida = records[0]
    assert [a.name for a in qaida.aliases] == [
        "The Base",
        "Al Qaeda",
        "Islamic Salvation Foundation",
    ]
    assert qaida.programmes == ("chemical", "nuclear")
    assert records[1].name == "Beijing Institute of Aerodynamics, Co., Ltd."
    assert [a.name for a in records[1].aliases] == ["BIA"]
    assert records[2].countries == ("Iran",)


def test_meti_xlsx_with_japanese_headers(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["番号", "国名・地域名", "企業名・組織名", "別名", "懸念区分"])
    sheet.append([1, "イラン", "Kalaye Electric Company", "Kala-Electric\nカラエ電気", "N"])
    path = tmp_path / "eul.xlsx"
    workbook.save(path)
    (record,) = read_list("meti-eul", path).records
    assert record.entry_id == "1"
    assert [(a.name, a.script) for a in record.aliases] == [
        ("Kala-Electric", "latin"),
        ("カラエ電気", "japanese"),
    ]


def test_custom_watch_list(custom_csv: Path) -> None:
    person, company = read_list("custom", custom_csv).records
    assert (person.entry_id, person.kind, person.name) == ("W-1", "person", "Hans Muster")
    assert [a.name for a in person.aliases] == ["Hans M. Muster", "H. Muster"]
    assert person.birth_dates == (BirthDate(1961, 4, 12),)
    assert company.identifiers == (Identifier("", "TRN 100200300"),)


def test_record_json_round_trip(sdn: ParsedList, un: ParsedList) -> None:
    for record in (*sdn.records[:500], *un.records[:200]):
        assert ListRecord.from_json(record.to_json()) == record


def test_scripts() -> None:
    assert script_of("صدام") == "arabic"
    assert script_of("Иван") == "cyrillic"
    assert script_of("金正恩") == "han"
    assert script_of("김정은") == "hangul"
    assert script_of("トヨタ自動車") == "japanese"
    assert script_of("Ivan Иван") == "mixed"
    assert BirthDate.parse("~1960") == BirthDate(1960, circa=True)
    assert str(BirthDate(1973, year_to=1974)) == "1973/1974"

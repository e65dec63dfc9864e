"""Bad list files are refused with a message naming file, line/row and field; the active
version stays as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.lists_data import CUSTOM_CSV, EU_XML, SDN_2024_01, UN_XML
from tatara.core.tabular import ImportRejected
from tatara.screening import services
from tatara.screening.models import ListVersion, ScreeningList
from tatara.screening.sources import read_list


def refusal(source: str, path: Path) -> str:
    with pytest.raises(ImportRejected) as caught:
        read_list(source, path)
    return str(caught.value)


def test_truncated_xml(tmp_path: Path) -> None:
    path = tmp_path / "UN_consolidated.xml"
    path.write_bytes(UN_XML.read_bytes()[:50_000])
    message = refusal("un", path)
    assert message.startswith("UN_consolidated.xml, row ")
    assert "truncated" in message


def test_xml_of_another_source(tmp_path: Path, eu_file: Path) -> None:
    assert "not a UN consolidated list" in refusal("un", eu_file)
    assert "not an EU financial sanctions file" in refusal("eu", UN_XML)
    assert "not well-formed XML" in refusal("un", SDN_2024_01 / "sdn.csv")


def test_ofac_wrong_number_of_columns(tmp_path: Path) -> None:
    lines = (SDN_2024_01 / "sdn.csv").read_text().splitlines()[:5]
    lines[3] = '475,"CASA DE CUBA",-0- ,"CUBA"'
    (tmp_path / "sdn.csv").write_text("\r\n".join(lines) + "\r\n")
    message = refusal("ofac-sdn", tmp_path / "sdn.csv")
    assert message.startswith("sdn.csv, row 4: expected 12 columns")
    assert "found 4" in message


def test_ofac_companion_from_another_release(tmp_path: Path) -> None:
    (tmp_path / "sdn.csv").write_text(
        '36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA"' + ",-0- " * 8 + "\r\n"
    )
    (tmp_path / "alt.csv").write_text('173,57,"aka","AVIA IMPORT",-0- \r\n')
    message = refusal("ofac-sdn", tmp_path)
    assert message.startswith("alt.csv, row 1, column ent_num: ent_num 173 is not in sdn.csv")


def test_ofac_file_of_another_source(tmp_path: Path) -> None:
    assert "expected 12 columns" in refusal("ofac-sdn", UN_XML)
    assert "the other OFAC list" in refusal("ofac-sdn", tmp_path / "cons_prim.csv")
    header = tmp_path / "sdn.csv"
    header.write_text(
        "ent_num,SDN_Name,SDN_Type,Program,Title,Call_Sign,Vess_type,Tonnage,GRT,"
        "Vess_flag,Vess_owner,remarks\n"
    )
    assert "must be a whole number" in refusal("ofac-sdn", header)


def test_ofac_windows_1252_is_read_and_recorded(tmp_path: Path) -> None:
    row = '99,"MU\xd1OZ, Jos\xe9",individual,"SDNTK",-0- ' + ",-0- " * 6 + ',"DOB 01 Jan 1960."\r\n'
    (tmp_path / "sdn.csv").write_bytes(row.encode("cp1252") + b"\x1a")
    parsed = read_list("ofac-sdn", tmp_path / "sdn.csv")
    assert parsed.records[0].name == "MUÑOZ, José"
    assert parsed.files[0].encoding == "cp1252"


def test_wrong_encoding(tmp_path: Path) -> None:
    path = tmp_path / "watch.csv"
    path.write_bytes(CUSTOM_CSV.replace("Hans Muster,", "Hans Müller,").encode("latin-1"))
    message = refusal("custom", path)
    assert message.startswith("watch.csv, row 2: not valid UTF-8: byte 0xfc")
    xml = tmp_path / "eu.xml"
    xml.write_bytes(EU_XML.encode("utf-8").replace("Иван".encode(), "\xc9".encode("latin-1")))
    assert "not valid UTF-8" in refusal("eu", xml)
    utf16 = tmp_path / "utf16.csv"
    utf16.write_text(CUSTOM_CSV, encoding="utf-16")
    assert "UTF-16" in refusal("custom", utf16)


@pytest.mark.parametrize("source", ["ofac-sdn", "un", "eu", "us-csl", "meti-eul", "custom"])
def test_empty_file(tmp_path: Path, source: str) -> None:
    path = tmp_path / ("sdn.csv" if source == "ofac-sdn" else "list.csv")
    path.write_bytes(b"\r\n")
    assert "the file is empty" in refusal(source, path)


def test_table_of_another_source(tmp_path: Path, meti_csv: Path, custom_csv: Path) -> None:
    message = refusal("meti-eul", custom_csv)
    assert "column no.: required column is missing: is this METI's End User List?" in message
    assert "unknown column" in refusal("custom", meti_csv)
    assert "Consolidated Screening List" in refusal("us-csl", custom_csv)


def test_bad_rows_are_all_named(tmp_path: Path) -> None:
    path = tmp_path / "watch.csv"
    path.write_text(
        "name,date_of_birth,kind\nA Person,1960-13-01,person\n,1960,person\nB Co,,ship\n"
    )
    with pytest.raises(ImportRejected) as caught:
        read_list("custom", path)
    assert [str(e) for e in caught.value.errors] == [
        "watch.csv, row 2, column date_of_birth: not a date of birth: '1960-13-01'; write "
        "YYYY-MM-DD, YYYY-MM or YYYY",
        "watch.csv, row 3, column name: the name is empty",
        "watch.csv, row 4, column kind: unknown kind 'ship'; use person, entity, vessel, "
        "aircraft, unknown",
    ]


def test_refused_load_leaves_the_active_version(
    db: None, system: object, custom_csv: Path, tmp_path: Path
) -> None:
    first = services.load_list(actor=system, source="custom", path=custom_csv)
    bad = tmp_path / "watch2.csv"
    bad.write_text("name,colour\nX,red\n")
    with pytest.raises(ImportRejected):
        services.load_list(actor=system, source="custom", path=bad)
    assert ScreeningList.objects.get(source="custom").active_version == first
    assert ListVersion.objects.count() == 1
    assert first.entries.count() == 2

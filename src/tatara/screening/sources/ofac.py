"""OFAC legacy CSV: the SDN list (sdn.csv, alt.csv, add.csv) and the non-SDN consolidated list
(cons_prim.csv, cons_alt.csv, cons_add.csv, cons_comments.csv).

Layout (lists/formats/cons_dat_spec.txt): no header row, comma-separated, text in double
quotes, null written `-0-` (often followed by a space), records joined by `ent_num`.

    main      ent_num, name, type, programs, title, call_sign, vessel_type, tonnage, grt,
              vessel_flag, vessel_owner, remarks                                  (12 columns)
    alt       ent_num, alt_num, alt_type (aka/fka/nka), alt_name, alt_remarks      (5)
    add       ent_num, add_num, address, city/state/postal code, country, add_remarks (6)
    comments  ent_num, remarks continued (the main file cuts remarks at 1,000 characters;
              the rest follows here, joined without a separator)                   (2)

Entry type: "individual", "vessel", "aircraft"; null means an entity. Programs of one entry
are written "SDGT] [IRGC". alt.csv holds OFAC's strong aliases only; weak aliases sit in
the remarks as `a.k.a. 'NAME'` and are kept here with quality "weak". Dates of birth,
nationality, citizenship and identity documents are read from the remarks.

`read_sdn(path)` and `read_consolidated(path)` take the main file (its companions are picked
up from the same folder when present) or the folder.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from tatara.screening.sources.files import (
    ParsedList,
    SourceFile,
    decode_ofac,
    read_bytes,
    refuse,
)
from tatara.screening.sources.records import (
    AIRCRAFT,
    ENTITY,
    PERSON,
    VESSEL,
    WEAK,
    Address,
    Alias,
    BirthDate,
    Identifier,
    ListRecord,
    make_record,
)

NULL = "-0-"
MAIN_COLUMNS = (
    "ent_num",
    "SDN_Name",
    "SDN_Type",
    "Program",
    "Title",
    "Call_Sign",
    "Vess_type",
    "Tonnage",
    "GRT",
    "Vess_flag",
    "Vess_owner",
    "remarks",
)
ALT_COLUMNS = ("ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks")
ADD_COLUMNS = (
    "Ent_num",
    "Add_num",
    "Address",
    "City/State/Province/Postal Code",
    "Country",
    "Add_remarks",
)
COMMENT_COLUMNS = ("ent_num", "remarks")
KIND_OF_TYPE = {"individual": PERSON, "vessel": VESSEL, "aircraft": AIRCRAFT, "": ENTITY}

SDN_FILES = ("sdn.csv", "alt.csv", "add.csv", None)
CONS_FILES = ("cons_prim.csv", "cons_alt.csv", "cons_add.csv", "cons_comments.csv")


def read_sdn(path: Path | str) -> ParsedList:
    return _read("ofac-sdn", Path(path), SDN_FILES)


def read_consolidated(path: Path | str) -> ParsedList:
    return _read("ofac-cons", Path(path), CONS_FILES)


def parse_sdn(path: Path | str) -> Iterator[ListRecord]:
    yield from read_sdn(path).records


def parse_consolidated(path: Path | str) -> Iterator[ListRecord]:
    yield from read_consolidated(path).records


def _sibling(folder: Path, name: str) -> Path | None:
    for candidate in folder.iterdir():
        if candidate.name.lower() == name:
            return candidate
    return None


def _read(source: str, path: Path, names: tuple[str | None, ...]) -> ParsedList:
    main_name, alt_name, add_name, comments_name = names
    assert main_name is not None
    if path.is_dir():
        folder = path
        main = _sibling(folder, main_name)
        if main is None:
            raise refuse(path.name, _("no %(file)s in this folder") % {"file": main_name})
    else:
        folder, main = path.parent, path
        lowered = main.name.lower()
        foreign = lowered.startswith("cons_") if source == "ofac-sdn" else lowered == "sdn.csv"
        if foreign:
            raise refuse(
                main.name,
                _("this file belongs to the other OFAC list; expected %(file)s")
                % {"file": main_name},
            )
        if main.name.lower() in {n for n in names[1:] if n}:
            raise refuse(
                main.name,
                _("give the main file %(file)s (or its folder), not a companion file")
                % {"file": main_name},
            )
    files: list[SourceFile] = []
    rows = _rows(main, MAIN_COLUMNS, files)
    entries: dict[str, dict[str, object]] = {}
    for line, values in rows:
        ent_num = values[0].strip()
        if ent_num in entries:
            raise refuse(
                main.name,
                _("ent_num %(id)s appears twice") % {"id": ent_num},
                line=line,
                field="ent_num",
            )
        entries[ent_num] = {"line": line, "values": values, "aliases": [], "addresses": []}
        sdn_type = _null(values[2]).lower()
        if sdn_type not in KIND_OF_TYPE:
            raise refuse(
                main.name,
                _("unknown entry type %(type)r; expected individual, vessel, aircraft or -0-")
                % {"type": sdn_type},
                line=line,
                field="SDN_Type",
            )

    def companion(name: str | None, columns: tuple[str, ...]) -> list[tuple[int, list[str]]]:
        if name is None:
            return []
        found = _sibling(folder, name)
        if found is None:
            return []
        linked = _rows(found, columns, files)
        for line, values in linked:
            if values[0].strip() not in entries:
                raise refuse(
                    found.name,
                    _("ent_num %(id)s is not in %(main)s: the files come from different releases")
                    % {"id": values[0].strip(), "main": main.name},
                    line=line,
                    field=columns[0],
                )
        return linked

    for _line, values in companion(alt_name, ALT_COLUMNS):
        entries[values[0].strip()]["aliases"].append(values)  # type: ignore[attr-defined]
    for _line, values in companion(add_name, ADD_COLUMNS):
        entries[values[0].strip()]["addresses"].append(values)  # type: ignore[attr-defined]
    for _line, values in companion(comments_name, COMMENT_COLUMNS):
        main_values = entries[values[0].strip()]["values"]
        main_values[11] = _null(main_values[11]) + values[1]  # type: ignore[index]
    records = [
        _record(ent_num, data["values"], data["aliases"], data["addresses"])  # type: ignore[arg-type]
        for ent_num, data in entries.items()
    ]
    return ParsedList(source=source, records=records, files=files)


def _rows(
    path: Path, columns: tuple[str, ...], files: list[SourceFile]
) -> list[tuple[int, list[str]]]:
    data, info = read_bytes(path)
    text, encoding = decode_ofac(data, path.name)
    files.append(SourceFile(info.name, info.sha256, info.size, encoding))
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    try:
        for values in reader:
            line = reader.line_num
            if not values or not any(v.strip() for v in values):
                continue
            if len(values) != len(columns):
                raise refuse(
                    path.name,
                    _(
                        "expected %(expected)d columns (%(names)s), found %(found)d: not an OFAC "
                        "legacy CSV file of this kind, or a damaged one"
                    )
                    % {
                        "expected": len(columns),
                        "names": ", ".join(columns),
                        "found": len(values),
                    },
                    line=line,
                )
            if not values[0].strip().isdigit():
                raise refuse(
                    path.name,
                    _(
                        "%(field)s must be a whole number, found %(value)r (OFAC files have no header row)"
                    )
                    % {"field": columns[0], "value": values[0][:40]},
                    line=line,
                    field=columns[0],
                )
            rows.append((line, values))
    except csv.Error as exc:
        raise refuse(
            path.name, _("not readable as CSV: %(error)s") % {"error": exc}, line=reader.line_num
        ) from exc
    return rows


def _null(value: str) -> str:
    value = value.strip()
    return "" if value == NULL else value


def programmes_of(value: str) -> list[str]:
    return [p.strip(" []") for p in _null(value).split("] [") if p.strip(" []")]


def _record(
    ent_num: str, values: list[str], alt_rows: list[list[str]], add_rows: list[list[str]]
) -> ListRecord:
    name = _null(values[1])
    kind = KIND_OF_TYPE[_null(values[2]).lower()]
    remarks = _null(values[11])
    facts = parse_remarks(remarks)
    aliases = [
        Alias.of(_null(alt[3]), type=_null(alt[2]).lower().replace(".", "") or "aka")
        for alt in alt_rows
    ]
    aliases += [Alias.of(weak, quality=WEAK, type=kind_) for kind_, weak in facts.weak_aliases]
    addresses = [
        Address(
            street=_null(row[2]),
            city=_null(row[3]),
            country=_null(row[4]),
            remarks=_null(row[5]),
        )
        for row in add_rows
    ]
    flag = _null(values[9])
    countries = [*facts.nationalities, *(a.country for a in addresses), flag]
    extra = {
        "title": _null(values[4]),
        "call_sign": _null(values[5]),
        "vessel_type": _null(values[6]),
        "tonnage": _null(values[7]),
        "grt": _null(values[8]),
        "vessel_flag": flag,
        "vessel_owner": _null(values[10]),
        "gender": facts.gender,
    }
    return make_record(
        entry_id=ent_num,
        kind=kind,
        name=name,
        aliases=aliases,
        countries=countries,
        addresses=addresses,
        birth_dates=facts.birth_dates,
        identifiers=facts.identifiers,
        programmes=programmes_of(values[3]),
        remarks=remarks,
        extra=extra,
    )


# --- remarks ---------------------------------------------------------------------------------

MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_DATE = re.compile(r"^(?:(?P<day>\d{1,2}) )?(?:(?P<month>[A-Za-z]{3})[a-z]* )?(?P<year>\d{4})$")
_WEAK = re.compile(r"^([afn])\.k\.a\.,? '(.+)'\.?$")
_NATIONALITY = re.compile(r"^(?:alt\. )?(?:nationality|citizen) (.+?)\.?$")
_ID_TYPES = (
    "Passport",
    "National ID No.",
    "Tax ID No.",
    "Registration Number",
    "Registration ID",
    "Business Registration Number",
    "Company Number",
    "Cedula No.",
    "NIT #",
    "Identification Number",
    "Vessel Registration Identification",
    "SSN",
    "C.U.R.P.",
    "R.F.C.",
    "RFC",
    "D.N.I.",
    "Driver's License No.",
    "Personal ID Card",
    "Folio Mercantil No.",
    "Matricula Mercantil No",
    "Legal Entity Number",
    "SWIFT/BIC",
    "MMSI",
    "Aircraft Serial Identification",
    "Aircraft Tail Number",
    "Commercial Registry Number",
    "Trade License No.",
    "Residency Number",
    "Birth Certificate Number",
    "Identity Number",
    "Unified Social Credit Code (USCC)",
    "Government Gazette Number",
    "Public Security and Immigration No.",
    "Stateless Person ID Card",
    "Refugee ID Card",
    "UK Company Number",
    "Economic Register Number (CBLS)",
    "Certificate of Incorporation Number",
    "Chinese Commercial Code",
    "Kenyan ID No.",
    "Electoral Registry No.",
    "Citizen's Card Number",
    "Serial No.",
)
_ID = re.compile(
    r"^(?:alt\. )?(?P<type>"
    + "|".join(re.escape(t) for t in sorted(_ID_TYPES, key=len, reverse=True))
    + r") (?P<number>[^()]+?)(?: \((?P<country>[^()]+)\))?(?: .*)?\.?$"
)


class RemarkFacts:
    def __init__(self) -> None:
        self.weak_aliases: list[tuple[str, str]] = []
        self.birth_dates: list[BirthDate] = []
        self.nationalities: list[str] = []
        self.identifiers: list[Identifier] = []
        self.gender = ""


def parse_remarks(remarks: str) -> RemarkFacts:
    """Weak aliases, dates of birth, nationalities, identity documents and gender from an
    OFAC remarks field ("DOB 17 Jan 1941; POB ...; nationality Iran; a.k.a. 'ABU X'.")."""
    facts = RemarkFacts()
    for part in remarks.split("; "):
        part = part.strip()
        if not part:
            continue
        if match := _WEAK.match(part):
            facts.weak_aliases.append((f"{match.group(1)}ka", match.group(2)))
        elif part.startswith(("DOB ", "alt. DOB ")):
            date = birth_date(part.split("DOB ", 1)[1])
            if date is not None:
                facts.birth_dates.append(date)
        elif match := _NATIONALITY.match(part):
            facts.nationalities.append(match.group(1))
        elif part.startswith("Gender "):
            facts.gender = part[len("Gender ") :].rstrip(".")
        elif match := _ID.match(part):
            number = match.group("number").strip().rstrip(".")
            number = re.split(r" (?:issued|expires|valid|Issue Date|Expire Date)\b", number)[0]
            facts.identifiers.append(
                Identifier(match.group("type"), number, (match.group("country") or "").strip())
            )
    return facts


def _one_date(text: str) -> BirthDate | None:
    match = _DATE.match(text.strip())
    if not match:
        return None
    year = int(match.group("year"))
    month = MONTHS.get((match.group("month") or "").lower()[:3])
    day = int(match.group("day")) if match.group("day") and month else None
    if month and day:
        try:
            dt.date(year, month, day)
        except ValueError:
            day = None
    return BirthDate(year, month, day)


def birth_date(text: str) -> BirthDate | None:
    """ "17 Jan 1941", "Jan 1941", "1941", "circa 1941", "1955 to 1957", "circa 1955-1957",
    "17 Jan 1941 to 17 Jan 1942" (a range keeps its years)."""
    text = text.strip().rstrip(".").strip()
    circa = text.lower().startswith("circa ")
    if circa:
        text = text[6:].strip()
    if " to " in text or re.match(r"^\d{4}-\d{4}$", text):
        start_text, end_text = re.split(r" to |-", text, maxsplit=1)
        start, end = _one_date(start_text), _one_date(end_text)
        if start is None or end is None:
            return None
        if start.year == end.year:
            return BirthDate(start.year, circa=circa)
        return BirthDate(start.year, year_to=end.year, circa=circa)
    date = _one_date(text)
    if date is None:
        return None
    return BirthDate(date.year, date.month, date.day, circa=circa)

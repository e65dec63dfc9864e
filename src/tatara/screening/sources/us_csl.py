"""The US Consolidated Screening List (trade.gov), CSV with a header row, in its two layouts:

- the download layout (csl.csv): source, entity_number, type, programs, name, title,
  addresses, federal_register_notice, start_date, end_date, standard_order,
  license_requirement, license_policy, call_sign, vessel_type, gross_tonnage,
  gross_registered_tonnage, vessel_flag, vessel_owner, remarks, source_list_url, alt_names,
  citizenships, dates_of_birth, nationalities, places_of_birth, source_information_url, ids
- the API export layout (consolidated.csv): the same columns after a first `_id` column.

Multi-valued cells are separated by "; ". Entry id: `_id` when the file has it; otherwise
"<list code>-<entity_number>" (the code in brackets in `source`, e.g. "SDN-20264"), or
"<list code>-<hash of name and addresses>" for lists without numbers (DPL, Entity List);
a repeated id gets a "#2" suffix.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from tatara.core.tabular import ImportRejected, Row
from tatara.screening.sources.files import ParsedList
from tatara.screening.sources.ofac import birth_date as ofac_birth_date
from tatara.screening.sources.records import (
    AIRCRAFT,
    ENTITY,
    PERSON,
    UNKNOWN,
    VESSEL,
    Address,
    Alias,
    BirthDate,
    Identifier,
    ListRecord,
    make_record,
)
from tatara.screening.sources.tables import read_sheet, require_columns

KIND_OF_TYPE = {"individual": PERSON, "entity": ENTITY, "vessel": VESSEL, "aircraft": AIRCRAFT}
COLUMNS = {
    "source": ("source",),
    "name": ("name",),
    "type": ("type",),
    "programs": ("programs",),
    "addresses": ("addresses",),
    "alt_names": ("alt_names",),
}
_CODE = re.compile(r"\(([A-Z0-9-]+)\)")
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def read(path: Path | str) -> ParsedList:
    path = Path(path)
    table, info = read_sheet(path)
    require_columns(table, COLUMNS, "the Consolidated Screening List")
    records: list[ListRecord] = []
    seen: set[str] = set()
    for row in table.rows:
        record = _record(row, "_id" in table.columns)
        entry_id, n = record.entry_id, 1
        while entry_id in seen:
            n += 1
            entry_id = f"{record.entry_id}#{n}"
        seen.add(entry_id)
        if entry_id != record.entry_id:
            record = ListRecord(**{**record.__dict__, "entry_id": entry_id})
        records.append(record)
    return ParsedList(source="us-csl", records=records, files=[info])


def parse(path: Path | str) -> Iterator[ListRecord]:
    yield from read(path).records


def _many(row: Row, column: str) -> list[str]:
    return [v.strip() for v in row.text(column).split(";") if v.strip()]


def birth_date(text: str) -> BirthDate | None:
    match = _ISO_DATE.match(text.strip())
    if match:
        year, month, day = (int(g) if g else None for g in match.groups())
        assert year is not None
        return BirthDate(year, month, day if month else None)
    return ofac_birth_date(text)


def _address(text: str) -> Address:
    parts = [p.strip() for p in text.split(",")]
    country = parts[-1] if parts and re.fullmatch(r"[A-Z]{2}", parts[-1]) else ""
    street = ", ".join(parts[:-1] if country else parts)
    return Address(street=street, country=country)


def _identifier(text: str) -> Identifier:
    parts = [p.strip() for p in text.split(",")]
    if len(parts) >= 3 and re.fullmatch(r"[A-Z]{2}", parts[0]):
        return Identifier(", ".join(parts[2:]), parts[1], parts[0])
    if len(parts) >= 2:
        return Identifier(", ".join(parts[1:]), parts[0])
    return Identifier("", text.strip())


def _record(row: Row, has_id: bool) -> ListRecord:
    source = row.text("source")
    code_match = _CODE.search(source)
    code = code_match.group(1) if code_match else "CSL"
    name = row.text("name")
    if not name:
        raise ImportRejected([row.error("name", _("the name is empty"))])
    addresses = [_address(a) for a in _many(row, "addresses")]
    if has_id and row.text("_id"):
        entry_id = row.text("_id")
    elif row.text("entity_number"):
        entry_id = f"{code}-{row.text('entity_number')}"
    else:
        digest = hashlib.sha1(
            "|".join([source, name, row.text("addresses")]).encode(), usedforsecurity=False
        ).hexdigest()[:12]
        entry_id = f"{code}-{digest}"
    ids = [_identifier(i) for i in _many(row, "ids")]
    return make_record(
        entry_id=entry_id,
        kind=KIND_OF_TYPE.get(row.text("type").lower(), UNKNOWN),
        name=name,
        aliases=[Alias.of(a) for a in _many(row, "alt_names")],
        countries=[
            *_many(row, "citizenships"),
            *_many(row, "nationalities"),
            *(a.country for a in addresses),
            row.text("vessel_flag"),
        ],
        addresses=addresses,
        birth_dates=[b for b in map(birth_date, _many(row, "dates_of_birth")) if b],
        identifiers=[i for i in ids if i.type and i.number],
        programmes=_many(row, "programs"),
        remarks=row.text("remarks"),
        extra={
            "source": source,
            "entity_number": row.text("entity_number"),
            "title": row.text("title"),
            "start_date": row.text("start_date"),
            "end_date": row.text("end_date"),
            "federal_register_notice": row.text("federal_register_notice"),
            "license_requirement": row.text("license_requirement"),
            "license_policy": row.text("license_policy"),
            "places_of_birth": row.text("places_of_birth"),
        },
    )

"""The US Commerce BIS Denied Persons List, tab-separated text with a quoted header row:

    Name, Street_Address, City, State, Country, Postal_Code, Effective_Date, Expiration_Date,
    Standard_Order, Last_Update, Action, FR_Citation

The list has no identifiers; the entry id is a hash of name, address and effective date.
Rows do not say whether they name a person or a company (kind "unknown").
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from tatara.screening.sources.files import ParsedList, decode_utf8, read_bytes, refuse
from tatara.screening.sources.records import UNKNOWN, Address, ListRecord, make_record

COLUMNS = (
    "Name",
    "Street_Address",
    "City",
    "State",
    "Country",
    "Postal_Code",
    "Effective_Date",
    "Expiration_Date",
    "Standard_Order",
    "Last_Update",
    "Action",
    "FR_Citation",
)


def read(path: Path | str) -> ParsedList:
    path = Path(path)
    data, info = read_bytes(path)
    reader = csv.reader(io.StringIO(decode_utf8(data, path.name), newline=""), delimiter="\t")
    header = [h.strip() for h in next(reader)]
    if header != list(COLUMNS):
        raise refuse(
            path.name,
            _("the header is not the Denied Persons List's (%(columns)s)")
            % {"columns": ", ".join(COLUMNS)},
            line=1,
        )
    records: list[ListRecord] = []
    seen: dict[str, int] = {}
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(COLUMNS):
            raise refuse(
                path.name,
                _("expected %(expected)d tab-separated columns, found %(found)d")
                % {"expected": len(COLUMNS), "found": len(values)},
                line=reader.line_num,
            )
        row = dict(zip(COLUMNS, (v.strip() for v in values), strict=True))
        if not row["Name"]:
            raise refuse(path.name, _("the name is empty"), line=reader.line_num, field="Name")
        key = "|".join(row[c] for c in ("Name", "Street_Address", "City", "Effective_Date"))
        entry_id = hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:16]
        seen[entry_id] = seen.get(entry_id, 0) + 1
        if seen[entry_id] > 1:
            entry_id = f"{entry_id}#{seen[entry_id]}"
        address = Address(
            street=row["Street_Address"],
            city=row["City"],
            region=row["State"],
            postal_code=row["Postal_Code"],
            country=row["Country"],
        )
        records.append(
            make_record(
                entry_id=entry_id,
                kind=UNKNOWN,
                name=row["Name"],
                countries=[row["Country"]],
                addresses=[address],
                programmes=["DPL"],
                remarks=row["FR_Citation"],
                extra={
                    "effective_date": row["Effective_Date"],
                    "expiration_date": row["Expiration_Date"],
                    "action": row["Action"],
                },
            )
        )
    return ParsedList(source="bis-dpl", records=records, files=[info])


def parse(path: Path | str) -> Iterator[ListRecord]:
    yield from read(path).records

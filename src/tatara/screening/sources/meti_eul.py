"""Japan's METI End User List (外国ユーザーリスト). METI publishes it as a PDF; users save its
table as CSV (UTF-8) or Excel with the columns

    No. | Country or Region | Company or Organization | Also Known As | Type of WMD

(the Japanese edition's headers 番号, 国名・地域名, 企業名・組織名, 別名, 懸念区分 are accepted
too). "Also Known As" may hold several names in one cell, one per line or separated by
semicolons; commas are not separators (company names contain them). "Type of WMD" holds
B (biological), C (chemical), M (missile), N (nuclear) — letters or words, several allowed.
The entry id is the "No." of the edition.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from tatara.core.tabular import CellError, ImportRejected
from tatara.screening.sources.files import ParsedList
from tatara.screening.sources.records import ENTITY, Alias, ListRecord, make_record
from tatara.screening.sources.tables import read_sheet, require_columns, split_cell

COLUMNS = {
    "number": ("no.", "no", "番号"),
    "country": ("country or region", "country", "国名・地域名", "国名"),
    "name": ("company or organization", "company or organisation", "企業名・組織名", "企業名"),
    "aliases": ("also known as", "aka", "別名"),
    "wmd": ("type of wmd", "懸念区分"),
}
WMD = {"B": "biological", "C": "chemical", "M": "missile", "N": "nuclear"}


def read(path: Path | str) -> ParsedList:
    path = Path(path)
    table, info = read_sheet(path)
    columns = require_columns(table, COLUMNS, "METI's End User List")
    records: list[ListRecord] = []
    errors: list[CellError] = []
    first_row: dict[str, int] = {}
    for row in table.rows:
        number = row.text(columns["number"])
        name = row.text(columns["name"])
        if not number:
            errors.append(row.error(columns["number"], _("the number is empty")))
            continue
        if not name:
            errors.append(row.error(columns["name"], _("the company or organisation is empty")))
            continue
        if number in first_row:
            errors.append(
                row.error(
                    columns["number"],
                    _("number %(no)s already used on row %(row)d")
                    % {"no": number, "row": first_row[number]},
                )
            )
            continue
        first_row[number] = row.number
        records.append(
            make_record(
                entry_id=number,
                kind=ENTITY,
                name=name.replace("\n", " "),
                aliases=[Alias.of(a) for a in split_cell(row.text(columns["aliases"]))],
                countries=[row.text(columns["country"])],
                programmes=wmd_types(row.text(columns["wmd"])),
            )
        )
    if errors:
        raise ImportRejected(errors)
    return ParsedList(source="meti-eul", records=records, files=[info])


def parse(path: Path | str) -> Iterator[ListRecord]:
    yield from read(path).records


def wmd_types(text: str) -> list[str]:
    """ "B,C" / "N, M" / "Nuclear" / "生物, 化学" → programme names."""
    found = []
    for part in re.split(r"[\s,、/・;]+", text.strip()):
        if not part:
            continue
        found.append(WMD.get(part.upper(), part.lower()))
    return found

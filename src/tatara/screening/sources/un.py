"""The UN Security Council consolidated list, XML (lists/formats/sc-sanctions.xsd).

    CONSOLIDATED_LIST @dateGenerated
      INDIVIDUALS/INDIVIDUAL, ENTITIES/ENTITY:
        DATAID, REFERENCE_NUMBER ("QDi.001": the entry id), UN_LIST_TYPE (the programme),
        FIRST_NAME .. FOURTH_NAME (an entity's name is FIRST_NAME), NAME_ORIGINAL_SCRIPT,
        TITLE/VALUE, DESIGNATION/VALUE, NATIONALITY/VALUE, LISTED_ON, COMMENTS1,
        INDIVIDUAL_ALIAS|ENTITY_ALIAS (QUALITY Good/Low/a.k.a./f.k.a., ALIAS_NAME),
        INDIVIDUAL_ADDRESS|ENTITY_ADDRESS (STREET, CITY, STATE_PROVINCE, ZIP_CODE, COUNTRY, NOTE),
        INDIVIDUAL_DATE_OF_BIRTH (TYPE_OF_DATE EXACT/APPROXIMATELY/BETWEEN, DATE, YEAR,
        FROM_YEAR, TO_YEAR), INDIVIDUAL_DOCUMENT (TYPE_OF_DOCUMENT, NUMBER, ISSUING_COUNTRY)

Alias quality "Low" is weak; "Good", "a.k.a." and "f.k.a." are strong. The original-script
name is kept as a strong alias of type "original" with its script.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import ElementTree
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tatara.screening.sources.files import ParsedList, decode_utf8, read_bytes, refuse
from tatara.screening.sources.records import (
    ENTITY,
    PERSON,
    STRONG,
    WEAK,
    Address,
    Alias,
    BirthDate,
    Identifier,
    ListRecord,
    make_record,
)

WEAK_QUALITIES = {"low"}


def read(path: Path | str) -> ParsedList:
    path = Path(path)
    root, info = parse_xml(
        path, expected_root="CONSOLIDATED_LIST", what=gettext_lazy("a UN consolidated list")
    )
    records: list[ListRecord] = []
    seen: set[str] = set()
    for group, tag, kind in (("INDIVIDUALS", "INDIVIDUAL", PERSON), ("ENTITIES", "ENTITY", ENTITY)):
        for element in root.iterfind(f"{group}/{tag}"):
            record = _record(element, tag, kind, path.name)
            if record.entry_id in seen:
                raise refuse(
                    path.name,
                    _("reference number %(id)s appears twice") % {"id": record.entry_id},
                    field="REFERENCE_NUMBER",
                )
            seen.add(record.entry_id)
            records.append(record)
    published = _date(root.get("dateGenerated", "")[:10])
    return ParsedList(source="un", records=records, files=[info], published=published)


def parse(path: Path | str) -> Iterator[ListRecord]:
    yield from read(path).records


def parse_xml(path: Path, *, expected_root: str, what: Any) -> tuple[Element, Any]:
    """The root element of a UTF-8 XML list file (defusedxml: no entities, no DTD fetching),
    refused when truncated, not XML, or of another list."""
    data, info = read_bytes(path)
    decode_utf8(data, path.name)  # a clear message for a wrongly encoded file
    try:
        root = ElementTree.fromstring(data)
    except ParseError as exc:
        line, column = exc.position
        reason = str(exc).split(":")[0]
        if "no element found" in reason or "unclosed token" in reason:
            reason = _("the file ends too early (truncated?): %(reason)s") % {"reason": reason}
        raise refuse(
            path.name,
            _("not well-formed XML at column %(column)d: %(reason)s")
            % {"column": column, "reason": reason},
            line=line,
        ) from exc
    except Exception as exc:  # defusedxml refuses entity declarations and DTDs
        raise refuse(path.name, _("refused XML: %(error)s") % {"error": exc}) from exc
    tag = root.tag.split("}")[-1]
    if tag != expected_root:
        raise refuse(
            path.name,
            _("the root element is <%(tag)s>, not <%(expected)s>: this is not %(what)s")
            % {"tag": tag, "expected": expected_root, "what": what},
            line=1,
        )
    return root, info


def _text(element: Element | None, path: str) -> str:
    if element is None:
        return ""
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""


def _values(element: Element, path: str) -> list[str]:
    return [
        (v.text or "").strip() for v in element.iterfind(f"{path}/VALUE") if (v.text or "").strip()
    ]


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def _record(element: Element, tag: str, kind: str, file: str) -> ListRecord:
    entry_id = _text(element, "REFERENCE_NUMBER")
    if not entry_id:
        raise refuse(
            file,
            _("%(tag)s with DATAID %(dataid)s has no reference number")
            % {"tag": tag, "dataid": _text(element, "DATAID")},
            field="REFERENCE_NUMBER",
        )
    name = " ".join(
        part
        for part in (
            _text(element, f) for f in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
        )
        if part
    )
    if not name:
        raise refuse(file, _("entry %(id)s has no name") % {"id": entry_id}, field="FIRST_NAME")
    aliases: list[Alias] = []
    original = _text(element, "NAME_ORIGINAL_SCRIPT")
    if original:
        aliases.append(Alias.of(original, STRONG, type="original"))
    for alias in element.iterfind(f"{tag}_ALIAS"):
        alias_name = _text(alias, "ALIAS_NAME")
        if not alias_name:
            continue
        quality = _text(alias, "QUALITY")
        aliases.append(
            Alias.of(
                alias_name,
                WEAK if quality.lower() in WEAK_QUALITIES else STRONG,
                type="fka" if quality.lower() == "f.k.a." else "aka",
            )
        )
    addresses = [
        Address(
            street=_text(a, "STREET"),
            city=_text(a, "CITY"),
            region=_text(a, "STATE_PROVINCE"),
            postal_code=_text(a, "ZIP_CODE"),
            country=_text(a, "COUNTRY"),
            remarks=_text(a, "NOTE"),
        )
        for a in element.iterfind(f"{tag}_ADDRESS")
    ]
    birth_dates = [b for b in map(_birth_date, element.iterfind(f"{tag}_DATE_OF_BIRTH")) if b]
    identifiers = [
        Identifier(
            _text(d, "TYPE_OF_DOCUMENT") or _text(d, "TYPE_OF_DOCUMENT2"),
            _text(d, "NUMBER"),
            _text(d, "ISSUING_COUNTRY") or _text(d, "COUNTRY_OF_ISSUE"),
        )
        for d in element.iterfind(f"{tag}_DOCUMENT")
    ]
    nationalities = _values(element, "NATIONALITY")
    return make_record(
        entry_id=entry_id,
        kind=kind,
        name=name,
        aliases=aliases,
        countries=[*nationalities, *(a.country for a in addresses)],
        addresses=addresses,
        birth_dates=birth_dates,
        identifiers=identifiers,
        programmes=[_text(element, "UN_LIST_TYPE")],
        remarks=_text(element, "COMMENTS1"),
        extra={
            "dataid": _text(element, "DATAID"),
            "listed_on": _text(element, "LISTED_ON"),
            "title": "; ".join(_values(element, "TITLE")),
            "designation": "; ".join(_values(element, "DESIGNATION")),
            "gender": _text(element, "GENDER"),
            "name_original_script": original,
        },
    )


def _birth_date(element: Element) -> BirthDate | None:
    kind = _text(element, "TYPE_OF_DATE").upper()
    circa = kind == "APPROXIMATELY"
    date = _date(_text(element, "DATE"))
    if date is not None:
        return BirthDate(date.year, date.month, date.day, circa=circa)
    year, start, end = (_text(element, f) for f in ("YEAR", "FROM_YEAR", "TO_YEAR"))
    if year.isdigit():
        return BirthDate(int(year), circa=circa)
    if start.isdigit() and end.isdigit():
        if start == end:
            return BirthDate(int(start), circa=circa)
        return BirthDate(int(start), year_to=int(end), circa=circa)
    return None

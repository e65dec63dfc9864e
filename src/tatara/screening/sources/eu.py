"""The EU Financial Sanctions Files (FSF), XML schema 1.1 (lists/formats/schema_1_1.xsd).

    export @generationDate @globalFileId            (namespace http://eu.europa.ec/fpi/fsd/export)
      sanctionEntity @logicalId (the entry id) @euReferenceNumber @unitedNationId
                     @designationDate @designationDetails
        remark*, regulation @programme, subjectType @classificationCode (P person / E enterprise)
        nameAlias+ @wholeName @firstName @middleName @lastName @strong @nameLanguage @title
                   @function @gender
        citizenship* @countryIso2Code @countryDescription
        birthdate* @birthdate @year @monthOfYear @dayOfMonth @yearRangeFrom @yearRangeTo @circa
                   @city @countryDescription
        address* @street @city @zipCode @region @poBox @place @countryDescription
        identification* @identificationTypeDescription @number @latinNumber @countryDescription

The first name alias is the primary name; the others are aliases, weak when `strong="false"`.
A name alias without `wholeName` is built from first, middle and last name.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tatara.screening.sources.files import ParsedList, refuse
from tatara.screening.sources.records import (
    ENTITY,
    PERSON,
    STRONG,
    UNKNOWN,
    WEAK,
    Address,
    Alias,
    BirthDate,
    Identifier,
    ListRecord,
    make_record,
)
from tatara.screening.sources.un import parse_xml

NS = "{http://eu.europa.ec/fpi/fsd/export}"
KIND_OF_CLASSIFICATION = {"P": PERSON, "E": ENTITY}


def read(path: Path | str) -> ParsedList:
    path = Path(path)
    root, info = parse_xml(
        path, expected_root="export", what=gettext_lazy("an EU financial sanctions file")
    )
    if not root.tag.startswith(NS):
        raise refuse(
            path.name,
            _("the <export> element is not in the FSF namespace %(ns)s") % {"ns": NS.strip("{}")},
            line=1,
        )
    records: list[ListRecord] = []
    seen: set[str] = set()
    for index, element in enumerate(root.iterfind(f"{NS}sanctionEntity"), start=1):
        record = _record(element, index, path.name)
        if record.entry_id in seen:
            raise refuse(
                path.name,
                _("logicalId %(id)s appears twice") % {"id": record.entry_id},
                field="logicalId",
            )
        seen.add(record.entry_id)
        records.append(record)
    published = None
    with contextlib.suppress(ValueError):
        published = dt.date.fromisoformat(root.get("generationDate", "")[:10])
    return ParsedList(source="eu", records=records, files=[info], published=published)


def parse(path: Path | str) -> Iterator[ListRecord]:
    yield from read(path).records


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _name(alias: Element) -> str:
    whole = (alias.get("wholeName") or "").strip()
    if whole:
        return whole
    parts = (alias.get(a) for a in ("firstName", "middleName", "lastName"))
    return " ".join(p.strip() for p in parts if p and p.strip())


def _record(element: Element, index: int, file: str) -> ListRecord:
    entry_id = (element.get("logicalId") or "").strip()
    if not entry_id:
        raise refuse(
            file,
            _("sanctionEntity number %(n)d has no logicalId") % {"n": index},
            field="logicalId",
        )
    names = [
        (name, alias) for alias in element.iterfind(f"{NS}nameAlias") if (name := _name(alias))
    ]
    if not names:
        raise refuse(
            file,
            _("sanctionEntity %(id)s has no name alias") % {"id": entry_id},
            field="nameAlias",
        )
    subject = element.find(f"{NS}subjectType")
    code = subject.get("classificationCode", "") if subject is not None else ""
    regulation = element.find(f"{NS}regulation")
    primary, primary_alias = names[0]
    aliases = [
        Alias.of(name, WEAK if alias.get("strong") == "false" else STRONG)
        for name, alias in names[1:]
    ]
    citizenships = [
        c.get("countryDescription") or c.get("countryIso2Code") or ""
        for c in element.iterfind(f"{NS}citizenship")
    ]
    addresses = [
        Address(
            street=", ".join(p for p in (a.get("street"), a.get("poBox")) if p),
            city=a.get("city") or a.get("place") or "",
            region=a.get("region") or "",
            postal_code=a.get("zipCode") or "",
            country=_country(a),
        )
        for a in element.iterfind(f"{NS}address")
    ]
    birth_dates = [b for b in map(_birth_date, element.iterfind(f"{NS}birthdate")) if b]
    identifiers = [
        Identifier(
            i.get("identificationTypeDescription") or i.get("identificationTypeCode") or "",
            i.get("number") or i.get("latinNumber") or "",
            _country(i),
        )
        for i in element.iterfind(f"{NS}identification")
    ]
    remarks = "\n".join((r.text or "").strip() for r in element.iterfind(f"{NS}remark"))
    return make_record(
        entry_id=entry_id,
        kind=KIND_OF_CLASSIFICATION.get(code, UNKNOWN),
        name=primary,
        aliases=aliases,
        countries=[*citizenships, *(a.country for a in addresses)],
        addresses=addresses,
        birth_dates=birth_dates,
        identifiers=identifiers,
        programmes=[regulation.get("programme", "")] if regulation is not None else [],
        remarks=remarks,
        extra={
            "eu_reference_number": element.get("euReferenceNumber") or "",
            "un_id": element.get("unitedNationId") or "",
            "designation_date": element.get("designationDate") or "",
            "designation_details": element.get("designationDetails") or "",
            "title": primary_alias.get("title") or "",
            "function": primary_alias.get("function") or "",
            "gender": primary_alias.get("gender") or "",
        },
    )


def _country(element: Element) -> str:
    description = element.get("countryDescription") or ""
    if description.upper() in ("", "UNKNOWN", "00"):
        code = element.get("countryIso2Code") or ""
        return "" if code in ("", "00") else code
    return description


def _birth_date(element: Element) -> BirthDate | None:
    circa = element.get("circa") == "true"
    text = element.get("birthdate") or ""
    if text:
        try:
            date = dt.date.fromisoformat(text[:10])
            return BirthDate(date.year, date.month, date.day, circa=circa)
        except ValueError:
            pass
    year = _int(element.get("year"))
    if year:
        month = _int(element.get("monthOfYear"))
        day = _int(element.get("dayOfMonth")) if month else None
        return BirthDate(year, month, day, circa=circa)
    start, end = _int(element.get("yearRangeFrom")), _int(element.get("yearRangeTo"))
    if start and end:
        return BirthDate(start, year_to=end, circa=circa) if start != end else BirthDate(start)
    return None

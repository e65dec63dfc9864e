"""What every list parser yields: one `ListRecord` per list entry, whatever the source format.

This is the contract between the parsers (sources/*.py), the list store (models, services)
and the matcher (screening/matching/): keep it stable. Fields are plain, immutable values;
`to_json()` / `ListRecord.from_json()` round-trip a record through the `raw` JSON kept with
each stored entry.

- `entry_id`: the list's own identifier of the entry — OFAC `ent_num` ("306"), UN reference
  number ("QDi.001"), EU `logicalId` ("13"), CSL `_id`/`entity_number`, METI "No.", a
  watch list's `id` column. Unique within one file; stable across editions of the list, so
  versions are compared by it.
- `kind`: one of KINDS (person, entity, vessel, aircraft, unknown).
- `name`: the primary name as the list writes it; `aliases` the others (never the primary
  again). Each alias has a quality — "strong" or "weak" (OFAC's weak AKAs, UN "Low",
  EU `strong="false"`) — and the script it is written in (see `script_of`).
- `countries`: country names (or ISO codes where the list gives only codes) as the list
  writes them — nationality and citizenship first, then address countries and flags; not
  normalised here.
- `birth_dates`: `BirthDate`s: a full date, a year and month, a year, or a year range, each
  possibly "circa".
- `programmes`: sanctions programmes or list tags (OFAC "SDGT", UN "DRC", METI "Nuclear").
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

PERSON, ENTITY, VESSEL, AIRCRAFT, UNKNOWN = "person", "entity", "vessel", "aircraft", "unknown"
KINDS = (PERSON, ENTITY, VESSEL, AIRCRAFT, UNKNOWN)
STRONG, WEAK = "strong", "weak"
QUALITIES = (STRONG, WEAK)


@dataclass(frozen=True)
class Alias:
    name: str
    quality: str = STRONG
    script: str = "latin"
    type: str = "aka"  # aka, fka (formerly), nka (now), original (original-script name)

    @classmethod
    def of(cls, name: str, quality: str = STRONG, type: str = "aka") -> Alias:
        name = clean_name(name)
        return cls(name=name, quality=quality, script=script_of(name), type=type)


@dataclass(frozen=True)
class BirthDate:
    """A date of birth as precise as the list gives it: `year` always; `month` and `day` when
    known; `year_to` for a range ("between 1973 and 1974"); `circa` when approximate."""

    year: int
    month: int | None = None
    day: int | None = None
    year_to: int | None = None
    circa: bool = False

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.year_to is not None:
            text = f"{text}/{self.year_to:04d}"
        elif self.month is not None:
            text += f"-{self.month:02d}"
            if self.day is not None:
                text += f"-{self.day:02d}"
        return f"~{text}" if self.circa else text

    @classmethod
    def parse(cls, text: str) -> BirthDate:
        """The inverse of str(): "1971-05-03", "1971-05", "1971", "1973/1974", "~1960"."""
        circa = text.startswith("~")
        body = text.lstrip("~")
        if "/" in body:
            start, end = body.split("/", 1)
            return cls(int(start), year_to=int(end), circa=circa)
        parts = [int(p) for p in body.split("-")]
        return cls(
            parts[0],
            parts[1] if len(parts) > 1 else None,
            parts[2] if len(parts) > 2 else None,
            circa=circa,
        )

    @property
    def is_full(self) -> bool:
        return self.day is not None and self.year_to is None

    def as_date(self) -> dt.date | None:
        if not self.is_full or self.month is None or self.day is None:
            return None
        return dt.date(self.year, self.month, self.day)


@dataclass(frozen=True)
class Address:
    street: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""
    remarks: str = ""

    def __str__(self) -> str:
        parts = (self.street, self.city, self.region, self.postal_code, self.country)
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True)
class Identifier:
    type: str
    number: str
    country: str = ""


@dataclass(frozen=True)
class ListRecord:
    entry_id: str
    kind: str
    name: str
    aliases: tuple[Alias, ...] = ()
    countries: tuple[str, ...] = ()
    addresses: tuple[Address, ...] = ()
    birth_dates: tuple[BirthDate, ...] = ()
    identifiers: tuple[Identifier, ...] = ()
    programmes: tuple[str, ...] = ()
    remarks: str = ""
    # source-specific facts worth keeping (title, listed on, call sign, gender ...)
    extra: dict[str, str] = field(default_factory=dict, hash=False, compare=True)

    @property
    def name_script(self) -> str:
        return script_of(self.name)

    def names(self) -> Iterator[tuple[str, str, str, bool]]:
        """(name, quality, script, is_primary) for the primary name and every alias."""
        yield self.name, STRONG, self.name_script, True
        for alias in self.aliases:
            yield alias.name, alias.quality, alias.script, False

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (what `from_json` reads back); written by hand, as
        dataclasses.asdict's deep copies cost seconds on a 14,000-entry list."""
        return {
            "entry_id": self.entry_id,
            "kind": self.kind,
            "name": self.name,
            "aliases": [
                {"name": a.name, "quality": a.quality, "script": a.script, "type": a.type}
                for a in self.aliases
            ],
            "countries": list(self.countries),
            "addresses": [a.__dict__.copy() for a in self.addresses],
            "birth_dates": [str(b) for b in self.birth_dates],
            "identifiers": [i.__dict__.copy() for i in self.identifiers],
            "programmes": list(self.programmes),
            "remarks": self.remarks,
            "extra": dict(self.extra),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ListRecord:
        return cls(
            entry_id=data["entry_id"],
            kind=data["kind"],
            name=data["name"],
            aliases=tuple(Alias(**a) for a in data.get("aliases", ())),
            countries=tuple(data.get("countries", ())),
            addresses=tuple(Address(**a) for a in data.get("addresses", ())),
            birth_dates=tuple(BirthDate.parse(b) for b in data.get("birth_dates", ())),
            identifiers=tuple(Identifier(**i) for i in data.get("identifiers", ())),
            programmes=tuple(data.get("programmes", ())),
            remarks=data.get("remarks", ""),
            extra=dict(data.get("extra", {})),
        )


def make_record(
    *,
    entry_id: str,
    kind: str,
    name: str,
    aliases: Iterable[Alias] = (),
    countries: Iterable[str] = (),
    addresses: Iterable[Address] = (),
    birth_dates: Iterable[BirthDate] = (),
    identifiers: Iterable[Identifier] = (),
    programmes: Iterable[str] = (),
    remarks: str = "",
    extra: dict[str, str] | None = None,
) -> ListRecord:
    """A ListRecord with names cleaned, aliases equal to the primary name or to each other
    dropped (the strong one kept), and empty or repeated values removed (order kept)."""
    name = clean_name(name)
    seen: dict[str, int] = {name.casefold(): -1}
    kept: list[Alias] = []
    for alias in aliases:
        if not alias.name:
            continue
        key = alias.name.casefold()
        if key in seen:
            index = seen[key]
            if index >= 0 and alias.quality == STRONG and kept[index].quality == WEAK:
                kept[index] = alias
            continue
        seen[key] = len(kept)
        kept.append(alias)
    return ListRecord(
        entry_id=entry_id.strip(),
        kind=kind,
        name=name,
        aliases=tuple(kept),
        countries=unique(c.strip() for c in countries),
        addresses=tuple(dict.fromkeys(a for a in addresses if str(a))),
        birth_dates=tuple(dict.fromkeys(birth_dates)),
        identifiers=tuple(dict.fromkeys(i for i in identifiers if i.number)),
        programmes=unique(p.strip() for p in programmes),
        remarks=remarks.strip(),
        extra={k: v for k, v in (extra or {}).items() if v},
    )


def unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


_SPACES = re.compile(r"\s+")


def clean_name(name: str) -> str:
    """Whitespace collapsed and trimmed, Unicode NFC; nothing else changed."""
    return unicodedata.normalize("NFC", _SPACES.sub(" ", name or "").strip())


# Unicode character-name prefixes → script; the first letter of a known script decides, with
# Japanese kana taking precedence over Han (a name with kana is Japanese).
_SCRIPT_PREFIXES = (
    ("LATIN", "latin"),
    ("CYRILLIC", "cyrillic"),
    ("ARABIC", "arabic"),
    ("CJK", "han"),
    ("HANGUL", "hangul"),
    ("HIRAGANA", "japanese"),
    ("KATAKANA", "japanese"),
    ("GREEK", "greek"),
    ("HEBREW", "hebrew"),
    ("DEVANAGARI", "devanagari"),
    ("THAI", "thai"),
    ("GEORGIAN", "georgian"),
    ("ARMENIAN", "armenian"),
    ("ETHIOPIC", "ethiopic"),
)


@functools.lru_cache(maxsize=4096)
def _script_of_char(char: str) -> str:
    label = unicodedata.name(char, "")
    return next((s for prefix, s in _SCRIPT_PREFIXES if label.startswith(prefix)), "other")


def script_of(text: str) -> str:
    """The writing system of a name: "latin", "cyrillic", "arabic", "han", "japanese" (any
    kana), "hangul", "greek", "hebrew", ...; "mixed" when letters of two scripts (other than
    Han with kana) occur; "unknown" without letters."""
    if text.isascii():
        return "latin" if any(c.isalpha() for c in text) else "unknown"
    found = {_script_of_char(char) for char in text if char.isalpha()}
    if "japanese" in found:
        found.discard("han")
    if not found:
        return "unknown"
    if len(found) == 1:
        return found.pop()
    return "mixed"

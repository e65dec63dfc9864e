"""The columns of the item and party files (imported by record_import.py, written by
record_export.py), and how each cell is read: into the value a service takes, or a CellError
naming the file, sheet, row and column.

Lists (aliases) are split on line breaks and semicolons, never on commas ("Acme, Inc." is
one name); mappings (identifiers, foreign classifications) are `KEY: value` entries split the
same way; roles may also be split on commas (they are words from a fixed set).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.utils.translation import gettext as _

from tatara.core.permissions import can
from tatara.core.tabular import CellError, Row
from tatara.export_control.choices import ItemKind, PartyKind, PartyRole
from tatara.export_control.models import ControlRow, Country, Item, Party
from tatara.organisation.models import OrgUnit

CHANGE = "export_control.change"
WHAT = ("items", "parties")
# Every column of each file, in the order an export writes them; the import requires
# REQUIRED and takes any of the others (a file may leave columns out: those fields stay as
# they are).
FILE_COLUMNS: dict[str, tuple[str, ...]] = {
    "items": (
        "code",
        "name",
        "org_unit",
        "item_kind",
        "control_row",
        "sub_item",
        "catch_all_applicable",
        "foreign_classifications",
        "notes",
    ),
    "parties": (
        "code",
        "name",
        "org_unit",
        "party_kind",
        "aliases",
        "address",
        "country",
        "date_of_birth",
        "identifiers",
        "roles",
    ),
}
REQUIRED: dict[str, tuple[str, ...]] = {"items": ("code", "name"), "parties": ("name",)}


def optional_columns(what: str) -> tuple[str, ...]:
    return tuple(c for c in FILE_COLUMNS[what] if c not in REQUIRED[what])


def _limit(model: Any, name: str) -> int:
    return int(model._meta.get_field(name).max_length)


TRUE_WORDS = {"yes", "y", "true", "1", "はい"}
FALSE_WORDS = {"no", "n", "false", "0", "いいえ"}
_LIST_SPLIT = re.compile(r"[;\n]")
_ROLE_SPLIT = re.compile(r"[;,\n]")
_BIRTH = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")

Errors = list[CellError]


def split_list(text: str) -> list[str]:
    """Line breaks and semicolons separate entries; empty entries are dropped."""
    return [part.strip() for part in _LIST_SPLIT.split(text or "") if part.strip()]


def join_list(values: Iterable[str]) -> str:
    """The export's form of a list: one entry a line (read back by split_list)."""
    return "\n".join(values)


def join_mapping(value: dict[str, Any] | None) -> str:
    """The export's form of a mapping: `KEY: value` lines by key (PostgreSQL's jsonb does not
    keep the order the keys were written in, so any other order would differ by database)."""
    return "\n".join(f"{k}: {v}" for k, v in sorted((value or {}).items()))


def text(row: Row, column: str, errors: Errors, limit: int | None = None) -> str:
    value = row.text(column)
    if limit is not None and len(value) > limit:
        errors.append(row.error(column, _("is longer than %(n)d characters") % {"n": limit}))
    return value


def _match(given: str, choices: Any) -> str | None:
    """The value of a TextChoices named by its value or its label (English or the active
    language), in any case."""
    wanted = given.casefold().replace(" ", "_").replace("-", "_")
    for value, label in choices.choices:
        if wanted == value or given.casefold() == str(label).casefold():
            return str(value)
    return None


def _not_one_of(row: Row, column: str, given: str, choices: Any) -> CellError:
    return row.error(
        column,
        _("%(value)s is not one of %(choices)s")
        % {"value": repr(given), "choices": ", ".join(choices.values)},
    )


def choice(row: Row, column: str, choices: Any, default: str, errors: Errors) -> str:
    """A value of `choices` by value or label; empty → `default`."""
    given = row.text(column)
    if not given:
        return default
    value = _match(given, choices)
    if value is None:
        errors.append(_not_one_of(row, column, given, choices))
        return default
    return value


def boolean(row: Row, column: str, default: bool, errors: Errors) -> bool:
    given = row.text(column).casefold()
    if not given:
        return default
    if given in TRUE_WORDS:
        return True
    if given in FALSE_WORDS:
        return False
    errors.append(
        row.error(
            column,
            _("%(value)s is not yes or no (yes/no, true/false, 1/0, はい/いいえ)")
            % {"value": repr(row.text(column))},
        )
    )
    return default


def mapping(row: Row, column: str, what: str, errors: Errors) -> dict[str, str]:
    """`KEY: value` entries separated by semicolons or line breaks."""
    found: dict[str, str] = {}
    for entry in split_list(row.text(column)):
        key, sep, value = entry.partition(":")
        if not sep or not key.strip() or not value.strip():
            errors.append(
                row.error(
                    column,
                    _("%(entry)s is not written as %(what)s: value")
                    % {"entry": repr(entry), "what": what},
                )
            )
            continue
        found[key.strip()] = value.strip()
    return found


def roles(row: Row, column: str, choices: Any, errors: Errors) -> list[str]:
    """Several roles, separated by commas, semicolons or line breaks."""
    found: list[str] = []
    for word in _ROLE_SPLIT.split(row.text(column)):
        word = word.strip()
        if not word:
            continue
        value = _match(word, choices)
        if value is None:
            errors.append(_not_one_of(row, column, word, choices))
        elif value not in found:
            found.append(value)
    return found


def date_of_birth(row: Row, column: str, errors: Errors) -> str:
    """YYYY, YYYY-MM or YYYY-MM-DD (a date cell of a spreadsheet → YYYY-MM-DD)."""
    value = row.values.get(column)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    given = row.text(column)
    if not given:
        return ""
    match = _BIRTH.fullmatch(given)
    if match is not None:
        year, month, day = (int(g) if g else None for g in match.groups())
        assert year is not None
        try:
            dt.date(year, month or 1, day or 1)
        except ValueError:
            pass
        else:
            if day is not None:
                return f"{year:04d}-{month:02d}-{day:02d}"
            return f"{year:04d}-{month:02d}" if month is not None else f"{year:04d}"
    errors.append(
        row.error(
            column,
            _("%(value)s is not a date of birth (YYYY, YYYY-MM or YYYY-MM-DD)")
            % {"value": repr(given)},
        )
    )
    return ""


class Lookups:
    """What the cells name, read once per file: units (and the actor's right on each),
    countries by code and by name, the control list's rows."""

    def __init__(self, actor: Any, default_unit: OrgUnit | None) -> None:
        self.actor = actor
        self.default_unit = default_unit
        self.units = {u.code: u for u in OrgUnit.objects.all()}
        self._allowed: dict[int, bool] = {}
        self.rows = {r.code: r for r in ControlRow.objects.all()}
        self.country_names: dict[str, str] = {}
        for country in Country.objects.all():
            self.country_names[country.name.casefold()] = country.code
            for texts in (country.translations or {}).values():
                if texts.get("name"):
                    self.country_names[str(texts["name"]).casefold()] = country.code

    def unit(self, row: Row, errors: Errors) -> OrgUnit | None:
        code = row.text("org_unit")
        if not code:
            if self.default_unit is None:
                errors.append(row.error("org_unit", _("is empty, and no default unit was chosen")))
            return self.default_unit
        unit = self.units.get(code)
        if unit is not None and unit.pk not in self._allowed:
            self._allowed[unit.pk] = can(self.actor, CHANGE, unit)
        if unit is None or not self._allowed[unit.pk]:
            # a unit outside the scope is not confirmed to exist
            errors.append(
                row.error(
                    "org_unit",
                    _("unknown unit code %(code)s, or outside your scope (%(action)s)")
                    % {"code": repr(code), "action": CHANGE},
                )
            )
            return None
        return unit

    def control_row(self, row: Row, errors: Errors) -> ControlRow | None:
        value = row.values.get("control_row")
        if isinstance(value, dt.date):  # a spreadsheet read "3-2" as the 2nd of March
            code = f"{value.month}-{value.day}"
        else:
            code = row.text("control_row")
        if not code:
            return None
        found = self.rows.get(code)
        if found is None:
            errors.append(
                row.error(
                    "control_row",
                    _(
                        "Appended Table 1 has no row %(row)s; use %(rows)s, or leave it empty (not listed)"
                    )
                    % {"row": repr(code), "rows": ", ".join(self.rows)},
                )
            )
        return found

    def country(self, row: Row, errors: Errors) -> str:
        given = row.text("country")
        if not given:
            return ""
        if len(given) == 2 and given.isascii() and given.isalpha():
            return given.upper()
        code = self.country_names.get(given.casefold())
        if code is None:
            errors.append(
                row.error(
                    "country",
                    _(
                        "%(value)s is neither an ISO 3166-1 alpha-2 code nor a country name known to Tatara"
                    )
                    % {"value": repr(given)},
                )
            )
            return ""
        return code


def item_values(row: Row, columns: list[str], found: Lookups, errors: Errors) -> dict[str, Any]:
    """The values of an item row's cells, by field (= column) name."""
    readers: dict[str, Callable[[], Any]] = {
        "code": lambda: text(row, "code", errors, _limit(Item, "code")),
        "name": lambda: text(row, "name", errors, _limit(Item, "name")),
        "item_kind": lambda: choice(row, "item_kind", ItemKind, ItemKind.GOODS, errors),
        "control_row": lambda: found.control_row(row, errors),
        "sub_item": lambda: text(row, "sub_item", errors, _limit(Item, "sub_item")),
        "catch_all_applicable": lambda: boolean(row, "catch_all_applicable", True, errors),
        "foreign_classifications": lambda: mapping(
            row, "foreign_classifications", "SCHEME", errors
        ),
        "notes": lambda: text(row, "notes", errors),
    }
    return {column: readers[column]() for column in columns if column in readers}


def party_values(row: Row, columns: list[str], found: Lookups, errors: Errors) -> dict[str, Any]:
    """The values of a party row's cells, by field (= column) name."""
    readers: dict[str, Callable[[], Any]] = {
        "code": lambda: text(row, "code", errors, _limit(Party, "code")),
        "name": lambda: text(row, "name", errors, _limit(Party, "name")),
        "party_kind": lambda: choice(row, "party_kind", PartyKind, PartyKind.ENTITY, errors),
        "aliases": lambda: split_list(row.text("aliases")),
        "address": lambda: text(row, "address", errors),
        "country": lambda: found.country(row, errors),
        "date_of_birth": lambda: date_of_birth(row, "date_of_birth", errors),
        "identifiers": lambda: mapping(row, "identifiers", "KIND", errors),
        "roles": lambda: roles(row, "roles", PartyRole, errors),
    }
    return {column: readers[column]() for column in columns if column in readers}

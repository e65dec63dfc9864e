"""The columns of an import, declared once: name, type, whether the file must have it, how a
cell becomes the value a service takes, and the line that documents it (`--help`, the upload
page). A cell that cannot be read raises `Invalid`; the engine turns it into a `CellError`
naming the file, sheet, row and column, and goes on to the next cell.

Look-ups resolve *within the importer's scope*: a unit code outside it answers exactly like a
code that does not exist.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tatara.core.tabular.files import Row

if TYPE_CHECKING:
    from tatara.core.tabular.engine import ImportContext


class Invalid(Exception):
    """A cell that cannot be read; the message says why, for the person who fixes the file."""


TRUE_WORDS = frozenset({"yes", "y", "true", "1", "はい", "○", "〇"})
FALSE_WORDS = frozenset({"no", "n", "false", "0", "いいえ", "×", "-"})
_SLASHED_DATE = re.compile(r"(\d{4})[/.年](\d{1,2})[/.月](\d{1,2})日?")


@dataclass(frozen=True)
class Column:
    """One column. `kind` reads a non-empty cell's text (or the raw value of an .xlsx cell);
    an empty cell gives `default`, or the error "is empty" when `blank` is False. `attr` is
    the key of the value in the record the row function gets (default: the column's name)."""

    name: str
    kind: Kind
    required: bool = False  # the file must have this column
    blank: bool = True  # the cell may be empty
    default: Any = None
    help: Any = ""
    attr: str = ""

    @property
    def key(self) -> str:
        return self.attr or self.name

    def read(self, row: Row, context: ImportContext) -> Any:
        raw = row.values.get(self.name)
        text = row.text(self.name)
        if not text:
            if not self.blank:
                raise Invalid(_("is empty"))
            return self.default
        return self.kind.parse(raw, text, context)

    def describe(self) -> str:
        need = _("required") if self.required and not self.blank else _("optional")
        return f"{self.name} ({self.kind.describe()}, {need})" + (
            f": {self.help}" if self.help else ""
        )


class Kind:
    """How a cell's value is read. Subclasses implement `parse` and `describe`."""

    def parse(self, raw: Any, text: str, context: ImportContext) -> Any:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class Text(Kind):
    max_length: int | None = None

    def parse(self, raw: Any, text: str, context: ImportContext) -> str:
        if self.max_length is not None and len(text) > self.max_length:
            raise Invalid(_("is longer than %(n)d characters") % {"n": self.max_length})
        return text

    def describe(self) -> str:
        if self.max_length is None:
            return _("text")
        return _("text, up to %(n)d characters") % {"n": self.max_length}


@dataclass(frozen=True)
class Email(Text):
    def parse(self, raw: Any, text: str, context: ImportContext) -> str:
        text = super().parse(raw, text, context)
        try:
            validate_email(text)
        except ValidationError as exc:
            raise Invalid(_("%(value)s is not an e-mail address") % {"value": repr(text)}) from exc
        return text

    def describe(self) -> str:
        return _("e-mail address")


@dataclass(frozen=True)
class Choice(Kind):
    """A value of a Django `TextChoices`, given by its value or its label (English or the
    active language), in any case; spaces and hyphens count as underscores."""

    choices: Any

    def parse(self, raw: Any, text: str, context: ImportContext) -> str:
        wanted = text.casefold().replace(" ", "_").replace("-", "_")
        for value, label in self.choices.choices:
            if wanted == str(value).casefold() or text.casefold() == str(label).casefold():
                return str(value)
        raise Invalid(
            _("%(value)s is not one of %(choices)s")
            % {"value": repr(text), "choices": ", ".join(sorted(self.choices.values))}
        )

    def describe(self) -> str:
        return _("one of %(choices)s") % {"choices": ", ".join(self.choices.values)}


@dataclass(frozen=True)
class Date(Kind):
    """A date: an Excel date cell, or text as YYYY-MM-DD, YYYY/MM/DD or 2024年4月1日."""

    def parse(self, raw: Any, text: str, context: ImportContext) -> dt.date:
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            pass
        found = _SLASHED_DATE.fullmatch(text)
        if found:
            try:
                return dt.date(*(int(part) for part in found.groups()))
            except ValueError:
                pass
        raise Invalid(_("%(value)s is not a date (YYYY-MM-DD)") % {"value": repr(text)})

    def describe(self) -> str:
        return _("date, YYYY-MM-DD")


@dataclass(frozen=True)
class Boolean(Kind):
    def parse(self, raw: Any, text: str, context: ImportContext) -> bool:
        if isinstance(raw, bool):
            return raw
        word = text.casefold()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise Invalid(_("%(value)s is not yes or no") % {"value": repr(text)})

    def describe(self) -> str:
        return _("yes or no")


@dataclass(frozen=True)
class Number(Kind):
    """A decimal number (an Excel number cell, or text with an optional thousands
    separator); `integer` refuses fractions; bounds are inclusive."""

    integer: bool = False
    minimum: decimal.Decimal | int | None = None
    maximum: decimal.Decimal | int | None = None

    def parse(self, raw: Any, text: str, context: ImportContext) -> decimal.Decimal | int:
        try:
            value = (
                decimal.Decimal(str(raw))
                if isinstance(raw, int | float) and not isinstance(raw, bool)
                else decimal.Decimal(text.replace(",", ""))
            )
        except decimal.InvalidOperation as exc:
            raise Invalid(_("%(value)s is not a number") % {"value": repr(text)}) from exc
        if not value.is_finite():
            raise Invalid(_("%(value)s is not a number") % {"value": repr(text)})
        if self.integer and value != value.to_integral_value():
            raise Invalid(_("%(value)s is not a whole number") % {"value": repr(text)})
        if self.minimum is not None and value < self.minimum:
            raise Invalid(_("is less than %(n)s") % {"n": self.minimum})
        if self.maximum is not None and value > self.maximum:
            raise Invalid(_("is more than %(n)s") % {"n": self.maximum})
        return int(value) if self.integer else value

    def describe(self) -> str:
        return _("whole number") if self.integer else _("number")


@dataclass(frozen=True)
class Lookup(Kind):
    """A code that names a record the importer may use: `options(context)` gives the codes
    in the importer's scope and what each stands for (loaded once per import). A code
    outside it gets the same message as one that does not exist."""

    options: Callable[[ImportContext], dict[str, Any]]
    noun: Any = None  # what the code names, for messages ("unit code"); default "code"

    def parse(self, raw: Any, text: str, context: ImportContext) -> Any:
        known = context.cached(f"lookup:{id(self)}", lambda: self.options(context))
        if text in known:
            return known[text]
        raise Invalid(
            _("unknown %(noun)s %(code)s") % {"noun": self.describe(), "code": repr(text)}
        )

    def describe(self) -> str:
        return str(self.noun or _("code"))


def unit_codes(action: str) -> Callable[[ImportContext], dict[str, Any]]:
    """The options of a unit-code column: the org units on which the importer holds
    `action`, by code (the whole tree for someone who holds it everywhere)."""

    def options(context: ImportContext) -> dict[str, Any]:
        from tatara.core.permissions import ALL, allowed_units
        from tatara.organisation.models import OrgUnit

        units = allowed_units(context.actor, action)
        queryset = OrgUnit.objects.all() if units is ALL else units
        return {unit.code: unit for unit in queryset}

    return options


def unit_column(name: str, action: str, **kwargs: Any) -> Column:
    """An org unit by its code, within the importer's scope for `action`."""
    return Column(name, Lookup(unit_codes(action), noun=gettext_lazy("unit code")), **kwargs)


def columns_help(columns: Iterable[Column]) -> list[str]:
    """One line per column, as the upload page and `--help` show them."""
    return [column.describe() for column in columns]

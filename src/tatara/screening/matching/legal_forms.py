"""Legal forms of companies as data: ``data/legal_forms.yaml``, read once.

The file lists, per legal form, the countries that use it, its class (limited, stock,
partnership, sole, state, company) and the ways it is written; its header says how the
matcher uses it and where each row comes from. This module only reads and checks the file;
:mod:`.normalize` turns the spellings into token sequences with the same normalisation as
names, so that dots and spacing do not matter.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

import yaml

PATH: Final = Path(__file__).with_name("data") / "legal_forms.yaml"
CLASSES: Final = ("limited", "stock", "partnership", "sole", "state", "company")
_KEYS: Final = {"form", "class", "countries", "variants", "front", "anywhere", "glued", "source"}


@dataclass(frozen=True, slots=True)
class LegalForm:
    form: str
    cls: str
    countries: tuple[str, ...]
    variants: tuple[str, ...]  # the form's own spelling first
    front: bool  # also taken off the start of a name
    anywhere: bool  # taken out wherever it stands (unambiguous abbreviations)
    glued: bool  # split off the end of a word it was typed onto
    source: str


@dataclass(frozen=True, slots=True)
class LegalForms:
    forms: tuple[LegalForm, ...]
    glued_rest: int  # letters that must remain when a glued form is split off


def _fail(row: int, message: str) -> ValueError:
    return ValueError(f"{PATH.name}: form {row}: {message}")


def _parse(data: Any) -> LegalForms:
    if not isinstance(data, dict) or not isinstance(data.get("forms"), list):
        raise ValueError(f"{PATH.name}: expected a mapping with a list under 'forms'")
    forms: list[LegalForm] = []
    for i, row in enumerate(data["forms"], start=1):
        if not isinstance(row, dict):
            raise _fail(i, "not a mapping")
        unknown = set(row) - _KEYS
        if unknown:
            raise _fail(i, f"unknown keys {sorted(unknown)}")
        for key in ("form", "class", "variants", "source"):
            if not row.get(key):
                raise _fail(i, f"'{key}' is missing")
        if row["class"] not in CLASSES:
            raise _fail(i, f"class {row['class']!r} is not one of {', '.join(CLASSES)}")
        variants = [str(v) for v in row["variants"]]
        if str(row["form"]) not in variants:
            variants.insert(0, str(row["form"]))
        forms.append(
            LegalForm(
                form=str(row["form"]),
                cls=str(row["class"]),
                countries=tuple(str(c) for c in row.get("countries") or ()),
                variants=tuple(variants),
                front=bool(row.get("front", False)),
                anywhere=bool(row.get("anywhere", False)),
                glued=bool(row.get("glued", False)),
                source=str(row["source"]),
            )
        )
    return LegalForms(tuple(forms), int(data.get("glued_rest", 3)))


@lru_cache(maxsize=1)
def load() -> LegalForms:
    """The shipped legal forms (read and checked once per process)."""
    return _parse(yaml.safe_load(PATH.read_text(encoding="utf-8")))

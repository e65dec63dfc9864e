"""Reference data shipped with the export_control area: the rows of Appended Table 1
(data/control_rows.yaml), countries with their dated groups (data/countries.yaml), Japan's
own measures by destination (data/measures.yaml: Russia and Belarus since 2022) and the
end-use red-flag terms (data/red_flags.yaml). Groups and rows are loaded into the database by
data migrations (the sync functions take the model classes, so a migration can pass its
historical models); measures and red flags are read from their files when first used."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from tatara.export_control.assessment import MeasureInfo, RedFlagRules

DATA = Path(__file__).resolve().parent / "data"
CONTROL_ROWS_FILE = DATA / "control_rows.yaml"
COUNTRIES_FILE = DATA / "countries.yaml"
RED_FLAGS_FILE = DATA / "red_flags.yaml"
MEASURES_FILE = DATA / "measures.yaml"
SOURCE = (
    "Export Trade Control Order, Appended Table 1 (shared/data/standards/README.md, "
    '"Japan: export control"); titles are short labels of our own'
)


def _rows(path: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return rows


def control_row_rows() -> list[dict[str, Any]]:
    return _rows(CONTROL_ROWS_FILE)


def country_rows() -> list[dict[str, Any]]:
    return _rows(COUNTRIES_FILE)


@lru_cache(maxsize=1)
def red_flag_rules() -> RedFlagRules:
    """data/red_flags.yaml: the terms by category (file order), their exceptions and the
    negations."""
    rows = _rows(RED_FLAGS_FILE)
    groups = [row for row in rows if "category" in row]
    negations: dict[str, Any] = next((r["negations"] for r in rows if "negations" in r), {})
    return RedFlagRules(
        terms=tuple((str(g["category"]), str(t)) for g in groups for t in g["terms"]),
        exceptions={str(g["category"]): tuple(map(str, g.get("except", ()))) for g in groups},
        negations_before=tuple(map(str, negations.get("before", ()))),
        negations_after=tuple(map(str, negations.get("after", ()))),
        negation_prefixes=tuple(map(str, negations.get("prefix", ()))),
    )


def red_flag_terms() -> tuple[tuple[str, str], ...]:
    """(category, term) pairs from data/red_flags.yaml, in file order."""
    return red_flag_rules().terms


@lru_cache(maxsize=1)
def measure_rows() -> tuple[dict[str, Any], ...]:
    """data/measures.yaml, each row with its dates as `datetime.date`."""
    rows = []
    for row in _rows(MEASURES_FILE):
        row = dict(row)
        row["valid_from"] = _day(row["valid_from"])
        row["valid_until"] = _day(row["valid_until"]) if row.get("valid_until") else None
        row["countries"] = [str(c).upper() for c in row.get("countries") or []]
        rows.append(row)
    return tuple(rows)


def measure_row(code: str) -> dict[str, Any] | None:
    return next((row for row in measure_rows() if row["code"] == code), None)


def measures_on(country: str, day: dt.date) -> tuple[MeasureInfo, ...]:
    """The measures in force for exports to `country` (ISO code) on `day`, in file order."""
    code = (country or "").upper()
    return tuple(
        MeasureInfo(
            code=row["code"],
            effect=str(row["effect"]),
            title=str(row["title"]),
            check=str(row.get("check") or ""),
            since=row["valid_from"].isoformat(),
        )
        for row in measure_rows()
        if code in row["countries"]
        and row["valid_from"] <= day
        and (row["valid_until"] is None or day <= row["valid_until"])
    )


def _day(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def sync_control_rows(row_model: Any) -> int:
    count = 0
    for position, row in enumerate(control_row_rows(), start=1):
        row_model.objects.update_or_create(
            code=str(row["code"]),
            defaults={
                "title": row["title"],
                "position": position,
                "source": row.get("source", SOURCE),
                "language": "en",
                "translations": {"ja": {"title": row["title_ja"]}} if row.get("title_ja") else {},
            },
        )
        count += 1
    return count


def sync_countries(country_model: Any, period_model: Any) -> int:
    count = 0
    for row in country_rows():
        country, _created = country_model.objects.update_or_create(
            code=str(row["code"]).upper(),
            defaults={
                "name": row["name"],
                "language": "en",
                "translations": {"ja": {"name": row["name_ja"]}} if row.get("name_ja") else {},
            },
        )
        for period in row.get("periods", []):
            period_model.objects.update_or_create(
                country=country,
                valid_from=_day(period["valid_from"]),
                defaults={
                    "group": period["group"],
                    "arms_embargo": bool(period.get("arms_embargo", False)),
                    "embargo": bool(period.get("embargo", False)),
                    "verified": bool(period.get("verified", False)),
                    "source": period.get("source", ""),
                    "note": period.get("note", ""),
                },
            )
        count += 1
    return count

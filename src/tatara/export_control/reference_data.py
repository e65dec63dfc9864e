"""Reference data shipped with the export_control area: the rows of Appended Table 1
(data/control_rows.yaml), countries with their dated groups (data/countries.yaml) and the
end-use red-flag terms (data/red_flags.yaml). The sync functions take the model classes, so
the data migration can pass its historical models."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parent / "data"
CONTROL_ROWS_FILE = DATA / "control_rows.yaml"
COUNTRIES_FILE = DATA / "countries.yaml"
RED_FLAGS_FILE = DATA / "red_flags.yaml"
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
def red_flag_terms() -> tuple[tuple[str, str], ...]:
    """(category, term) pairs from data/red_flags.yaml, in file order."""
    return tuple(
        (str(group["category"]), str(term))
        for group in _rows(RED_FLAGS_FILE)
        for term in group["terms"]
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

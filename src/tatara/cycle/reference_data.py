"""Reference data shipped with the cycle area: the subjects of the CSR table (data/subjects.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

SUBJECTS_FILE = Path(__file__).resolve().parent / "data" / "subjects.yaml"


def subject_rows() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = yaml.safe_load(SUBJECTS_FILE.read_text(encoding="utf-8"))
    return rows


def sync_subjects(subject_model: Any) -> int:
    """Create or update the subjects from the shipped file (works with historical models)."""
    count = 0
    for row in subject_rows():
        subject_model.objects.update_or_create(
            number=row["number"],
            defaults={
                "code": row["code"],
                "title": row["title"],
                "iso26000_clause": str(row["iso26000_clause"]),
                "iso26000_title": row.get("iso26000_title", ""),
                "language": "en",
                "translations": {"ja": {"title": row["title_ja"]}} if row.get("title_ja") else {},
            },
        )
        count += 1
    return count

"""Reference data shipped with the kpis area: metrics (data/metrics.yaml) and dated legal
parameters (data/legal_parameters.yaml). The sync functions take the model classes, so the
data migration can pass its historical models."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parent / "data"
METRICS_FILE = DATA / "metrics.yaml"
LEGAL_PARAMETERS_FILE = DATA / "legal_parameters.yaml"


def _rows(path: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return rows


def metric_rows() -> list[dict[str, Any]]:
    return _rows(METRICS_FILE)


def legal_parameter_rows() -> list[dict[str, Any]]:
    return _rows(LEGAL_PARAMETERS_FILE)


def sync_metrics(metric_model: Any, subject_model: Any) -> int:
    """Create or update the metrics from the shipped file (parts must come before their use)."""
    subjects = {s.code: s for s in subject_model.objects.all()}
    by_code: dict[str, Any] = {}
    for row in metric_rows():
        kind = row.get("kind", "absolute")
        numerator = by_code[row["numerator"]] if row.get("numerator") else None
        denominator = by_code[row["denominator"]] if row.get("denominator") else None
        metric, _created = metric_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "unit": row["unit"],
                "kind": kind,
                "numerator": numerator,
                "denominator": denominator,
                "aggregation": "sum" if kind == "absolute" else "ratio_of_sums",
                "direction": row.get("direction", "higher"),
                "frequency": row.get("frequency", "yearly"),
                "subject": subjects.get(row.get("subject", "")),
                "gri_disclosure": str(row.get("gri", "") or ""),
                "language": "en",
                "translations": {"ja": {"name": row["name_ja"]}} if row.get("name_ja") else {},
            },
        )
        by_code[metric.code] = metric
    return len(by_code)


def sync_legal_parameters(parameter_model: Any) -> int:
    count = 0
    for row in legal_parameter_rows():
        valid_from = row["valid_from"]
        if not isinstance(valid_from, dt.date):
            valid_from = dt.date.fromisoformat(str(valid_from))
        parameter_model.objects.update_or_create(
            code=row["code"],
            valid_from=valid_from,
            defaults={
                "value": Decimal(str(row["value"])),
                "unit": row["unit"],
                "source": row.get("source", ""),
            },
        )
        count += 1
    return count

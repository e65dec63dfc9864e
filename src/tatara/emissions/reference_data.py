"""Reference data shipped with the emissions area: Japan's fuel factor sets
(data/fuel_factors.yaml) and IPCC GWP100 values (data/gwp100.yaml). The sync functions take
the model classes, so the data migration can pass its historical models."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parent / "data"
FUEL_FACTORS_FILE = DATA / "fuel_factors.yaml"
GWP_FILE = DATA / "gwp100.yaml"
REPORTS = ("AR5", "AR6")


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def factor_set_rows() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = _load(FUEL_FACTORS_FILE)
    return rows


def gwp_rows() -> list[dict[str, Any]]:
    """One dict per gas and report: gas, report, horizon, value (Decimal), source."""
    data = _load(GWP_FILE)
    rows = []
    for gas, values in data["gases"].items():
        for report, value in zip(REPORTS, values, strict=True):
            if value is None:
                continue
            rows.append(
                {
                    "gas": str(gas),
                    "report": report,
                    "horizon": int(data["horizon"]),
                    "value": Decimal(str(value)),
                    "source": data["source"],
                }
            )
    return rows


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


def sync_factor_sets(set_model: Any, factor_model: Any, now: Any = None) -> int:
    """Create or update the shipped sets and their factors; returns the number of factors.

    A factor whose value, unit, scope, source or verification note differs from the version
    in force gets a new version (the old one is marked replaced, never edited), so
    calculations posted with it keep what they used. A set's name, years and source are
    updated in place (its row history keeps the old ones)."""
    from django.utils import timezone

    now = now or timezone.now()
    count = 0
    for row in factor_set_rows():
        factor_set, _created = set_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "basis": row["basis"],
                "valid_from": int(row["valid_from"]),
                "valid_to": int(row["valid_to"]) if row.get("valid_to") else None,
                "source": _text(row.get("source")),
                "verify": _text(row.get("verify")),
            },
        )
        for factor in row["factors"]:
            wanted = {
                "unit": factor["unit"],
                "factor": Decimal(str(factor["factor"])),
                "scope": int(factor["scope"]),
                "source": _text(factor.get("source")),
                "verify": _text(factor.get("verify")),
            }
            key = {
                "factor_set": factor_set,
                "activity": factor["activity"],
                "supplier": factor.get("supplier", ""),
            }
            versions = factor_model.objects.filter(**key)
            current = versions.filter(superseded_at__isnull=True).first()
            count += 1
            if current is not None and all(
                getattr(current, name) == value for name, value in wanted.items()
            ):
                continue
            last = versions.order_by("-version").first()
            if current is not None:  # out of force first: one version in force at a time
                current.superseded_at = now
                current.save(update_fields=["superseded_at"])
            made = factor_model.objects.create(
                **key, **wanted, version=(last.version + 1) if last else 1, recorded_at=now
            )
            if current is not None:
                current.superseded_by = made
                current.save(update_fields=["superseded_by"])
    return count


def sync_gwp(gwp_model: Any) -> int:
    rows = gwp_rows()
    for row in rows:
        gwp_model.objects.update_or_create(
            gas=row["gas"],
            report=row["report"],
            horizon=row["horizon"],
            defaults={"value": row["value"], "source": row["source"]},
        )
    return len(rows)

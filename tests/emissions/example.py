"""The pieces the emissions tests share: a supplier factor file and the worked example."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from tatara.emissions import services

FY2019 = dt.date(2019, 4, 1), dt.date(2020, 3, 31)
APRIL = dt.date(2019, 4, 1), dt.date(2019, 4, 30)
MAY = dt.date(2019, 5, 1), dt.date(2019, 5, 31)

SUPPLIER_FACTORS = (
    "fiscal_year,supplier,basis,factor,unit,source\n"
    "2019,Tokyo Power (standard menu),market,0.455,kg-CO2/kWh,MOE/METI list FY2019\n"
    "2019,Tokyo Power (standard menu),location,0.000457,t-CO2/kWh,MOE/METI list FY2019\n"
    "2019,default,location,0.000470,t-CO2/kWh,alternative value FY2019\n"
    "2024,Tokyo Power (standard menu),market,0.000420,t-CO2/kWh,MOE/METI list FY2024\n"
)


def write(tmp_path: Path, text: str, name: str = "factors.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def record(
    actor: Any,
    unit: Any,
    activity: str,
    quantity: str,
    unit_text: str = "",
    *,
    supplier: str = "",
    period: tuple[dt.date, dt.date] = APRIL,
) -> Any:
    return services.record_activity(
        actor=actor,
        org_unit=unit,
        activity=activity,
        period_start=period[0],
        period_end=period[1],
        quantity=quantity,
        unit=unit_text,
        supplier=supplier,
    )


def worked_example(actor: Any, unit: Any, year: int = 2019) -> None:
    """The activity data of the hand-computed example (see test_calculation.py)."""
    april = dt.date(year, 4, 1), dt.date(year, 4, 30)
    may = dt.date(year, 5, 1), dt.date(year, 5, 31)
    tokyo = "Tokyo Power (standard menu)"
    record(actor, unit, "electricity", "120000", "kWh", supplier=tokyo, period=april)
    record(actor, unit, "electricity", "80", "MWh", supplier=tokyo, period=may)
    record(actor, unit, "electricity", "10000", "kWh", supplier="Kansai Spot", period=april)
    record(actor, unit, "city-gas", "12500", "m**3", period=april)
    record(actor, unit, "diesel", "2500", "L", period=april)
    record(actor, unit, "lpg", "1200", "kg", period=april)

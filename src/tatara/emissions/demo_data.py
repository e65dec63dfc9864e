"""Demo activity data: three months of FY2019 electricity and city gas at the Moka Plant, and
the (invented) FY2019 electricity factors of its supplier, so the emissions pages show a
calculation. Nothing is posted to the KPIs: the demo's FY2019 CO2 figures are approved."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from tatara.emissions import services

PLANT = "hm-tools-jp-plant"
SUPPLIER = "Tokyo Power (standard menu) (demo)"
FACTORS = (
    "fiscal_year,supplier,basis,factor,unit,source\n"
    f"2019,{SUPPLIER},market,0.455,kg-CO2/kWh,demo value\n"
    f"2019,{SUPPLIER},location,0.457,kg-CO2/kWh,demo value\n"
    "2019,default,location,0.470,kg-CO2/kWh,demo value\n"
)
# month → (electricity kWh, city gas m³)
MONTHS = {4: (412_000, 18_300), 5: (398_500, 16_900), 6: (431_200, 15_200)}


def load_emissions_demo(units: dict[str, Any], actor: Any) -> int:
    """Record the plant's activity data through the services; returns the number of records."""
    services.import_supplier_factors(
        actor=actor, file=io.BytesIO(FACTORS.encode()), name="demo-electricity-factors.csv"
    )
    plant = units[PLANT]
    count = 0
    for month, (kwh, gas) in MONTHS.items():
        start = dt.date(2019, month, 1)
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        for activity, quantity, unit, supplier in (
            ("electricity", kwh, "kWh", SUPPLIER),
            ("city-gas", gas, "m**3", ""),
        ):
            services.record_activity(
                actor=actor,
                org_unit=plant,
                activity=activity,
                period_start=start,
                period_end=end,
                quantity=quantity,
                unit=unit,
                supplier=supplier,
                source=f"{start:%Y-%m} invoice (demo)",
            )
            count += 1
    return count

"""The demo's activity data gives a calculation (electricity and city gas at one plant)."""

from __future__ import annotations

from tatara.emissions import services
from tatara.emissions.demo_data import PLANT, load_emissions_demo


def test_demo_activity_data_calculates(world, system, make_unit):
    plant = make_unit(code=PLANT, parent=world.units["alpha"], kind="site")
    assert load_emissions_demo({PLANT: plant}, system) == 6
    result = services.calculate(viewer=system, org_unit=plant, fiscal_year=2019)
    assert [line.activity for line in result.lines] == ["city-gas", "electricity"]
    assert not any("default" in w for w in result.warnings)  # the supplier's own factor
    assert result.scope1 > 0 and result.scope2 > 0

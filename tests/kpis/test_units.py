from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tatara.kpis.units import convert, parse_unit, registry


def test_one_registry_per_process():
    assert registry() is registry()


@pytest.mark.parametrize(
    ("value", "given", "expected_unit", "expected"),
    [
        ("1500", "kWh", "MWh", "1.5"),
        ("2.5", "MWh", "kWh", "2500"),
        ("1250", "kg", "t", "1.25"),
        ("3", "t", "kg", "3000"),
        ("2", "kL", "L", "2000"),
        ("750", "L", "kL", "0.75"),
        ("13.7", "percent", "percent", "13.7"),
        ("500", "yen", "yen", "500"),
        ("12", "person", "person", "12"),
        ("80", "count", "count", "80"),
        ("0.5", "kg / t", "t / t", "0.0005"),
    ],
)
def test_conversions(value, given, expected_unit, expected):
    assert convert(Decimal(value), given, expected_unit) == Decimal(expected)


def test_wrong_dimension_is_refused():
    with pytest.raises(ValidationError, match="kWh cannot be converted to t"):
        convert(Decimal(1), "kWh", "t")
    with pytest.raises(ValidationError, match="cannot be converted"):
        convert(Decimal(1), "person", "yen")


def test_unknown_unit():
    with pytest.raises(ValidationError, match="Unknown unit: bananas"):
        parse_unit("bananas")

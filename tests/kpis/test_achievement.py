"""The seed's rule on its own figures and on the edges (pure functions, no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tatara.kpis.achievement import achievement, reduction_percent, suggested_rating


def rating(kind: str, target: float | str, actual: float | str, base: float | None = None) -> int:
    return suggested_rating(achievement(kind, Decimal(str(target)), Decimal(str(actual)), base))


# the seed's table, FY2019
@pytest.mark.parametrize(
    ("label", "kind", "target", "actual", "base", "stars"),
    [
        ("sales ratio 20.2% vs 23%", "at_least", 23, 20.2, None, 1),
        ("CO2 intensity -1.4% vs -5%", "reduce_vs_base", 5, 98.6, 100, 1),
        ("waste -17% vs -12%", "reduce_vs_base", 12, 83, 100, 3),
        ("landfill 13.7% vs 14% ceiling", "at_most", 14, 13.7, None, 3),
        ("chemicals -23% vs -26%", "reduce_vs_base", 26, 77, 100, 1),
        ("disabilities 2.26% vs legal 2.2%", "legal_minimum", 2.2, 2.26, None, 3),
        ("women in career-track 5.1% vs 5%", "at_least", 5, 5.1, None, 3),
        ("employment diversity 38% vs 50%", "at_least", 50, 38, None, 1),
    ],
)
def test_seed_figures(label, kind, target, actual, base, stars):
    assert rating(kind, target, actual, base) == stars, label


def test_reduction_of_intensity_with_real_base_values():
    # base FY2010 intensity 0.4321 t/t; FY2019 1.4% lower → 28% of a 5% target
    base = Decimal("0.4321")
    actual = base * Decimal("0.986")
    assert reduction_percent(base, actual) == Decimal("1.4")
    assert achievement("reduce_vs_base", 5, actual, base) == Decimal("0.28")


def test_chemicals_just_below_ninety_percent():
    assert achievement("reduce_vs_base", 26, 77, 100) == Decimal("0.884615")


@pytest.mark.parametrize("kind", ["at_least", "legal_minimum"])
def test_at_least_edges(kind):
    assert rating(kind, 20, 20) == 3  # exactly the target
    assert rating(kind, 20, 18) == 2  # exactly 90%
    assert rating(kind, 20, "17.99") == 1  # just under 90%
    assert rating(kind, 20, "19.99") == 2
    assert rating(kind, 2.2, 2.2) == 3


def test_float_inputs_land_on_the_right_side():
    # 0.9 * 3 in binary floating point is 2.7000000000000002; 2.7 / 3 must still be 90%
    assert suggested_rating(achievement("at_least", 3.0, 2.7)) == 2
    assert suggested_rating(achievement("at_least", 0.3, 0.1 + 0.2)) == 3
    assert suggested_rating(0.9) == 2
    assert suggested_rating(0.8999) == 1
    assert suggested_rating(1.0) == 3


def test_ceiling_edges():
    assert rating("at_most", 14, 14) == 3  # exactly the ceiling
    assert rating("at_most", 27, 30) == 2  # target/actual exactly 90%
    assert rating("at_most", 27, "30.01") == 1
    assert rating("at_most", 14, 0) == 3  # nothing at all meets any ceiling
    assert achievement("at_most", 14, 0) == 1
    assert rating("at_most", 0, 0) == 3
    assert rating("at_most", 0, 1) == 1


def test_reduction_edges():
    assert rating("reduce_vs_base", 5, 95, 100) == 3  # exactly the targeted reduction
    assert rating("reduce_vs_base", 10, 91, 100) == 2  # 9% of 10% → exactly 90%
    assert rating("reduce_vs_base", 10, "91.01", 100) == 1
    assert rating("reduce_vs_base", 5, 105, 100) == 1  # it grew
    assert achievement("reduce_vs_base", 5, 105, 100) == Decimal("-1")


def test_base_year_of_zero_is_a_clear_error():
    with pytest.raises(ValueError, match="base-year value is zero"):
        achievement("reduce_vs_base", 5, 3, 0)
    with pytest.raises(ValueError, match="needs the base-year value"):
        achievement("reduce_vs_base", 5, 3)


def test_invalid_targets():
    with pytest.raises(ValueError, match="greater than zero"):
        achievement("at_least", 0, 3)
    with pytest.raises(ValueError, match="greater than zero"):
        achievement("reduce_vs_base", 0, 3, 10)
    with pytest.raises(ValueError, match="Unknown target kind"):
        achievement("about", 1, 1)

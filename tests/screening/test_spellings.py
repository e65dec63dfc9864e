"""Spelling helpers written as loops for the compiled matcher behave as the regular
expressions they replace."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from tatara.screening.matching.spellings import collapse_doubles, fold, skeleton

_DOUBLES = re.compile(r"(.)\1+")


@given(st.text(alphabet="aabbcdemmnoy\u0644\u0627 ", max_size=30))
def test_collapse_doubles_is_the_regular_expression(text: str) -> None:
    assert collapse_doubles(text) == _DOUBLES.sub(r"\1", text)


def test_doubled_letters_collapse_in_folds_and_skeletons() -> None:
    assert collapse_doubles("mohammed") == "mohamed"
    assert collapse_doubles("") == "" and collapse_doubles("a") == "a"
    assert fold("soldatoff") == "soldatov"
    assert skeleton("mohammed") == skeleton("mohamed")

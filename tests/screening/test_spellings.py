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


# --- the matcher's memories (plain dicts, not functools.lru_cache: decision 0022) -----------

_LATIN_WORDS = st.text(alphabet="abcdefhikmnopqrstuvwxyz", min_size=1, max_size=12)


@given(_LATIN_WORDS, _LATIN_WORDS)
def test_folds_given_by_the_caller_change_nothing(a: str, b: str) -> None:
    from tatara.screening.matching.similarity import LATIN, _similarity

    assert _similarity(a, b, LATIN, fold(a), fold(b)) == _similarity(a, b, LATIN, "", "")


def test_the_similarity_memory_keeps_scripts_apart_and_forgets() -> None:
    from tatara.screening.matching import clear_caches
    from tatara.screening.matching.similarity import _MEMO, ABJAD, ABJAD_SIM, token_similarity

    clear_caches()
    assert _MEMO.held == 0
    assert token_similarity("hsn", "hasan", ABJAD)[0] == ABJAD_SIM[3]  # حسن Hasan
    # the same two tokens compared as Latin letters are not a match: not the abjad's answer
    assert token_similarity("hsn", "hasan")[0] == 0.0
    assert _MEMO.held == 2
    assert token_similarity("hsn", "hasan", ABJAD)[0] == ABJAD_SIM[3]
    assert _MEMO.held == 2  # remembered, not computed again
    fold("soldatoff")
    clear_caches()
    assert _MEMO.held == 0 and not any(_MEMO.rows)


def test_the_index_keeps_its_tokens_folds() -> None:
    from tatara.screening.matching import MatchIndex, MatchRecord

    index = MatchIndex.build(
        [MatchRecord(key="k1", list_code="t", entry_id="1", names=(("Soldatoff Maxim", "strong"),))]
    )
    assert index.token_folds == [fold(t) for t in index.tokens]
    assert "soldatov" in index.token_folds

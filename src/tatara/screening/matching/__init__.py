"""Name matching for restricted-party screening: normalisation, an index built once per list
version, and a scorer with reasons. Pure Python (rapidfuzz, anyascii); no Django models.

    index = MatchIndex.build(records)          # records: MatchRecord or alike
    hits = index.screen("Mohamed Ali", country="IR", birth_date="1965")

See docs/areas/screening.md ("Matching") and docs/decisions/0012-screening-matcher.md.
"""

from .index import MatchIndex
from .normalize import NormName, normalize
from .records import ALERT_THRESHOLD, REPORT_THRESHOLD, STRONG_THRESHOLD, Hit, MatchRecord
from .scorer import NameScore, score_names
from .similarity import token_similarity


def score_pair(name1: str, name2: str) -> float:
    """Name-only score of two names in [0, 1] (no index, no evidence)."""
    return score_names(normalize(name1), normalize(name2)).score


__all__ = [
    "ALERT_THRESHOLD",
    "REPORT_THRESHOLD",
    "STRONG_THRESHOLD",
    "Hit",
    "MatchIndex",
    "MatchRecord",
    "NameScore",
    "NormName",
    "normalize",
    "score_names",
    "score_pair",
    "token_similarity",
]

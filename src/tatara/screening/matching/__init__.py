"""Name matching for restricted-party screening: normalisation, an index built once per list
version, and a scorer with reasons. Pure Python (rapidfuzz, anyascii); no Django models.

    index = MatchIndex.build(records)          # records: MatchRecord or alike
    hits = index.screen("Mohamed Ali", country="IR", birth_date="1965")

See docs/areas/screening.md ("Matching") and docs/decisions/0012-screening-matcher.md.

The modules may run compiled by mypyc (``scripts/compile_matcher.py``, decision 0022): the
same source, about 1.6 times as fast. :func:`compiled_state` says which runs.
"""

import sysconfig
from pathlib import Path

from .index import MatchIndex
from .normalize import NormName, normalize
from .normalize import clear_caches as _clear_normalize_caches
from .records import (
    ALERT_THRESHOLD,
    REPORT_THRESHOLD,
    STRONG_THRESHOLD,
    Hit,
    MatchRecord,
    NameScore,
)
from .scorer import score_names
from .similarity import clear_cache as _clear_similarity_cache
from .similarity import token_similarity


def compiled_state(here: Path | None = None) -> tuple[str, list[str]]:
    """For the matcher's folder (or ``here``): ``("compiled", [])`` when every module runs compiled, ``("python", [])`` when none
    does, else ``("stale", modules)``: compiled modules older than their source (or a module
    missing) — Python imports an extension module before the ``.py`` beside it, so an edit
    or a ``git pull`` without ``make install`` would run the old matcher."""
    here = here or Path(__file__).parent
    suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
    sources = [p for p in here.glob("*.py") if p.name != "__init__.py"]
    built = {p: p.with_name(p.stem + suffix) for p in sources}
    present = [p for p, so in built.items() if so.exists()]
    if not present:
        return "python", []
    stale = sorted(
        p.stem
        for p, so in built.items()
        if not so.exists() or so.stat().st_mtime < p.stat().st_mtime
    )
    return ("stale", stale) if stale else ("compiled", [])


def clear_caches() -> None:
    """Forget what every query taught the matcher's functions: normalised names, folds and
    skeletons, legal-form look-ups, token similarities (for timing from cold; an index's own
    memory is :meth:`MatchIndex.clear_caches`)."""
    _clear_normalize_caches()
    _clear_similarity_cache()


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
    "clear_caches",
    "compiled_state",
    "normalize",
    "score_names",
    "score_pair",
    "token_similarity",
]

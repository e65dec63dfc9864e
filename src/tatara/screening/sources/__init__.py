"""List parsers: pure functions from official list files to `ListRecord`s (records.py).

`read_list(source, path)` reads a whole list (every file of it) into a `ParsedList`, or
raises `core.tabular.ImportRejected` naming file, line or row and field. Nothing here touches
the database.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tatara.screening.sources import bis_dpl, custom, eu, meti_eul, ofac, un, us_csl
from tatara.screening.sources.files import ParsedList, SourceFile
from tatara.screening.sources.records import (
    Address,
    Alias,
    BirthDate,
    Identifier,
    ListRecord,
)

READERS: dict[str, Callable[[Path], ParsedList]] = {
    "ofac-sdn": ofac.read_sdn,
    "ofac-cons": ofac.read_consolidated,
    "un": un.read,
    "eu": eu.read,
    "us-csl": us_csl.read,
    "meti-eul": meti_eul.read,
    "custom": custom.read,
    "bis-dpl": bis_dpl.read,
}


def read_list(source: str, path: Path | str) -> ParsedList:
    if source not in READERS:
        raise ValueError(f"unknown list source {source!r}; one of {', '.join(READERS)}")
    return READERS[source](Path(path))


__all__ = [
    "READERS",
    "Address",
    "Alias",
    "BirthDate",
    "Identifier",
    "ListRecord",
    "ParsedList",
    "SourceFile",
    "read_list",
]

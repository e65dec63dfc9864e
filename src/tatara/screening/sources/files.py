"""Reading list files: bytes, encodings and refusals shared by the parsers.

Every refusal is an `ImportRejected` (core.tabular) whose message names the file, the line or
row and the field, so the command line and the pages show the same words.

Encodings (docs/decisions/0011-screening-lists.md): every list must be UTF-8 (a BOM is
accepted and dropped) except OFAC's legacy CSV files. OFAC documents those as ASCII text;
the 2024 files are pure ASCII ending with a DOS end-of-file byte (0x1A), but older
releases (and OFAC's own spec file) are Windows-1252. They are therefore read as UTF-8 when
they decode as UTF-8 and as Windows-1252 otherwise, and the encoding used is recorded with
the version. UTF-16 files and files with NUL bytes are refused for every source.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from tatara.core.tabular import CellError, ImportRejected
from tatara.screening.sources.records import ListRecord


@dataclass(frozen=True)
class SourceFile:
    """One file read for a list version: its name, size, SHA-256 and the encoding used."""

    name: str
    sha256: str
    size: int
    encoding: str = "utf-8"


@dataclass
class ParsedList:
    """A whole list file (or OFAC's set of files), parsed and checked, nothing stored yet."""

    source: str
    records: list[ListRecord]
    files: list[SourceFile] = field(default_factory=list)
    published: Any = None  # datetime.date when the file says when it was generated

    @property
    def name_count(self) -> int:
        return sum(1 + len(r.aliases) for r in self.records)


def refuse(
    file: str, message: str, *, line: int | None = None, field: str | None = None
) -> ImportRejected:
    return ImportRejected([CellError(file, None, line, field, message)])


def read_bytes(path: Path) -> tuple[bytes, SourceFile]:
    """The file's bytes and its SourceFile; refuses missing and empty files."""
    label = path.name
    if not path.is_file():
        raise refuse(label, _("no such file: %(path)s") % {"path": path})
    data = path.read_bytes()
    if not data.strip(b"\x00\x1a \t\r\n\xef\xbb\xbf"):
        raise refuse(label, _("the file is empty"))
    return data, SourceFile(label, hashlib.sha256(data).hexdigest(), len(data))


def _position(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return line, column


def _refuse_binary(data: bytes, label: str) -> None:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise refuse(label, _("the file is UTF-16 text; save it as UTF-8"))
    nul = data.find(b"\x00")
    if nul >= 0:
        line, _column = _position(data, nul)
        raise refuse(
            label,
            _(
                "the file holds NUL bytes: it is not a text file in UTF-8 (a UTF-16 or binary file?)"
            ),
            line=line,
        )


def decode_utf8(data: bytes, label: str) -> str:
    """UTF-8 text (BOM dropped) or a refusal naming the line and column of the first bad byte."""
    _refuse_binary(data, label)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, column = _position(data, exc.start)
        raise refuse(
            label,
            _(
                "not valid UTF-8: byte 0x%(byte)02x at column %(column)d; the list must be "
                "saved as UTF-8"
            )
            % {"byte": data[exc.start], "column": column},
            line=line,
        ) from exc


def decode_ofac(data: bytes, label: str) -> tuple[str, str]:
    """OFAC legacy text: (text, encoding), UTF-8 if it decodes, else Windows-1252. The DOS
    end-of-file byte OFAC appends (0x1A) is dropped."""
    _refuse_binary(data, label)
    data = data.rstrip(b"\x1a\r\n") + b"\n"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:  # 0x81, 0x8d, 0x8f, 0x90, 0x9d: undefined in cp1252
        line, column = _position(data, exc.start)
        raise refuse(
            label,
            _("neither UTF-8 nor Windows-1252 text: byte 0x%(byte)02x at column %(column)d")
            % {"byte": data[exc.start], "column": column},
            line=line,
        ) from exc

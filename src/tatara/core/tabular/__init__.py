"""Tabular files in and out, and the one import engine every area uses.

- files.py: reading CSV (UTF-8, Shift_JIS/CP932) and .xlsx into rows, the upload limit,
  writing CSV and .xlsx (formula-guarded, deterministic), CellError and ImportRejected;
- columns.py: an import's columns declared (type, required, look-ups within scope);
- engine.py: ImportSpec and run_import: validate the whole file, apply all or nothing;
- results.py: ImportCounts, what an import did (and what a dry run would do);
- commands.py: the CLI verbs made from a spec.
"""

from tatara.core.tabular.files import (
    CONTENT_TYPES,
    CSV_SUFFIXES,
    FORMATS,
    FORMULA_STARTS,
    XLSX_SUFFIXES,
    CellError,
    ImportRejected,
    Row,
    Table,
    check_size,
    decode_csv,
    deterministic_xlsx,
    guard_formula,
    plain_number,
    read_source,
    read_table,
    rejected_file,
    upload_limit,
    write_csv,
    write_table,
)
from tatara.core.tabular.results import Change, ImportCounts

__all__ = [
    "CONTENT_TYPES",
    "CSV_SUFFIXES",
    "FORMATS",
    "FORMULA_STARTS",
    "XLSX_SUFFIXES",
    "CellError",
    "Change",
    "ImportCounts",
    "ImportRejected",
    "Row",
    "Table",
    "check_size",
    "decode_csv",
    "deterministic_xlsx",
    "guard_formula",
    "plain_number",
    "read_source",
    "read_table",
    "rejected_file",
    "upload_limit",
    "write_csv",
    "write_table",
]

"""Fixtures of the emissions tests (the shared data is in example.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from emissions.example import SUPPLIER_FACTORS, write
from tatara.emissions import services


@pytest.fixture
def supplier_factors(db: None, tmp_path: Path, system: Any) -> Any:
    return services.import_supplier_factors(actor=system, file=write(tmp_path, SUPPLIER_FACTORS))

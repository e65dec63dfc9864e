"""Fixtures of the screening-list tests. The official list files are read where they live,
in the shared data folder beside the repository (../shared/data/screening/lists), never
copied into the repository; small hand-made files cover bad input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from screening.lists_data import CUSTOM_CSV, EU_XML, METI_CSV, UN_XML
from tatara.core.permissions import SystemActor
from tatara.screening import name_screening, services


@pytest.fixture(scope="module")
def un(django_db_setup: None, django_db_blocker: Any) -> Any:
    """The real UN list, loaded once for the module and rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        version = services.load_list(actor=SystemActor("test"), source="un", path=UN_XML)
        name_screening.clear_cache()
        yield version
        transaction.set_rollback(True)
    name_screening.clear_cache()


@pytest.fixture
def eu_file(tmp_path: Path) -> Path:
    path = tmp_path / "eu_fsf.xml"
    path.write_text(EU_XML, encoding="utf-8")
    return path


@pytest.fixture
def meti_csv(tmp_path: Path) -> Path:
    path = tmp_path / "end_user_list.csv"
    path.write_text(METI_CSV, encoding="utf-8")
    return path


@pytest.fixture
def custom_csv(tmp_path: Path) -> Path:
    path = tmp_path / "watch.csv"
    path.write_text(CUSTOM_CSV, encoding="utf-8")
    return path

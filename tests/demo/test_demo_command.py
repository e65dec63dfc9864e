"""`tatara demo`: builds the demo set once, and never on a database that is not a demo."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from tatara.core.permissions import SystemActor
from tatara.cycle.models import Initiative
from tatara.organisation import services as org_services

pytestmark = pytest.mark.django_db


def test_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="TATARA_DEBUG=1"):
        call_command("demo", "--no-serve")
    assert not Initiative.objects.exists()


def test_builds_once_and_prints_the_users(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("demo", "--no-serve", stdout=out)
    assert "FY2019 table with 22 initiatives" in out.getvalue()
    assert "csr" in out.getvalue() and "tatara-demo" in out.getvalue()
    assert Initiative.objects.filter(cycle__fiscal_year__year=2019).count() == 22
    assert (
        Initiative.objects.filter(cycle__fiscal_year__year=2020, predecessor__isnull=False).count()
        == 22
    )
    again = io.StringIO()
    call_command("demo", "--no-serve", stdout=again)
    assert "already in this database" in again.getvalue()
    assert Initiative.objects.count() == 44


def test_refuses_a_database_with_a_real_organisation(settings):
    settings.DEBUG = True
    org_services.create_unit(actor=SystemActor(), code="acme", name="ACME Group", kind="group")
    with pytest.raises(CommandError, match="empty one"):
        call_command("demo", "--no-serve")

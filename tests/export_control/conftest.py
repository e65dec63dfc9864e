import pytest

from export_control.screeners import Screener
from tatara.organisation.roles import Role


@pytest.fixture
def screener():
    return Screener()


@pytest.fixture
def officers(world, make_user, grant):
    """Two export-control officers at Alpha Co and one at Bravo Co."""
    users = {}
    for key, unit in (("eco", "alpha"), ("eco2", "alpha"), ("eco_b", "bravo")):
        users[key] = make_user(username=key)
        grant(users[key], Role.EXPORT_CONTROL_OFFICER, world.units[unit])
    return users

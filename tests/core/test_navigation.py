"""The main menu holds the areas in groups, shows a person only the entries their roles reach
(and a group only when one of its entries shows), and marks where they are."""

from tatara.core.context_processors import NAVIGATION


def _menu(html):
    start = html.split('<ul class="navbar-nav me-auto site-nav">', 1)[1]
    return start.split('<div class="d-flex flex-wrap align-items-center gap-2">', 1)[0]


def test_groups_and_the_current_page(client, world):
    client.force_login(world.users["csr_admin"])
    menu = _menu(client.get("/cycle/roadmap/").content.decode())
    for group in ("CSR report", "Compliance", "Administration"):
        assert f'data-testid="nav-group">{group}</button>' in menu
    assert '<a class="dropdown-item active" aria-current="page" href="/cycle/roadmap/">' in menu
    assert '<a class="dropdown-item" href="/cycle/">CSR cycle</a>' in menu  # not also current
    assert 'dropdown-toggle active" type="button" data-bs-toggle="dropdown"' in menu
    assert menu.count(" active") == 2  # the entry and its group


def test_a_person_sees_only_what_their_roles_reach(client, world):
    client.force_login(world.users["employee"])
    menu = _menu(client.get("/").content.decode())
    assert "CSR report" not in menu and "Compliance" not in menu and "/kpis/" not in menu
    assert 'aria-current="page" href="/">Dashboard</a>' in menu
    # a group with one entry left shows as that entry: the API docs, for anyone signed in
    assert "Administration" not in menu and 'class="nav-link" href="/api/v1/docs/">API</a>' in menu


def test_every_entry_is_in_one_group():
    names = [name for _label, entries in NAVIGATION for _l, name, _a in entries]
    assert len(names) == len(set(names))

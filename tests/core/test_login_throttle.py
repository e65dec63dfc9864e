"""Login, logout and throttling of failed sign-ins, through the real pages."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tatara.core.models import LoginFailure

LOCKED = "Too many failed sign-in attempts"


@pytest.fixture
def user(make_user):
    return make_user(username="hanako")


def sign_in(client, username, password, address="10.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_right_password_signs_in(client, user, password):
    response = sign_in(client, "hanako", password)
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/").status_code == 200


def test_wrong_password_is_refused_without_locking(client, user, password, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        response = sign_in(client, "hanako", "wrong")
        assert response.status_code == 200
        assert LOCKED not in response.content.decode()
    assert (
        LoginFailure.objects.filter(username="hanako").count() == settings.LOGIN_FAILURE_LIMIT - 1
    )
    # one short of the limit, the right password still works
    assert sign_in(client, "hanako", password).status_code == 302


def test_after_the_limit_the_right_password_is_refused(client, user, password, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        sign_in(client, "hanako", "wrong")
    response = sign_in(client, "hanako", password)
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302  # still signed out
    # Someone failing from one address does not lock the real person out elsewhere...
    assert sign_in(Client(), "hanako", password, address="10.9.9.9").status_code == 302


def test_a_guess_spread_over_many_addresses_locks_the_account(client, user, password, settings):
    for n in range(settings.LOGIN_FAILURE_LIMIT * 4):
        sign_in(client, "hanako", "wrong", address=f"10.1.{n // 250}.{n % 250}")
    assert LOCKED in sign_in(Client(), "hanako", password, address="10.9.9.9").content.decode()


def test_a_successful_sign_in_clears_that_address_failures(client, user, password, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        sign_in(client, "hanako", "wrong")
    assert sign_in(client, "hanako", password).status_code == 302
    client.logout()
    sign_in(client, "hanako", "wrong")
    assert sign_in(client, "hanako", password).status_code == 302  # the count started again


def test_behind_a_trusted_proxy_the_forwarded_address_counts(client, user, password, settings):
    settings.TATARA_TRUSTED_PROXIES = 1
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post(
            "/accounts/login/",
            {"username": "hanako", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
    other = Client().post(
        "/accounts/login/",
        {"username": "hanako", "password": password},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.2",
    )
    assert other.status_code == 302  # a different client behind the same proxy is not locked


def test_the_lock_is_case_insensitive_on_the_user_name(client, user, password, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        sign_in(client, "HANAKO", "wrong")
    assert LOCKED in sign_in(client, "hanako", password).content.decode()


def test_the_lock_ends_with_the_window(client, user, password, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        sign_in(client, "hanako", "wrong")
    LoginFailure.objects.update(
        created_at=timezone.now() - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW + 1)
    )
    assert sign_in(client, "hanako", password).status_code == 302


def test_other_accounts_are_not_locked(client, user, password, settings, make_user):
    make_user(username="ichiro")
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        sign_in(client, "hanako", "wrong")
    assert sign_in(Client(), "ichiro", password, address="10.0.0.2").status_code == 302


def test_one_address_trying_many_names_is_locked(client, user, password, settings):
    for n in range(settings.LOGIN_FAILURE_LIMIT * 10):
        sign_in(client, f"guess{n}", "wrong", address="10.6.6.6")
    response = sign_in(client, "hanako", password, address="10.6.6.6")
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert sign_in(Client(), "hanako", password, address="10.0.0.7").status_code == 302


def test_logout_needs_post_and_ends_the_session(client, user):
    client.force_login(user)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert client.get("/").status_code == 302


def test_password_change(client, user, password):
    client.force_login(user)
    new = "a-much-longer-passphrase-42"
    response = client.post(
        "/accounts/password/",
        {"old_password": password, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)


def test_pages_send_anonymous_users_to_login(client):
    response = client.get("/cycle/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/cycle/"
    assert client.get("/accounts/login/").status_code == 200

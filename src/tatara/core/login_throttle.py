"""Throttling of failed logins, per username and per client address, stored in the database
(so it holds across worker processes)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tatara.core.models import LoginFailure


def client_address(request: HttpRequest | None) -> str:
    """The client's address: REMOTE_ADDR, or — behind TATARA_TRUSTED_PROXIES reverse proxies —
    the address the nearest trusted proxy saw in X-Forwarded-For."""
    if request is None:
        return ""
    proxies = int(getattr(settings, "TATARA_TRUSTED_PROXIES", 0))
    if proxies > 0:
        forwarded = [
            a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies][:64]
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def is_locked(username: str, address: str) -> bool:
    """Locked when one address failed `limit` times for this username, or when the username
    failed `limit`×4 times from anywhere (a spread-out guess), or one address failed `limit`×10
    times for any usernames (a scan). So another person cannot lock you out from elsewhere with
    a handful of attempts, and a guesser cannot go on unchecked."""
    since = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)
    recent = LoginFailure.objects.filter(created_at__gte=since)
    limit = settings.LOGIN_FAILURE_LIMIT
    name = username.lower()
    if name and recent.filter(username=name, address=address).count() >= limit:
        return True
    if name and recent.filter(username=name).count() >= limit * 4:
        return True
    return bool(address) and recent.filter(address=address).count() >= limit * 10


@receiver(user_logged_in)
def _forget_failures(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    if user is not None:
        LoginFailure.objects.filter(
            username=user.get_username().lower(), address=client_address(request)
        ).delete()


@receiver(user_login_failed)
def _remember_failure(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    LoginFailure.objects.create(
        username=str(credentials.get("username", ""))[:150].lower(),
        address=client_address(request),
    )


class ThrottledModelBackend(ModelBackend):
    """ModelBackend that refuses to check passwords while a username or address is locked."""

    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if username and is_locked(username, client_address(request)):
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class ThrottledAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _(
            "Too many failed sign-in attempts. Sign-in is paused for this account; "
            "try again in %(minutes)d minutes."
        ),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        if username and is_locked(username, client_address(self.request)):
            raise forms.ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": max(1, settings.LOGIN_FAILURE_WINDOW // 60)},
            )
        return super().clean()

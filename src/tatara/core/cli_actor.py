"""Who acts when a command runs: `--user NAME` (that user's scope applies) or the operator."""

from __future__ import annotations

import getpass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from tatara.core.permissions import SystemActor


def resolve_actor(username: str | None) -> Any:
    if not username:
        try:
            who = getpass.getuser()
        except Exception:  # pragma: no cover - no passwd entry in some containers
            who = "unknown"
        return SystemActor(f"cli:{who}")
    try:
        user = get_user_model().objects.get(username=username, is_active=True)
    except get_user_model().DoesNotExist as exc:
        raise CommandError(f"no active user named {username!r}") from exc
    return user

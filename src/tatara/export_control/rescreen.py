"""Placeholder replaced below."""


def connect() -> None:
    return None

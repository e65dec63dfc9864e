"""The dashboard gathers panels that areas register: "what must I (or my units) do next"."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Task:
    title: str
    url: str
    who: str
    due: Any = None
    overdue: bool = False


@dataclass
class Panel:
    title: str
    tasks: list[Task] = field(default_factory=list)
    summary: list[tuple[str, Any]] = field(default_factory=list)
    url: str = ""


PanelProvider = Callable[[Any], Panel | None]
_providers: list[PanelProvider] = []


def register_panel(provider: PanelProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def panels_for(user: Any) -> list[Panel]:
    return [panel for provider in _providers if (panel := provider(user)) is not None]

from typing import Any

from django.apps import AppConfig
from django.core import checks


def check_matcher_compiled(**_kwargs: Any) -> list[checks.CheckMessage]:
    """Warn when the compiled matcher is older than its source (decision 0022): Python would
    run the old compiled modules, not the edited ones."""
    from tatara.screening.matching import compiled_state

    state, stale = compiled_state()
    if state != "stale":
        return []
    return [
        checks.Warning(
            f"The compiled screening matcher is older than its source ({', '.join(stale)}).",
            hint="Run `make install` (or .venv/bin/python scripts/compile_matcher.py).",
            id="screening.W001",
        )
    ]


class ScreeningConfig(AppConfig):
    name = "tatara.screening"
    label = "screening"
    verbose_name = "Screening lists"

    def ready(self) -> None:
        # registers the list-changed receiver that hands updates to the re-screen callbacks
        from tatara.screening import name_screening  # noqa: F401
        from tatara.screening.batch_views import register_dashboard

        register_dashboard()
        checks.register(check_matcher_compiled)

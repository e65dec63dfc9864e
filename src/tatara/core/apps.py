from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tatara.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from tatara.core import login_throttle  # noqa: F401  (connects the failure signal)
        from tatara.core.dashboard import register_panel
        from tatara.core.year_lock import dashboard_panel

        register_panel(dashboard_panel)

from django.apps import AppConfig


class CycleConfig(AppConfig):
    name = "tatara.cycle"
    label = "cycle"
    verbose_name = "Yearly CSR cycle"

    def ready(self) -> None:
        from tatara.core.dashboard import register_panel
        from tatara.cycle.selectors import dashboard_panel

        register_panel(dashboard_panel)

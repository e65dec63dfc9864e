from django.apps import AppConfig


class CycleConfig(AppConfig):
    name = "tatara.cycle"
    label = "cycle"
    verbose_name = "Yearly CSR cycle"

    def ready(self) -> None:
        from tatara.core.dashboard import register_panel
        from tatara.core.year_lock import register_end_check
        from tatara.cycle.selectors import dashboard_panel
        from tatara.cycle.services import unconfirmed_under_reopening

        register_panel(dashboard_panel)
        register_end_check(unconfirmed_under_reopening)

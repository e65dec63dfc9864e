from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "tatara.kpis"
    label = "kpis"
    verbose_name = "KPIs and targets"

    def ready(self) -> None:
        from tatara.core.dashboard import register_panel
        from tatara.kpis.collection import overdue_panel
        from tatara.kpis.report import dashboard_panel

        register_panel(dashboard_panel)
        register_panel(overdue_panel)

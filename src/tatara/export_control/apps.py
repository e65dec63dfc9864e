from django.apps import AppConfig


class ExportControlConfig(AppConfig):
    name = "tatara.export_control"
    label = "export_control"
    verbose_name = "Export control"

    def ready(self) -> None:
        from tatara.export_control.rescreen import connect

        connect()
        from tatara.export_control.views import register_dashboard

        register_dashboard()

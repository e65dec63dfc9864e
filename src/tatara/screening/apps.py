from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "tatara.screening"
    label = "screening"
    verbose_name = "Screening lists"

    def ready(self) -> None:
        # registers the list-changed receiver that hands updates to the re-screen callbacks
        from tatara.screening import service  # noqa: F401
        from tatara.screening.batch_views import register_dashboard

        register_dashboard()

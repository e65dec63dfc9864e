from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "tatara.organisation"
    label = "organisation"
    verbose_name = "Organisation"

    def ready(self) -> None:
        from tatara.core.dashboard import register_panel
        from tatara.organisation.selectors import setup_panel

        register_panel(setup_panel)

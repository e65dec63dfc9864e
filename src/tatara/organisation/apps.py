from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "tatara.organisation"
    label = "organisation"
    verbose_name = "Organisation"

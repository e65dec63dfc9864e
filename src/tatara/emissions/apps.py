from django.apps import AppConfig


class EmissionsConfig(AppConfig):
    name = "tatara.emissions"
    label = "emissions"
    verbose_name = "Energy and CO2 emissions"

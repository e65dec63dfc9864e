from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "tatara.kpis"
    label = "kpis"
    verbose_name = "KPIs and targets"

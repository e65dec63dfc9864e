from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "tatara.screening"
    label = "screening"
    verbose_name = "Screening lists"

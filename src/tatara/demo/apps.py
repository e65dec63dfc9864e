from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "tatara.demo"
    label = "demo"
    verbose_name = "Demo data set"

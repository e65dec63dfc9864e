"""The REST API under /api/v1/: one router; each area contributes its viewsets in api.py."""

from django.contrib.auth.decorators import login_required
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from tatara.core.api import register as register_core
from tatara.cycle.api import register as register_cycle
from tatara.emissions.api import register as register_emissions
from tatara.export_control.api import register as register_export_control
from tatara.kpis.api import register as register_kpis
from tatara.kpis.write_api import register as register_kpi_writes
from tatara.organisation.api import register as register_organisation
from tatara.screening.api import register as register_screening

router = DefaultRouter()
register_core(router)
register_cycle(router)
register_emissions(router)
register_export_control(router)
register_kpis(router)
register_kpi_writes(router)  # after register_kpis: extends its endpoints
register_organisation(router)
register_screening(router)

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include(router.urls)),
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "docs/",
        login_required(
            SpectacularRedocView.as_view(url_name="api-schema", template_name="core/redoc.html")
        ),
        name="api-docs",
    ),
]

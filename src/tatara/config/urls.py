from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from tatara.config.api import urlpatterns as api_urlpatterns
from tatara.core import views as core_views

urlpatterns = [
    path("", core_views.dashboard, name="dashboard"),
    path("accounts/login/", core_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", core_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        core_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jobs/<int:pk>/", core_views.job_detail, name="job"),
    path("jobs/<int:pk>/progress/", core_views.job_progress, name="job-progress"),
    path("jobs/<int:pk>/result/", core_views.job_result_file, name="job-result"),
    path("fiscal-years/", core_views.fiscal_years, name="fiscal-years"),
    path("fiscal-years/<int:year>/close/", core_views.fiscal_year_close, name="fiscal-year-close"),
    path(
        "fiscal-years/<int:year>/reopen/", core_views.fiscal_year_reopen, name="fiscal-year-reopen"
    ),
    path("fiscal-years/reopenings/<int:pk>/", core_views.reopening_detail, name="fiscal-reopening"),
    path(
        "fiscal-years/reopenings/<int:pk>/approve/",
        core_views.reopening_approve,
        name="fiscal-reopening-approve",
    ),
    path(
        "fiscal-years/reopenings/<int:pk>/withdraw/",
        core_views.reopening_withdraw,
        name="fiscal-reopening-withdraw",
    ),
    path("cycle/", include("tatara.cycle.urls")),
    path("kpis/", include("tatara.kpis.urls")),
    path("emissions/", include("tatara.emissions.urls")),
    path("kpis/", include("tatara.kpis.collection_urls")),
    path("organisation/", include("tatara.organisation.urls")),
    path("screening/", include("tatara.screening.urls")),
    path("export-control/", include("tatara.export_control.urls")),
    path("api/v1/", include(api_urlpatterns)),
    path("admin/", admin.site.urls),
]

# No public /media/: uploaded files (evidence) are served by views that pass the gate.

_ = login_not_required  # re-exported for areas that need a public view

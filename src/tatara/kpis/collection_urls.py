"""KPI write side: data entry, approval, collection rounds, import/export, targets."""

from django.urls import path

from tatara.kpis import collection_views as views
from tatara.kpis import target_views

app_name = "kpi_collect"
urlpatterns = [
    path("entry/", views.entry, name="entry"),
    path("approvals/", views.approvals, name="approvals"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path("rounds/", views.round_list, name="rounds"),
    path("rounds/new/", views.round_new, name="round-new"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/close/", views.round_close, name="round-close"),
    path("import/", views.import_view, name="import"),
    path("export/<str:what>-FY<int:year>.<str:fmt>", views.export, name="export"),
    path("targets/new/", target_views.target_new, name="target-new"),
    path("targets/<int:pk>/", target_views.target_edit, name="target-edit"),
    path("targets/<int:pk>/initiatives/", target_views.target_link, name="target-link"),
    path(
        "targets/<int:pk>/initiatives/<int:initiative_pk>/unlink/",
        target_views.target_unlink,
        name="target-unlink",
    ),
    path("initiatives/<int:pk>/rating/", target_views.rating_override, name="rating-override"),
    path("initiatives/<int:pk>/rating/clear/", target_views.rating_clear, name="rating-clear"),
]

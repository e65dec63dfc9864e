from django.urls import path

from tatara.cycle import views

app_name = "cycle"
urlpatterns = [
    path("", views.year_list, name="years"),
    path("open/", views.open_year, name="open-year"),
    path("roadmap/", views.road_map, name="roadmap"),
    path("<int:year>/", views.year_table, name="year"),
    path("<int:year>/export.<str:fmt>", views.export, name="export"),
    path("<int:year>/import/", views.import_view, name="import"),
    path("<int:year>/approve-plans/", views.approve_plans, name="approve-plans"),
    path("<int:year>/settings/", views.year_settings, name="year-settings"),
    path("<int:year>/carry-forward/", views.carry_forward, name="carry-forward"),
    path("initiatives/<int:pk>/", views.initiative_detail, name="initiative"),
    path("initiatives/<int:pk>/<str:step>/", views.initiative_step, name="initiative-step"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
]

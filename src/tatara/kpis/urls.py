from django.urls import path

from tatara.kpis import views

app_name = "kpis"
urlpatterns = [
    # --- read side ---------------------------------------------------------------------------
    path("", views.index, name="index"),
    path("<int:year>/", views.year_page, name="year"),
    path("<int:year>/export.<str:fmt>", views.export, name="export"),
    path("metrics/", views.metric_list, name="metrics"),
    path("metrics/<slug:code>/", views.metric_page, name="metric"),
    path("metrics/<slug:code>/export.pdf", views.metric_pdf, name="metric-pdf"),
    # --- WRITE SIDE (to come): observation entry, submit/approve/return, collection rounds,
    # import/export of observations and targets, target–initiative links, rating overrides.
    # Add their paths below this line. --------------------------------------------------------
]

from django.urls import path

from tatara.emissions import views

app_name = "emissions"
urlpatterns = [
    path("", views.index, name="index"),
    path("factors/", views.factors, name="factors"),
    path("factors/import/", views.factor_import, name="factor-import"),
    path("<slug:code>/<int:year>/", views.activity_page, name="activity"),
    path("<slug:code>/<int:year>/record/", views.record, name="record"),
    path("<slug:code>/<int:year>/upload/", views.upload, name="upload"),
    path("<slug:code>/<int:year>/export.<str:fmt>", views.export, name="export"),
    path("<slug:code>/<int:year>/calculation/", views.calculation, name="calculation"),
    path("<slug:code>/<int:year>/post/", views.post, name="post"),
]

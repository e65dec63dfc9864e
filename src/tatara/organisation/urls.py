from django.urls import path, re_path

from tatara.organisation import views

app_name = "organisation"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("people/", views.people_list, name="people"),
    path("people/import/", views.people_import, name="people-import"),
    re_path(r"^(?P<what>units|roles)/import/$", views.structure_import, name="import"),
    re_path(r"^(?P<what>units|roles)/export/$", views.structure_export, name="export"),
]

from django.urls import path

from tatara.organisation import views

app_name = "organisation"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("people/", views.people_list, name="people"),
    path("people/import/", views.people_import, name="people-import"),
]

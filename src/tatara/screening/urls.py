from django.urls import path

from tatara.screening import views

app_name = "screening"
urlpatterns = [
    path("", views.index, name="index"),
    path("versions/<int:pk>/", views.version_detail, name="version"),
    path("screen/", views.screen, name="screen"),
    path("batch/", views.batch_upload, name="batch"),
]

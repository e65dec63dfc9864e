from django.urls import path

from tatara.screening import batch_views, views

app_name = "screening"
urlpatterns = [
    path("", views.index, name="index"),
    path("versions/<int:pk>/", views.version_detail, name="version"),
    path("screen/", views.screen, name="screen"),
    path("batch/", batch_views.batch_upload, name="batch"),
    path("batch/<int:pk>/", batch_views.batch_detail, name="batch-review"),
    path("batch/<int:pk>/review.xlsx", batch_views.batch_download, name="batch-download"),
    path("batch/alerts/<int:pk>/decide/", batch_views.alert_decide, name="alert-decide"),
    path("batch/alerts/<int:pk>/approve/", batch_views.alert_approve, name="alert-approve"),
]

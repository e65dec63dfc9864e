from django.urls import path

from tatara.export_control import record_io_views, record_views, views

app_name = "export_control"

urlpatterns = [
    path("", views.index, name="index"),
    path("transactions/", views.transactions, name="transactions"),
    path("transactions/new/", views.transaction_new, name="transaction-new"),
    path("transactions/<int:pk>/", views.transaction_detail, name="transaction"),
    path("transactions/<int:pk>/edit/", views.transaction_edit, name="transaction-edit"),
    path("transactions/<int:pk>/decide/", views.decide, name="decide"),
    path("transactions/<int:pk>/screen/", views.rescreen, name="transaction-screen"),
    path("decisions/<int:pk>/approve/", views.approve, name="approve"),
    path("parties/", record_views.parties, name="parties"),
    path("parties/new/", record_views.party_new, name="party-new"),
    path(
        "parties/import/", record_io_views.records_import, {"what": "parties"}, name="party-import"
    ),
    path(
        "parties/export/", record_io_views.records_export, {"what": "parties"}, name="party-export"
    ),
    path("parties/<int:pk>/", record_views.party_detail, name="party"),
    path("parties/<int:pk>/edit/", record_views.party_edit, name="party-edit"),
    path("parties/<int:pk>/screen/", record_views.party_screen, name="party-screen"),
    path("parties/<int:pk>/block/", record_views.party_block, name="party-block"),
    path("parties/<int:pk>/unblock/", record_views.party_unblock, name="party-unblock"),
    path(
        "parties/<int:pk>/unblock/approve/",
        record_views.party_unblock_approve,
        name="party-unblock-approve",
    ),
    # linked from the screening area's batch review (screening/_alert.html)
    path("batch-alerts/<int:pk>/block/", record_views.alert_block, name="alert-block"),
    path("items/", record_views.items, name="items"),
    path("items/new/", record_views.item_new, name="item-new"),
    path("items/import/", record_io_views.records_import, {"what": "items"}, name="item-import"),
    path("items/export/", record_io_views.records_export, {"what": "items"}, name="item-export"),
    path("items/<int:pk>/", record_views.item_detail, name="item"),
    path("items/<int:pk>/edit/", record_views.item_edit, name="item-edit"),
    path("countries/", views.countries, name="countries"),
    path("summary/", views.summary, name="summary"),
]

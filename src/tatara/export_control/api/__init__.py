"""REST API of the export_control area under /api/v1/export-control/: control rows and
countries (read), items, parties (with their screening), transactions (create → screened; the
latest run with its reasons), decisions (POST) and the second approval of an override
(POST decisions/{id}/approve/), parties blocked in the party master (POST parties/{id}/block/,
unblock/, unblock/approve/, parties/block-from-alert/), and items and parties in and out of files (record_io_api.py:
import/, import/{job}/, export/). Thin over services; reads through the gate
("export_control.view"), rows outside the caller's scope answer 404.

The modules of this package, by aggregate: reference.py, records.py (items and parties),
transactions.py, decisions.py; common.py what they share."""

from __future__ import annotations

from rest_framework.routers import DefaultRouter

from tatara.export_control.api.decisions import DecisionViewSet
from tatara.export_control.api.records import ItemViewSet, PartyViewSet
from tatara.export_control.api.reference import ControlRowViewSet, CountryViewSet
from tatara.export_control.api.transactions import TransactionViewSet


def register(router: DefaultRouter) -> None:
    router.register("export-control/control-rows", ControlRowViewSet, basename="export-row")
    router.register("export-control/countries", CountryViewSet, basename="export-country")
    router.register("export-control/items", ItemViewSet, basename="export-item")
    router.register("export-control/parties", PartyViewSet, basename="export-party")
    router.register(
        "export-control/transactions", TransactionViewSet, basename="export-transaction"
    )
    router.register("export-control/decisions", DecisionViewSet, basename="export-decision")

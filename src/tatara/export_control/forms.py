"""Forms of the export-control pages. They shape input only; every rule and permission check
is in the services (services.py), whose ValidationErrors the views put on these fields."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from tatara.cycle.forms import BootstrapForm
from tatara.export_control.choices import (
    DecisionKind,
    ItemKind,
    Outcome,
    PartyKind,
    PartyRole,
    TransactionKind,
    TransactionStatus,
)
from tatara.export_control.models import ControlRow, Item
from tatara.kpis.collection_forms import UnitChoiceField
from tatara.organisation.models import OrgUnit

DATE = forms.DateInput(attrs={"type": "date"})


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _mapping(text: str, field: str) -> dict[str, str]:
    """`KEY: value` lines (or a JSON object) as a dict."""
    text = (text or "").strip()
    if not text:
        return {}
    if text.startswith("{"):
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise ValidationError(_("Not a valid JSON object.")) from exc
        if not isinstance(value, dict):
            raise ValidationError(_("Not a valid JSON object."))
        return {str(k): str(v) for k, v in value.items()}
    found = {}
    for line in _lines(text):
        key, sep, value = line.partition(":")
        if not sep or not key.strip() or not value.strip():
            raise ValidationError(
                _("Write one %(what)s a line as KEY: value (%(line)s).")
                % {"what": field, "line": line}
            )
        found[key.strip()] = value.strip()
    return found


def mapping_text(value: dict[str, Any] | None) -> str:
    return "\n".join(f"{k}: {v}" for k, v in (value or {}).items())


class FilterForm(forms.Form):
    """The transaction list's filters (GET); every field optional."""

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *TransactionStatus.choices]
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", _("Any")), *Outcome.choices]
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)
    destination = forms.CharField(label=_("Destination"), required=False, max_length=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css + " form-control-sm")


class LicensedItemsField(forms.ModelMultipleChoiceField[Item]):
    def label_from_instance(self, obj: Item) -> str:
        row = f" · {_('row')} {obj.control_row.code}" if obj.control_row else ""
        return f"{obj.code} {obj.name}{row}"


class DecisionForm(BootstrapForm):
    """The officer's decision; the licence's fields (number, validity, the items it covers)
    count only for a licence (services.decide checks them)."""

    decision_kind = forms.ChoiceField(
        label=_("Decision"), choices=DecisionKind.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    licence_number = forms.CharField(label=_("Licence number"), required=False, max_length=60)
    valid_from = forms.DateField(label=_("Licence valid from"), required=False, widget=DATE)
    valid_until = forms.DateField(label=_("Licence valid until"), required=False, widget=DATE)
    items = LicensedItemsField(
        label=_("Items the licence covers"),
        queryset=Item.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A licence that leaves out an item that needs one does not clear it."),
    )

    def __init__(
        self, *args: Any, transaction: Any = None, only_block: bool = False, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        if only_block:  # a prohibited run: nothing but a block can be recorded
            kind: Any = self.fields["decision_kind"]
            kind.choices = [(DecisionKind.BLOCK.value, DecisionKind.BLOCK.label)]
            self.initial["decision_kind"] = DecisionKind.BLOCK.value
            for name in ("licence_number", "valid_from", "valid_until", "items"):
                del self.fields[name]
            return
        field: Any = self.fields["items"]
        if transaction is not None:
            field.queryset = (
                Item.objects.filter(lines__transaction=transaction)
                .select_related("control_row")
                .distinct()
                .order_by("code")
            )
        field.widget.attrs["class"] = "form-check-input"


class PartyBlockForm(BootstrapForm):
    reason = forms.CharField(
        label=_("Reason for the block"), widget=forms.Textarea(attrs={"rows": 2})
    )


class PartyUnblockForm(BootstrapForm):
    lift_reason = forms.CharField(
        label=_("Reason for lifting the block"), widget=forms.Textarea(attrs={"rows": 2})
    )


class AlertBlockForm(BootstrapForm):
    """Block the party a confirmed batch alert names: one of the parties of that name, the
    party with a code, or a new party (services.block_party_from_alert)."""

    NEW = "new"

    party = forms.ChoiceField(label=_("Party"), widget=forms.RadioSelect, required=False)
    code = forms.CharField(
        label=_("Another party, by its code"),
        required=False,
        max_length=60,
        help_text=_(
            "With the last choice: the ERP customer number of the party to block, when its "
            "name differs; leave it empty to create the party."
        ),
    )
    reason = forms.CharField(
        label=_("Reason for the block"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, candidates: Any = (), **kw: Any) -> None:
        super().__init__(*args, **kw)
        field: Any = self.fields["party"]
        field.choices = [
            *[
                (str(p.pk), f"{p.code + ' · ' if p.code else ''}{p.name} ({p.org_unit})")
                for p in candidates
            ],
            (self.NEW, _("Another party (by its code), or a new party blocked at once")),
        ]
        field.widget.attrs["class"] = "form-check-input"
        self.candidates = {str(p.pk): p for p in candidates}

    def chosen_party(self) -> Any:
        return self.candidates.get(self.cleaned_data.get("party") or "")


class PartyForm(BootstrapForm):
    org_unit = UnitChoiceField(label=_("Owner unit"), queryset=OrgUnit.objects.none())
    code = forms.CharField(
        label=_("Party code"),
        required=False,
        max_length=60,
        help_text=_("The ERP's customer or partner number (optional); unique within the unit."),
    )
    name = forms.CharField(label=_("Name"), max_length=300)
    party_kind = forms.ChoiceField(label=_("Kind"), choices=PartyKind.choices)
    aliases = forms.CharField(
        label=_("Aliases"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line, in any script."),
    )
    country = forms.CharField(
        label=_("Country"), required=False, max_length=60, help_text=_("ISO code, e.g. JP.")
    )
    date_of_birth = forms.CharField(
        label=_("Date of birth"),
        required=False,
        max_length=20,
        help_text=_("People only: 1965-03-01, 1965-03 or 1965."),
    )
    address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    identifiers = forms.CharField(
        label=_("Identifiers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One a line as KIND: number, e.g. LEI: 5493001KJTIIGC8Y1R12."),
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        required=False,
        choices=PartyRole.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, units: Any = None, editing: bool = False, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["roles"].widget.attrs["class"] = "form-check-input"
        if editing:
            del self.fields["org_unit"]
        else:
            unit_field: Any = self.fields["org_unit"]
            unit_field.queryset = units if units is not None else OrgUnit.objects.none()

    def clean_identifiers(self) -> dict[str, str]:
        return _mapping(self.cleaned_data.get("identifiers", ""), str(_("identifier")))

    def clean_aliases(self) -> list[str]:
        return _lines(self.cleaned_data.get("aliases", ""))

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("org_unit", None)
        return data


class ControlRowField(forms.ModelChoiceField[ControlRow]):
    def label_from_instance(self, obj: ControlRow) -> str:
        return f"{obj.code} · {obj.title}"


class ItemForm(BootstrapForm):
    org_unit = UnitChoiceField(label=_("Owner unit"), queryset=OrgUnit.objects.none())
    code = forms.CharField(label=_("Item code"), max_length=60)
    name = forms.CharField(label=_("Name"), max_length=200)
    item_kind = forms.ChoiceField(label=_("Kind"), choices=ItemKind.choices)
    control_row = ControlRowField(
        label=_("Control list row (Appended Table 1)"),
        queryset=ControlRow.objects.all(),
        required=False,
        empty_label=_("Not listed"),
        help_text=_("Rows 1–15 are list control; 16 is the catch-all."),
    )
    sub_item = forms.CharField(label=_("Sub-item"), required=False, max_length=200)
    catch_all_applicable = forms.BooleanField(
        label=_("Catch-all applies (row 16)"), required=False, initial=True
    )
    foreign_classifications = forms.CharField(
        label=_("Foreign classifications"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One a line as SCHEME: class, e.g. US-ECCN: 1C116."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, units: Any = None, editing: bool = False, **kw: Any) -> None:
        super().__init__(*args, **kw)
        if editing:
            del self.fields["org_unit"]
        else:
            unit_field: Any = self.fields["org_unit"]
            unit_field.queryset = units if units is not None else OrgUnit.objects.none()

    def clean_foreign_classifications(self) -> dict[str, str]:
        return _mapping(
            self.cleaned_data.get("foreign_classifications", ""), str(_("classification"))
        )

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("org_unit", None)
        return data


class ItemChoiceField(forms.ModelChoiceField[Item]):
    def label_from_instance(self, obj: Item) -> str:
        row = f" · row {obj.control_row.code}" if obj.control_row else ""
        return f"{obj.code} {obj.name}{row}"


class TransactionForm(BootstrapForm):
    """A transaction with up to LINES item lines and PARTIES party lines (blank lines are
    skipped)."""

    LINES = 5
    PARTIES = 4

    org_unit = UnitChoiceField(label=_("Owner unit"), queryset=OrgUnit.objects.none())
    reference = forms.CharField(label=_("Reference"), max_length=60)
    transaction_kind = forms.ChoiceField(label=_("Kind"), choices=TransactionKind.choices)
    date = forms.DateField(label=_("Date"), widget=DATE)
    destination = forms.CharField(
        label=_("Destination country"), max_length=60, help_text=_("ISO code, e.g. CN.")
    )
    end_use = forms.CharField(
        label=_("Declared end use"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self,
        *args: Any,
        units: Any = None,
        items: Any = None,
        parties: Any = None,
        editing: bool = False,
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        if editing:
            del self.fields["org_unit"]
        else:
            unit_field: Any = self.fields["org_unit"]
            unit_field.queryset = units if units is not None else OrgUnit.objects.none()
        for n in range(self.LINES):
            self.fields[f"item_{n}"] = ItemChoiceField(
                label=f"{_('Item')} {n + 1}", queryset=items, required=False
            )
            self.fields[f"quantity_{n}"] = forms.DecimalField(
                label=f"{pgettext('goods shipped', 'Quantity')} {n + 1}",
                required=False,
                min_value=0,
            )
            self.fields[f"unit_{n}"] = forms.CharField(
                label=f"{_('Unit')} {n + 1}", required=False, max_length=20
            )
        for n in range(self.PARTIES):
            self.fields[f"party_{n}"] = forms.ModelChoiceField(
                label=f"{_('Party')} {n + 1}", queryset=parties, required=False
            )
            self.fields[f"role_{n}"] = forms.ChoiceField(
                label=f"{_('Role')} {n + 1}",
                required=False,
                choices=[("", "—"), *PartyRole.choices],
            )
        for field in self.fields.values():
            if "class" not in field.widget.attrs:
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs["class"] = css

    def line_rows(self) -> list[tuple[Any, Any, Any]]:
        return [
            (self[f"item_{n}"], self[f"quantity_{n}"], self[f"unit_{n}"]) for n in range(self.LINES)
        ]

    def party_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"party_{n}"], self[f"role_{n}"]) for n in range(self.PARTIES)]

    def main_fields(self) -> list[Any]:
        names = ["org_unit", "reference", "transaction_kind", "date", "destination", "end_use"]
        return [self[name] for name in names if name in self.fields]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in range(self.LINES):
            if data.get(f"item_{n}") and not data.get(f"quantity_{n}"):
                self.add_error(f"quantity_{n}", _("Give the quantity."))
        for n in range(self.PARTIES):
            if data.get(f"party_{n}") and not data.get(f"role_{n}"):
                self.add_error(f"role_{n}", _("Give the party's role."))
        return data

    def lines(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [
            {
                "item": data[f"item_{n}"],
                "quantity": data[f"quantity_{n}"],
                "unit": data[f"unit_{n}"],
            }
            for n in range(self.LINES)
            if data.get(f"item_{n}")
        ]

    def parties(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [
            {"party": data[f"party_{n}"], "role": data[f"role_{n}"]}
            for n in range(self.PARTIES)
            if data.get(f"party_{n}")
        ]

    def values(self) -> dict[str, Any]:
        names = ["reference", "transaction_kind", "date", "destination", "end_use"]
        return {name: self.cleaned_data[name] for name in names}


def transaction_initial(transaction: Any) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "reference": transaction.reference,
        "transaction_kind": transaction.transaction_kind,
        "date": transaction.date,
        "destination": transaction.destination,
        "end_use": transaction.end_use,
    }
    for n, line in enumerate(transaction.lines.all()[: TransactionForm.LINES]):
        initial.update(
            {
                f"item_{n}": line.item_id,
                f"quantity_{n}": line.quantity.normalize(),
                f"unit_{n}": line.unit,
            }
        )
    for n, link in enumerate(transaction.party_links.all()[: TransactionForm.PARTIES]):
        initial.update({f"party_{n}": link.party_id, f"role_{n}": link.role})
    return initial


class CountryDateForm(forms.Form):
    on = forms.DateField(label=_("On"), required=False, widget=DATE)


class RecordImportForm(BootstrapForm):
    """Upload a file of items or parties (record_import.py); it is checked and applied by a
    background job."""

    file = forms.FileField(label=_("File (.xlsx or .csv)"))
    org_unit = UnitChoiceField(
        label=_("Default unit"),
        queryset=OrgUnit.objects.none(),
        help_text=_("The owner unit of rows whose org_unit cell is empty."),
    )
    dry_run = forms.BooleanField(
        label=_("Check only (change nothing)"), required=False, initial=True
    )

    def __init__(self, *args: Any, units: Any = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        unit_field: Any = self.fields["org_unit"]
        unit_field.queryset = units if units is not None else OrgUnit.objects.none()

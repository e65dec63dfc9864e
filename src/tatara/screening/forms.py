from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tatara.kpis.collection_forms import UnitChoiceField
from tatara.organisation.models import OrgUnit
from tatara.screening.choices import AlertDecision

KIND_CHOICES = [("", _("Any")), ("person", _("Person")), ("entity", _("Entity"))]


class ScreenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=500)
    country = forms.CharField(
        label=_("Country or nationality"),
        max_length=100,
        required=False,
        help_text=_("ISO code (IR) or name; a match raises the score, a difference lowers it."),
    )
    date_of_birth = forms.RegexField(
        label=_("Date of birth"),
        regex=r"^\d{4}(-\d{2}(-\d{2})?)?$",
        required=False,
        help_text=_("YYYY-MM-DD or a year."),
        error_messages={"invalid": _("Use YYYY-MM-DD or a year (YYYY).")},
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=KIND_CHOICES, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select" if name == "kind" else "form-control"


class BatchForm(forms.Form):
    file = forms.FileField(label=_("File of names (.xlsx or .csv)"))
    org_unit = UnitChoiceField(
        label=_("Whose names"),
        queryset=OrgUnit.objects.none(),
        required=False,
        help_text=_(
            "The unit whose customer master this is: its alerts are reviewed within that "
            "unit's scope."
        ),
    )

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["class"] = "form-control"
        unit_field: Any = self.fields["org_unit"]
        unit_field.queryset = units if units is not None else OrgUnit.objects.none()
        unit_field.widget.attrs["class"] = "form-select"
        if units is not None and not self.is_bound:
            first = units.first()
            if first is not None:
                self.initial.setdefault("org_unit", first.pk)


class AlertDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=AlertDecision.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why this is, or is not, the listed party (date of birth, address, ...)."),
    )

    def __init__(self, *args: Any, confirm_only: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        decision: Any = self.fields["decision"]
        if confirm_only:  # a name cleared before: only "confirmed after all" is left
            decision.choices = [(AlertDecision.CONFIRM, AlertDecision.CONFIRM.label)]
            self.initial.setdefault("decision", AlertDecision.CONFIRM)
        decision.widget.attrs["class"] = "form-check-input"
        self.fields["reason"].widget.attrs["class"] = "form-control"

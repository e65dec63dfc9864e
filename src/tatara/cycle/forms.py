from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tatara.cycle.choices import Rating

ITEMS_HELP = _("One measure per line.")


class BootstrapForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else (
                "form-select" if isinstance(field.widget, forms.Select) else "form-control")
            field.widget.attrs.setdefault("class", css)


def items_field(label: str, required: bool = True) -> forms.CharField:
    return forms.CharField(label=label, required=required, help_text=ITEMS_HELP, widget=forms.Textarea(attrs={"rows": 5}))


class PlanForm(BootstrapForm):
    planned = items_field(_("Measures (planned)"))
    reason = forms.CharField(label=_("Why is the approved plan revised?"), required=False)


class ResultsForm(BootstrapForm):
    results = items_field(_("Measures (results)"))
    next_planned = items_field(_("Measures planned for next year"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ProposeForm(BootstrapForm):
    rating = forms.TypedChoiceField(label=_("Self-assessment"), choices=Rating.choices, coerce=int)
    comment = forms.CharField(label=_("Comment"), required=False)


class ReviewForm(BootstrapForm):
    rating = forms.TypedChoiceField(label=_("Confirmed self-assessment"), choices=Rating.choices, coerce=int)
    note = forms.CharField(label=_("Review note (required when the rating changes)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReturnForm(BootstrapForm):
    note = forms.CharField(label=_("What should the owner rework?"), widget=forms.Textarea(attrs={"rows": 2}))


class EvidenceForm(BootstrapForm):
    file = forms.FileField(label=_("Evidence file"))
    description = forms.CharField(label=_("Description"), required=False)


class ImportForm(BootstrapForm):
    file = forms.FileField(label=_("Table file (.xlsx or .csv)"))
    dry_run = forms.BooleanField(label=_("Check only (change nothing)"), required=False, initial=True)
    replace = forms.BooleanField(label=_("Replace the year's existing initiatives"), required=False)


class OpenYearForm(BootstrapForm):
    year = forms.IntegerField(label=_("Fiscal year (the calendar year it starts in)"), min_value=2000, max_value=2100)

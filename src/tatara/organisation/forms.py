import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class PeopleImportForm(forms.Form):
    file = forms.FileField(label=_("HR master file (.xlsx or .csv)"))
    as_of = forms.DateField(
        label=_("File date (people missing from it left on this day)"),
        initial=dt.date.today,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )
    dry_run = forms.BooleanField(
        label=_("Check only (change nothing)"), required=False, initial=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["class"] = "form-control"
        self.fields["dry_run"].widget.attrs["class"] = "form-check-input"

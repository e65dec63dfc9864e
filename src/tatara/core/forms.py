"""Forms of the shared kernel's own pages (the fiscal years and their reopening) and of every
import page."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy


class ReopeningForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why must the closed year be reopened?"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=gettext_lazy(
            "Say what must be corrected and why. A second person approves the reopening; every "
            "change made while the year is open is marked."
        ),
    )


class ImportForm(forms.Form):
    """The upload of an import page (core/tabular/pages.py): the file, and "check only"."""

    file = forms.FileField(label=gettext_lazy("File (.xlsx or .csv)"))
    dry_run = forms.BooleanField(
        label=gettext_lazy("Check only (change nothing)"), required=False, initial=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs.update(
            {"class": "form-control", "accept": ".xlsx,.xlsm,.csv,.txt"}
        )
        self.fields["dry_run"].widget.attrs["class"] = "form-check-input"

    def clean_file(self) -> Any:
        from tatara.core.tabular import ImportRejected, check_size

        upload = self.cleaned_data["file"]
        try:
            check_size(upload.name, upload.size)
        except ImportRejected as exc:
            raise forms.ValidationError(exc.errors[0].message) from exc
        return upload

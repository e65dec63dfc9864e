from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["class"] = "form-control"

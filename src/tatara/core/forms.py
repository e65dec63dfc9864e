"""Forms of the shared kernel's own pages (the fiscal years and their reopening)."""

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

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from tatara.core.forms import ImportForm


class PeopleImportForm(ImportForm):
    as_of = forms.DateField(
        label=_("File date (people missing from it left on this day)"),
        initial=dt.date.today,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )
    field_order = ["file", "as_of", "dry_run"]

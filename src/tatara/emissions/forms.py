"""Forms of the emissions pages: entering one activity record, uploading activity data or
suppliers' factors. They shape input only; every write goes through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tatara.core import fiscal
from tatara.emissions.choices import Activity, Basis

WHOLE_YEAR = "year"


def month_choices(year: int) -> list[tuple[str, str]]:
    """The fiscal year's months ("2019-04" …) and the whole year."""
    start, _end = fiscal.bounds(year)
    months = []
    for offset in range(12):
        index = start.month - 1 + offset
        day = dt.date(start.year + index // 12, index % 12 + 1, 1)
        months.append((day.strftime("%Y-%m"), day.strftime("%Y-%m")))
    return [*months, (WHOLE_YEAR, _("Whole fiscal year (FY%(year)d)") % {"year": year})]


def _styled(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs["class"] = "form-check-input"
        elif isinstance(widget, forms.Select):
            widget.attrs["class"] = "form-select"
        else:
            widget.attrs["class"] = "form-control"


class ActivityForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"))
    activity = forms.ChoiceField(label=_("Activity"), choices=Activity.choices)
    quantity = forms.DecimalField(label=_("Quantity"), min_value=0, max_digits=24)
    unit = forms.CharField(
        label=_("Unit of measure"),
        required=False,
        max_length=40,
        help_text=_(
            "As on the invoice: kWh, MWh or 千kWh; m3, 千m3 or Nm3; L or kL; kg or t; MJ or GJ. "
            "Empty: the standard unit."
        ),
    )
    supplier = forms.CharField(
        label=_("Electricity supplier"),
        required=False,
        max_length=200,
        help_text=_("Electricity only, as in the suppliers' factor table (with the tariff menu)."),
    )
    source = forms.CharField(label=_("Source (invoice, meter)"), required=False, max_length=300)

    def __init__(self, *args: Any, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.year = year
        period = self.fields["period"]
        assert isinstance(period, forms.ChoiceField)
        period.choices = month_choices(year)
        _styled(self)
        self.fields["quantity"].widget.attrs["step"] = "any"

    def period_bounds(self) -> tuple[dt.date, dt.date]:
        value = self.cleaned_data["period"]
        if value == WHOLE_YEAR:
            return fiscal.bounds(self.year)
        start = dt.date.fromisoformat(f"{value}-01")
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        return start, end


class ActivityUploadForm(forms.Form):
    file = forms.FileField(label=_("Activity data file (.xlsx or .csv)"))
    dry_run = forms.BooleanField(
        label=_("Check only (change nothing)"), required=False, initial=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)


class FactorImportForm(forms.Form):
    file = forms.FileField(label=_("Suppliers' factor file (.xlsx or .csv)"))
    dry_run = forms.BooleanField(
        label=_("Check only (change nothing)"), required=False, initial=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)


BASIS_CHOICES = [
    (Basis.MARKET.value, Basis.MARKET.label),
    (Basis.LOCATION.value, Basis.LOCATION.label),
]

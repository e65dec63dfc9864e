"""Forms of the KPI write side: data entry, approval, collection rounds, import, targets and
rating overrides. They shape input only; every rule and permission check is in the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tatara.cycle.forms import BootstrapForm
from tatara.kpis.choices import TargetKind
from tatara.kpis.models import LegalParameter, Metric
from tatara.kpis.table_io import parse_period, parse_year
from tatara.organisation.models import OrgUnit

PERIOD_HELP = _("FY2019 for a whole fiscal year, 2019-04 for a month.")


def clean_period(text: str) -> tuple[dt.date, dt.date]:
    try:
        return parse_period(text)
    except ValueError as exc:
        raise ValidationError(_("Enter a period such as FY2019 or 2019-04.")) from exc


class UnitChoiceField(forms.ModelChoiceField[OrgUnit]):
    def label_from_instance(self, obj: OrgUnit) -> str:
        indent = "\u2003" * max(0, (obj.path.count("/") - 2))
        return f"{indent}{obj.name} ({obj.code})"


class UnitsChoiceField(forms.ModelMultipleChoiceField[OrgUnit]):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return f"{obj.name} ({obj.code})"


class MetricsChoiceField(forms.ModelMultipleChoiceField[Metric]):
    def label_from_instance(self, obj: Metric) -> str:
        return f"{obj.name} ({obj.code}, {obj.unit})"


class MetricChoiceField(forms.ModelChoiceField[Metric]):
    def label_from_instance(self, obj: Metric) -> str:
        return f"{obj.name} ({obj.code}, {obj.unit})"


# --- data entry ---------------------------------------------------------------------------


class EntryPickForm(BootstrapForm):
    """Which unit and period to enter values for (GET)."""

    unit = UnitChoiceField(
        label=_("Organisation unit"), queryset=OrgUnit.objects.none(), to_field_name="code"
    )
    period = forms.CharField(label=_("Period"), help_text=PERIOD_HELP, max_length=10)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    def clean_period(self) -> tuple[dt.date, dt.date]:
        return clean_period(self.cleaned_data["period"])


class EntryRowForm(BootstrapForm):
    """One metric's value for the unit and period of the entry page (POST)."""

    ACTIONS = (("save", _("Save draft")), ("submit", _("Submit")))

    metric = forms.SlugField(widget=forms.HiddenInput)
    value = forms.CharField(label=_("Value"), max_length=40, required=False)
    unit_of_measure = forms.CharField(label=_("Unit of measure"), max_length=40, required=False)
    source = forms.CharField(label=_("Source"), max_length=300, required=False)
    evidence = forms.FileField(label=_("Evidence file"), required=False)
    reason = forms.CharField(
        label=_("Reason for the change"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    action = forms.ChoiceField(choices=ACTIONS)


# --- collection rounds --------------------------------------------------------------------


class RoundForm(BootstrapForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    org_unit = UnitChoiceField(
        label=_("Requested by"),
        queryset=OrgUnit.objects.none(),
        to_field_name="code",
        help_text=_("The unit running the round; the units asked lie within it."),
    )
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), min_value=1900, max_value=2200)
    period = forms.CharField(label=_("Period"), help_text=PERIOD_HELP, max_length=10)
    deadline = forms.DateField(
        label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    metrics = MetricsChoiceField(
        label=_("Metrics asked"),
        queryset=Metric.objects.none(),
        to_field_name="code",
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )
    units = UnitsChoiceField(
        label=_("Units asked"),
        queryset=OrgUnit.objects.none(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, requesters: Any, asked: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = requesters  # type: ignore[attr-defined]
        self.fields["metrics"].queryset = Metric.objects.order_by("code")  # type: ignore[attr-defined]
        self.fields["units"].queryset = asked  # type: ignore[attr-defined]
        self.fields["units"].widget.attrs["class"] = "form-check-input"

    def clean_period(self) -> tuple[dt.date, dt.date]:
        return clean_period(self.cleaned_data["period"])


# --- import -------------------------------------------------------------------------------


class ImportForm(BootstrapForm):
    WHAT = (("observations", _("Observations (values)")), ("targets", _("Targets")))

    what = forms.ChoiceField(label=_("What the file holds"), choices=WHAT, widget=forms.RadioSelect)
    file = forms.FileField(
        label=_("File (.csv or .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    dry_run = forms.BooleanField(label=_("Check only (change nothing)"), required=False)


# --- targets ------------------------------------------------------------------------------


def _year(text: Any) -> int | None:
    if text in (None, ""):
        return None
    try:
        return parse_year(str(text))
    except ValueError as exc:
        raise ValidationError(_("Enter a year such as 2019.")) from exc


class TargetForm(BootstrapForm):
    """A target's kind and value; on creation also its metric, year and unit."""

    metric = MetricChoiceField(
        label=_("Metric"), queryset=Metric.objects.none(), to_field_name="code"
    )
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), min_value=1900, max_value=2200)
    org_unit = UnitChoiceField(
        label=_("Organisation unit"), queryset=OrgUnit.objects.none(), to_field_name="code"
    )
    kind = forms.ChoiceField(label=_("Kind of target"), choices=TargetKind.choices)
    value = forms.CharField(
        label=_("Value"),
        required=False,
        max_length=40,
        help_text=_("In the metric's unit; for a reduction, the targeted reduction in percent."),
    )
    base_year = forms.CharField(
        label=_("Base year"), required=False, max_length=6, help_text=_("For a reduction.")
    )
    legal_parameter = forms.ChoiceField(
        label=_("Legal parameter"),
        required=False,
        help_text=_("For a legal minimum: the statutory rate it must reach."),
    )

    def __init__(self, *args: Any, units: Any = None, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            for name in ("metric", "fiscal_year", "org_unit"):
                del self.fields[name]
        else:
            self.fields["metric"].queryset = Metric.objects.order_by("code")  # type: ignore[attr-defined]
            self.fields["org_unit"].queryset = units  # type: ignore[attr-defined]
        codes = sorted(set(LegalParameter.objects.values_list("code", flat=True)))
        self.fields["legal_parameter"].choices = [("", "—"), *((c, c) for c in codes)]  # type: ignore[attr-defined]
        self.fields["kind"].widget.attrs["data-target-kind"] = "1"

    def clean_base_year(self) -> int | None:
        return _year(self.cleaned_data.get("base_year"))


class LinkForm(BootstrapForm):
    initiative = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, choices: list[tuple[int, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if choices is not None:
            self.fields["initiative"] = forms.TypedChoiceField(
                label=_("Initiative"), choices=choices, coerce=int
            )
            self.fields["initiative"].widget.attrs["class"] = "form-select"


class OverrideForm(BootstrapForm):
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        choices=((3, "★★★"), (2, "★★"), (1, "★")),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why the rating differs from what the targets suggest."),
    )

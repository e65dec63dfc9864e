from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tatara.cycle.choices import Rating

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ITEMS_HELP = _("One measure per line.")


class BootstrapForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)


def items_field(label: StrOrPromise, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=ITEMS_HELP,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


def rating_field(label: StrOrPromise) -> forms.TypedChoiceField:
    """1-3 stars, shown as radio buttons (the template draws the stars)."""
    return forms.TypedChoiceField(
        label=label,
        choices=sorted(Rating.choices, reverse=True),
        coerce=int,
        widget=forms.RadioSelect,
    )


class PlanForm(BootstrapForm):
    planned = items_field(_("Measures (planned)"))
    reason = forms.CharField(label=_("Why is the approved plan revised?"), required=False)

    def __init__(self, *args: Any, revising: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not revising:
            # A draft plan is edited freely; the reason only matters once it is approved.
            self.fields["reason"].widget = forms.HiddenInput()


class ResultsForm(BootstrapForm):
    results = items_field(_("Measures (results)"))
    next_planned = items_field(_("Measures planned for next year"), required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ProposeForm(BootstrapForm):
    rating = rating_field(_("Self-assessment"))
    comment = forms.CharField(
        label=_("Comment (required when the rating differs from the one proposed before)"),
        required=False,
    )


WAIVER_HELP = _(
    "Segregation of duties: someone else normally takes this step. The CSR Management Office "
    "may take it itself by recording why; the reason is kept on the initiative and in its trail."
)


def waiver_field(label: StrOrPromise) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=WAIVER_HELP,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ApproveForm(BootstrapForm):
    waiver = waiver_field(_("Why do you approve a plan you drafted?"))

    def __init__(self, *args: Any, waiving: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not waiving:
            self.fields["waiver"].widget = forms.HiddenInput()


class ReviewForm(BootstrapForm):
    rating = rating_field(_("Confirmed self-assessment"))
    note = forms.CharField(
        label=_("Review note (required when the rating changes)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    waiver = waiver_field(_("Why do you confirm a rating you proposed?"))

    def __init__(self, *args: Any, waiving: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not waiving:
            self.fields["waiver"].widget = forms.HiddenInput()


class ReturnForm(BootstrapForm):
    note = forms.CharField(
        label=_("What should the owner rework?"), widget=forms.Textarea(attrs={"rows": 2})
    )


class EvidenceForm(BootstrapForm):
    file = forms.FileField(label=_("Evidence file"))
    description = forms.CharField(label=_("Description"), required=False, max_length=300)


class ImportForm(BootstrapForm):
    file = forms.FileField(
        label=_("Table file (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    dry_run = forms.BooleanField(
        label=_("Check only (change nothing)"), required=False, initial=True
    )
    replace = forms.BooleanField(label=_("Replace the year's existing initiatives"), required=False)


class YearForm(BootstrapForm):
    plan_due = forms.DateField(
        label=_("Plan approval due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    results_due = forms.DateField(
        label=_("Results and self-assessment due"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    review_due = forms.DateField(
        label=_("Review by the CSR office due"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(
        label=_("Note printed above the table"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OpenYearForm(BootstrapForm):
    year = forms.IntegerField(
        label=_("Fiscal year (the calendar year it starts in)"), min_value=2000, max_value=2100
    )

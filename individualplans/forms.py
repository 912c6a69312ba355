"""The plan's forms: what the coordinator types, checked field by field, with every message in Norwegian."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms import ConsentForm, DateInput
from individualplans.models import LifeArea, PlanGoal, PlanMeasure
from mentorprogram.forms import DesignsystemetFormMixin
from mentorprogram.partners import PartnerService

# An evaluation falls due about a quarter after the last one, unless the coordinator says otherwise.
EVALUATION_INTERVAL = datetime.timedelta(days=91)


def _after_today(value):
    if value is not None and value <= timezone.localdate():
        raise forms.ValidationError(_("The next evaluation must be after today."))


class PlanConsentForm(ConsentForm):
    """The participant's consent to an individual plan; the services named are those taking part."""

    services = forms.MultipleChoiceField(
        label=_("Services taking part in the plan"),
        help_text=_("They may share information for the plan. Tick «Mentor» to let the assigned mentor read it."),
        choices=PartnerService.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Name at least one service taking part in the plan.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("services", [PartnerService.MENTOR])


class VersionedForm(DesignsystemetFormMixin, forms.Form):
    """A form that edits a row: the version it was opened with travels along (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)

    def with_version(self, version: int):
        """The same form, with what the user typed and the version now saved (after a conflict)."""
        data = self.data.copy()
        data[self.add_prefix("version")] = str(version)
        form = type(self)(data, prefix=self.prefix)
        form.is_valid()
        return form

    def service_fields(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class PlanStartForm(DesignsystemetFormMixin, forms.Form):
    coordinator = forms.ModelChoiceField(
        label=_("Responsible coordinator"),
        queryset=None,
        empty_label=None,
        help_text=_("The one person who answers for the plan's follow-up and progress."),
    )
    first_evaluation_on = forms.DateField(label=_("First evaluation"), widget=DateInput, validators=[_after_today])
    participant_words = forms.CharField(
        label=_("What matters to the participant, in their own words"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    services = forms.MultipleChoiceField(
        label=_("Services taking part"),
        choices=PartnerService.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, coordinators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coordinator"].queryset = coordinators
        self.fields["coordinator"].label_from_instance = lambda user: user.get_full_name() or user.username
        if not self.is_bound:
            self.initial.setdefault("first_evaluation_on", timezone.localdate() + EVALUATION_INTERVAL)


class PlanEditForm(VersionedForm):
    participant_words = forms.CharField(
        label=_("What matters to the participant, in their own words"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    services = forms.MultipleChoiceField(
        label=_("Services taking part"),
        choices=PartnerService.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class GoalForm(VersionedForm):
    life_area = forms.ChoiceField(label=_("Life area"), choices=LifeArea.choices)
    wording = forms.CharField(
        label=_("The goal, in the participant's words"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    status = forms.ChoiceField(label=_("Status"), choices=PlanGoal.Status.choices, widget=forms.RadioSelect)
    target_date = forms.DateField(label=_("Target date"), widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("status", PlanGoal.Status.NOT_STARTED)
            self.initial.setdefault("version", 1)


class MeasureForm(VersionedForm):
    description = forms.CharField(
        label=_("What will be done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    service = forms.ChoiceField(label=_("Responsible service"), choices=PartnerService.choices)
    responsible_person = forms.CharField(label=_("Person responsible"), max_length=200)
    starts_on = forms.DateField(label=_("Starts"), widget=DateInput)
    ends_on = forms.DateField(label=_("Ends"), widget=DateInput, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=PlanMeasure.Status.choices, widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("status", PlanMeasure.Status.PLANNED)
            self.initial.setdefault("starts_on", timezone.localdate())
            self.initial.setdefault("version", 1)

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("A measure cannot end before it starts."))
        return cleaned


class EvaluationForm(DesignsystemetFormMixin, forms.Form):
    summary = forms.CharField(
        label=_("How has it gone since last time?"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    changes = forms.CharField(
        label=_("What changes in the plan"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )
    next_due_on = forms.DateField(label=_("Next evaluation"), widget=DateInput, validators=[_after_today])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("next_due_on", timezone.localdate() + EVALUATION_INTERVAL)


class HandoverForm(DesignsystemetFormMixin, forms.Form):
    to = forms.ModelChoiceField(label=_("New coordinator"), queryset=None)
    note = forms.CharField(
        label=_("Handover note"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the new coordinator must know: agreements made, what is due, who to call."),
        max_length=5000,
    )

    def __init__(self, *args, coordinators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = coordinators
        self.fields["to"].label_from_instance = lambda user: user.get_full_name() or user.username
        self.fields["to"].empty_label = _("Choose a coordinator")


class CloseForm(VersionedForm):
    note = forms.CharField(
        label=_("Why is the plan closed?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

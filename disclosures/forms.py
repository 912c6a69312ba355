import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms import DateInput
from disclosures.models import Disclosure
from mentorprogram.forms import DesignsystemetFormMixin, PeriodFormMixin


class DisclosureForm(DesignsystemetFormMixin, forms.Form):
    """A disclosure as DESIGN.md describes it. The service checks the rules and says what is missing."""

    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    legal_basis = forms.ChoiceField(
        label=_("Legal basis"), choices=Disclosure.LegalBasis.choices, widget=forms.RadioSelect
    )
    legal_basis_other = forms.CharField(
        label=_("Other legal basis"),
        required=False,
        max_length=200,
        help_text=_("Name the provision, when the basis is «other»."),
    )
    recipient_kind = forms.ChoiceField(label=_("Kind of recipient"), choices=Disclosure.RecipientKind.choices)
    recipient = forms.CharField(
        label=_("Recipient"), max_length=200, help_text=_("The service or office, and the person if known.")
    )
    shared = forms.CharField(
        label=_("What was shared"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only what the recipient needed. Write it as it was said or sent."),
    )
    justification = forms.CharField(
        label=_("Justification"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why the exception from the duty of confidentiality applied here."),
    )
    disclosed_on = forms.DateField(label=_("Shared on"), widget=DateInput)
    decided_by = forms.CharField(
        label=_("Decided by"), max_length=200, help_text=_("Name and role of the person who made the decision.")
    )
    consulted = forms.MultipleChoiceField(
        label=_("Consulted before the decision"),
        choices=Disclosure.Consulted.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    participant_informed = forms.ChoiceField(
        label=_("Was the participant told?"), choices=Disclosure.Informed.choices, widget=forms.RadioSelect
    )
    informed_on = forms.DateField(label=_("Told on"), required=False, widget=DateInput)
    not_informed_reason = forms.CharField(
        label=_("Why not (yet)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: telling would defeat the purpose of the disclosure to the police."),
    )

    def __init__(self, *args, correcting: Disclosure | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.reveal("legal_basis_other", when="legal_basis", values=[Disclosure.LegalBasis.OTHER])
        self.reveal("informed_on", when="participant_informed", values=[Disclosure.Informed.YES])
        self.reveal(
            "not_informed_reason",
            when="participant_informed",
            values=[Disclosure.Informed.LATER, Disclosure.Informed.NO],
        )
        if correcting is not None:
            self.fields["correction_reason"] = forms.CharField(
                label=_("What is corrected, and why"),
                widget=forms.Textarea(attrs={"rows": 2, "class": "ds-input"}),
            )

    @classmethod
    def initial_for(cls, user, correcting: Disclosure | None = None) -> dict:
        if correcting is not None:
            initial = {name: getattr(correcting, name) for name in cls.base_fields if name != "submission_key"}
        else:
            initial = {"disclosed_on": timezone.localdate(), "decided_by": user.get_full_name() or user.username}
        return {**initial, "submission_key": uuid.uuid4()}

    def service_fields(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "submission_key"}


class RegisterFilterForm(PeriodFormMixin, DesignsystemetFormMixin, forms.Form):
    period_fields = ("disclosed_from", "disclosed_to")
    legal_basis = forms.ChoiceField(
        label=_("Legal basis"), choices=[("", _("All")), *Disclosure.LegalBasis.choices], required=False
    )
    recipient_kind = forms.ChoiceField(
        label=_("Kind of recipient"), choices=[("", _("All")), *Disclosure.RecipientKind.choices], required=False
    )
    participant_told = forms.ChoiceField(
        label=_("Participant told"), choices=[("", _("All")), *Disclosure.Informed.choices], required=False
    )
    case = forms.IntegerField(label=_("Case number"), required=False, min_value=1)
    disclosed_from = forms.DateField(label=_("Shared from"), required=False, widget=DateInput)
    disclosed_to = forms.DateField(label=_("Shared to"), required=False, widget=DateInput)
    current_only = forms.BooleanField(label=_("Newest versions only"), required=False)

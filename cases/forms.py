import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Assessment, Case, Consent, EmergencyAccess, Gender, NetworkMember, Referral, age_on
from cases.national_id import validate_national_id
from mentorprogram.forms import DesignsystemetFormMixin


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class CommaListField(forms.CharField):
    """«norsk, somali» ↔ ["norsk", "somali"]."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list | tuple) else value

    def to_python(self, value):
        value = super().to_python(value)
        return [item.strip() for item in value.split(",") if item.strip()]


class ReferralForm(DesignsystemetFormMixin, forms.ModelForm):
    """A referral, as the referrer or a coordinator types it in. Every message is in Norwegian at its field."""

    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    criteria = forms.MultipleChoiceField(
        label=_("Which of the guide's criteria apply?"),
        choices=Referral.Criterion.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Referral.Urgency.choices, initial=Referral.Urgency.NORMAL, widget=forms.RadioSelect
    )
    languages = CommaListField(
        label=_("Languages"), required=False, help_text=_("Separate with commas, for example «norsk, somali».")
    )
    # Typed as it is written on paper («DDMMYY NNNNN») as often as not: spaces are taken out before the check.
    national_id = forms.CharField(
        label=_("National identity number"), max_length=13, required=False, help_text=_("Optional. 11 digits.")
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, initial=Gender.UNKNOWN)

    class Meta:
        model = Referral
        fields = [
            "source",
            "source_organisation",
            "referrer_name",
            "referrer_phone",
            "referrer_email",
            "received_on",
            "urgency",
            "concern",
            "criteria",
            "first_name",
            "last_name",
            "date_of_birth",
            "national_id",
            "gender",
            "languages",
            "district",
            "guardians",
        ]
        widgets = {
            "received_on": DateInput(),
            "date_of_birth": DateInput(),
            "concern": forms.Textarea(attrs={"rows": 6}),
            "guardians": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "concern": _("What you have seen or heard, and when. Write only what is needed."),
            "national_id": _("Optional. 11 digits."),
            "guardians": _("Required for participants under 18: names and how to reach them."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())
            self.initial.setdefault("received_on", timezone.localdate())

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise forms.ValidationError(_("The date received cannot be in the future."))
        return received_on

    def clean_date_of_birth(self):
        date_of_birth = self.cleaned_data["date_of_birth"]
        if date_of_birth > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        return date_of_birth

    def clean_national_id(self):
        national_id = (self.cleaned_data.get("national_id") or "").replace(" ", "")
        if national_id:
            self._id_birth_date = validate_national_id(national_id)
        return national_id

    def clean(self):
        cleaned = super().clean()
        date_of_birth = cleaned.get("date_of_birth")
        id_birth_date = getattr(self, "_id_birth_date", None)
        if date_of_birth and id_birth_date and date_of_birth != id_birth_date:
            self.add_error("national_id", _("The national identity number does not match the date of birth."))
        if (
            date_of_birth
            and age_on(date_of_birth, timezone.localdate()) < 18
            and not (cleaned.get("guardians") or "").strip()
        ):
            self.add_error(
                "guardians",
                _("The participant is under 18: give the guardians (write «unknown» if you do not know them)."),
            )
        return cleaned


class DuplicateCheckForm(DesignsystemetFormMixin, forms.Form):
    """The intake form's name, date of birth and national id, for the live duplicate check."""

    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    date_of_birth = forms.DateField()
    national_id = forms.CharField(max_length=13, required=False)

    def clean_national_id(self):
        return (self.cleaned_data.get("national_id") or "").replace(" ", "")


class ParticipantResolveForm(forms.Form):
    participant = forms.CharField()  # a participant id, or «new»


class DecisionForm(DesignsystemetFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(s, label) for s, label in Referral.Status.choices if s not in Referral.OPEN_STATUSES],
        widget=forms.RadioSelect,
    )
    track = forms.ChoiceField(
        label=_("Track for a new case"), choices=[("", _("Choose")), *Case.Track.choices], required=False
    )
    forwarded_to = forms.CharField(label=_("Forwarded to (service)"), max_length=200, required=False)
    duplicate_of = forms.ModelChoiceField(label=_("Duplicate of"), queryset=Referral.objects.none(), required=False)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, others=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.reveal("track", when="decision", values=[Referral.Status.ACCEPTED])
        self.reveal("forwarded_to", when="decision", values=[Referral.Status.FORWARDED])
        self.reveal("duplicate_of", when="decision", values=[Referral.Status.DUPLICATE])
        self.fields["duplicate_of"].queryset = Referral.objects.filter(pk__in=[o.pk for o in others])
        self.fields["duplicate_of"].label_from_instance = lambda r: (
            _("Referral %(pk)s, received %(date)s") % {"pk": r.pk, "date": r.received_on.strftime("%d.%m.%Y")}
        )


class CaseStatusForm(DesignsystemetFormMixin, forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=Case.Status.choices)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", _("Choose")), *Case.Outcome.choices], required=False)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = Case.TRANSITIONS[case.status]
        # No step is chosen for the user (the first could be a step backwards): they pick one of the allowed.
        self.fields["to_status"].choices = [
            ("", _("Choose the next step")),
            *[(s, label) for s, label in Case.Status.choices if s in allowed],
        ]
        self.fields["to_status"].error_messages["required"] = _("Choose the status the case moves to.")
        if Case.Status.CLOSED in allowed:
            self.reveal("outcome", when="to_status", values=[Case.Status.CLOSED])
        else:
            del self.fields["outcome"]


class AssessmentForm(DesignsystemetFormMixin, forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["risk_factors", "protective_factors", "push_factors", "pull_factors", "summary"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}


class NetworkMemberForm(DesignsystemetFormMixin, forms.ModelForm):
    class Meta:
        model = NetworkMember
        fields = ["kind", "name", "relation", "stance", "contact"]


class ConsentForm(DesignsystemetFormMixin, forms.ModelForm):
    services = forms.MultipleChoiceField(
        label=_("Services that may share information"),
        choices=Consent.Service.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Consent
        fields = ["services", "given_by", "guardian_name", "valid_from", "valid_to"]
        widgets = {"valid_from": DateInput(), "valid_to": DateInput(), "given_by": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("valid_from", timezone.localdate())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("given_by") == Consent.GivenBy.GUARDIAN and not (cleaned.get("guardian_name") or "").strip():
            self.add_error("guardian_name", _("Name the guardian who gave the consent."))
        valid_from, valid_to = cleaned.get("valid_from"), cleaned.get("valid_to")
        if valid_from and valid_to and valid_to < valid_from:
            self.add_error("valid_to", _("The end cannot come before the start."))
        return cleaned


class EmergencyAccessForm(DesignsystemetFormMixin, forms.Form):
    legal_basis = forms.ChoiceField(
        label=_("Legal basis"), choices=EmergencyAccess.LegalBasis.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Why must you read this case now?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: acute concern signal, the mentor and the coordinator do not answer the phone."),
        error_messages={"required": _("No reason, no access: say why you must read this case now.")},
    )
    otp_token = forms.CharField(
        label=_("Code from the app"),
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        help_text=_("Enter your two-factor code again to confirm."),
    )


class EmergencyReviewForm(DesignsystemetFormMixin, forms.Form):
    review = forms.ChoiceField(label=_("Review"), choices=EmergencyAccess.Review.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("What you found"), widget=forms.Textarea(attrs={"rows": 2}))

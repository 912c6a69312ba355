from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import CommaListField, DateInput
from cases.models import CaseWishes
from mentorprogram.forms import DesignsystemetFormMixin, RowsSelect
from mentorprogram.roles import MENTOR
from mentors.models import Attendance, MatchingWeights, Mentor, Qualification
from mentors.selectors import MENTORS_BY_NAME, mentor_name_rows


class CaseWishesForm(DesignsystemetFormMixin, forms.ModelForm):
    interests = CommaListField(label=_("Interests"), required=False, help_text=_("Separate with commas."))

    class Meta:
        model = CaseWishes
        fields = [
            "preferred_language",
            "gender_wish",
            "background_match_wanted",
            "background",
            "ideology",
            "interests",
            "district",
            "practical_constraints",
        ]
        widgets = {"practical_constraints": forms.Textarea(attrs={"rows": 2})}


class AssignForm(forms.Form):
    mentor = forms.ModelChoiceField(queryset=Mentor.objects.all())
    reason = forms.CharField(required=False, max_length=2000)
    confirm = forms.BooleanField(required=False)


class TieForm(DesignsystemetFormMixin, forms.Form):
    mentor = forms.ModelChoiceField(
        label=_("Mentor"),
        queryset=Mentor.objects.select_related("user").order_by(*MENTORS_BY_NAME),
        widget=RowsSelect(mentor_name_rows),
    )

    def __init__(self, *args, names: dict | None = None, **kwargs):
        """``names``: every mentor's name as ``mentor_names()`` read them (in the queryset's order), when the page
        has read them already; the select is then written from those instead of reading them again."""
        super().__init__(*args, **kwargs)
        if names is not None:
            self.fields["mentor"].widget.label_rows = lambda _queryset: ((pk, str(name)) for pk, name in names.items())


class WeightsForm(DesignsystemetFormMixin, forms.ModelForm):
    class Meta:
        model = MatchingWeights
        fields = list(MatchingWeights.FACTORS)
        widgets = {name: forms.NumberInput(attrs={"min": 0, "max": 10}) for name in MatchingWeights.FACTORS}

    def clean(self):
        cleaned = super().clean()
        for name in MatchingWeights.FACTORS:
            value = cleaned.get(name)
            if value is not None and not 0 <= value <= 10:
                self.add_error(name, _("A weight is a whole number from 0 to 10."))
        return cleaned


class MentorProfileForm(DesignsystemetFormMixin, forms.ModelForm):
    """The register's profile, kept by SLT coordinators."""

    languages = CommaListField(label=_("Languages"), required=False, help_text=_("Separate with commas."))
    interests = CommaListField(label=_("Interests"), required=False, help_text=_("Separate with commas."))
    tracks = forms.MultipleChoiceField(
        label=_("Experience with tracks"),
        choices=Mentor._meta.get_field("tracks").base_field.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    ideologies = forms.MultipleChoiceField(
        label=_("Experience with ideologies"),
        choices=Mentor._meta.get_field("ideologies").base_field.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    age_groups = forms.MultipleChoiceField(
        label=_("Experience with age groups"),
        choices=Mentor._meta.get_field("age_groups").base_field.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Mentor
        fields = [
            "user",
            "is_active",
            "employment",
            "home_service",
            "birth_year",
            "gender",
            "languages",
            "interests",
            "district",
            "tracks",
            "ideologies",
            "age_groups",
            "max_participants",
            "hours_per_week",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        users = get_user_model().objects.filter(groups__name=MENTOR, is_active=True)
        if self.instance.pk:
            users = users.filter(pk=self.instance.user_id)
        else:
            users = users.filter(mentor_profile__isnull=True)
        self.fields["user"].queryset = users.order_by("last_name", "first_name")
        self.fields["user"].label = _("User (with the mentor role)")


class SelfDeclaredForm(DesignsystemetFormMixin, forms.ModelForm):
    """What only the mentor declares about themselves: optional, and seen only by those who match."""

    languages = CommaListField(label=_("Languages"), required=False, help_text=_("Separate with commas."))
    interests = CommaListField(label=_("Interests"), required=False, help_text=_("Separate with commas."))

    class Meta:
        model = Mentor
        fields = ["languages", "interests", "ethnic_background", "religious_background"]
        help_texts = {
            "ethnic_background": _(
                "Optional. Used only when a participant asks for a mentor with a similar background."
            ),
            "religious_background": _(
                "Optional. Used only when a participant asks for a mentor with a similar background."
            ),
        }


class QualificationForm(DesignsystemetFormMixin, forms.ModelForm):
    class Meta:
        model = Qualification
        fields = ["kind", "completed_on", "valid_until"]
        widgets = {"completed_on": DateInput(), "valid_until": DateInput()}


class AttendanceForm(DesignsystemetFormMixin, forms.ModelForm):
    class Meta:
        model = Attendance
        fields = ["kind", "date"]
        widgets = {"date": DateInput()}

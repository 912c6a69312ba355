from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import CommaListField
from cases.models import CaseWishes
from mentorprogram.forms import DesignsystemetFormMixin
from mentors.models import MatchingWeights, Mentor


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


class TieForm(DesignsystemetFormMixin, forms.Form):
    mentor = forms.ModelChoiceField(
        label=_("Mentor"),
        queryset=Mentor.objects.select_related("user").order_by("user__last_name", "user__first_name"),
    )


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

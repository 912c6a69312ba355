import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from mentorprogram.forms import DesignsystemetFormMixin


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m")


class MonthField(forms.DateField):
    """A calendar month typed as YYYY-MM (a month input), as its first day."""

    widget = MonthInput
    input_formats = ["%Y-%m", "%Y-%m-%d"]
    default_error_messages = {"invalid": _("Enter a month as YYYY-MM.")}


class ReportRequestForm(DesignsystemetFormMixin, forms.Form):
    period_start = MonthField(label=_("From month"))
    period_end = MonthField(label=_("To month"), help_text=_("Whole months; the last one must have ended."))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        return cleaned

    @staticmethod
    def initial_for(today: datetime.date) -> dict:
        from steeringgroup.services import last_quarter

        start, end = last_quarter(today)
        return {"period_start": start, "period_end": end}

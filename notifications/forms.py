from django import forms
from django.utils.translation import gettext_lazy as _

from mentorprogram.forms import DesignsystemetFormMixin
from notifications.models import Notification


class PreferenceForm(DesignsystemetFormMixin, forms.Form):
    email_kinds = forms.MultipleChoiceField(
        label=_("Also send me an email about"),
        choices=Notification.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Everything appears in the notification centre. The email says what happened and links here; it never holds names."
        ),
    )

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import AccessEvent, AuditEvent
from cases.forms import DateInput
from mentorprogram.forms import DesignsystemetFormMixin, PeriodFormMixin, RowsSelect


def _user_label(first_name: str, last_name: str, username: str) -> str:
    name = f"{first_name} {last_name}".strip()
    return f"{name} ({username})" if name else username


def _user_rows(users):
    return ((pk, _user_label(*names)) for pk, *names in users.values_list("pk", "first_name", "last_name", "username"))


class UserChoiceField(forms.ModelChoiceField):
    """Any user, active or not, by name and username; empty means everyone."""

    def __init__(self, **kwargs):
        queryset = get_user_model().objects.order_by("last_name", "first_name", "username")
        super().__init__(
            queryset=queryset, required=False, empty_label=_("Everyone"), widget=RowsSelect(_user_rows), **kwargs
        )

    def label_from_instance(self, user):
        return _user_label(user.first_name, user.last_name, user.username)


class ParticipantFindForm(DesignsystemetFormMixin, forms.Form):
    participant = forms.CharField(
        label=_("Participant"),
        required=False,
        max_length=150,
        help_text=_("Name, national identity number or participant number."),
    )
    participant_id = forms.IntegerField(required=False, widget=forms.HiddenInput)


class AccessSearchForm(PeriodFormMixin, ParticipantFindForm):
    """The privacy officer's search of the access log: by participant, reader, kind and period."""

    period_fields = ("read_from", "read_to")
    # By username, not a list: a national deployment has thousands of users. Typed names are sent by POST; the
    # result's address names the reader by number (``reader_id``), as the participant.
    reader = forms.CharField(
        label=_("Reader"), required=False, max_length=150, help_text=_("Username. Empty: everyone.")
    )
    reader_id = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All")), *AccessEvent.Kind.choices], required=False)
    read_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    read_to = forms.DateField(label=_("To"), required=False, widget=DateInput)
    outside_assignment = forms.BooleanField(label=_("Only reads outside an assignment"), required=False)

    @staticmethod
    def this_year() -> dict:
        return {"read_from": datetime.date(timezone.localdate().year, 1, 1)}

    def __init__(self, *args, typed: bool = False, **kwargs):
        """``typed``: the search as sent (POST), the reader by the username typed; otherwise the result's address,
        the reader by number."""
        super().__init__(*args, **kwargs)
        self.typed, self.reader_user = typed, None

    def clean(self):
        data = super().clean()
        users = get_user_model().objects
        if self.typed and data.get("reader"):
            self.reader_user = users.filter(username__iexact=data["reader"].strip()).first()
        elif not self.typed and data.get("reader_id"):
            self.reader_user = users.filter(pk=data["reader_id"]).first()
            if self.reader_user is not None:  # shown in the field, as typed
                self.data = self.data.copy()
                self.data["reader"] = self.reader_user.username
        else:
            return data
        if self.reader_user is None:
            self.add_error("reader", _("No user has this username."))
        return data


class EventFilterForm(PeriodFormMixin, DesignsystemetFormMixin, forms.Form):
    """The audit trail's events: by action, user (who acted or whom it was about), case and period."""

    period_fields = ("occurred_from", "occurred_to")

    action = forms.ChoiceField(
        label=_("Event"), choices=[("", _("All events")), *AuditEvent.Action.choices], required=False
    )
    user = UserChoiceField(label=_("User"))
    case = forms.IntegerField(label=_("Case number"), required=False, min_value=1)
    occurred_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    occurred_to = forms.DateField(label=_("To"), required=False, widget=DateInput)


class LegalHoldForm(DesignsystemetFormMixin, forms.Form):
    case = forms.IntegerField(label=_("Case number"), min_value=1, max_value=2**63 - 1)
    reason = forms.CharField(
        label=_("Why the case is kept"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("For example a complaint, a court case or a request from the police."),
    )


class LegalHoldLiftForm(DesignsystemetFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why the hold is lifted"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

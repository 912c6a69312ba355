import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms import DateInput
from mentorprogram.forms import DesignsystemetFormMixin
from mentorsessions.models import ConcernSignal, MentorSession

NO_CONCERN = ""

Topic = MentorSession.Topic
# The topics in three folds, so the form fits a phone: everyday life, what the work is about, and the rest.
TOPIC_GROUPS = [
    (
        _("Everyday life"),
        [Topic.SCHOOL_WORK, Topic.FAMILY, Topic.FRIENDS, Topic.LEISURE, Topic.HEALTH, Topic.HOUSING_ECONOMY],
    ),
    (_("Views and belonging"), [Topic.IDEOLOGY, Topic.IDENTITY, Topic.ONLINE, Topic.LAW]),
    (_("Other"), [Topic.OTHER]),
]


class SessionForm(DesignsystemetFormMixin, forms.Form):
    """A session as the mentor types it, on a phone in a minute. The service checks the rules."""

    held_on = forms.DateField(label=_("Date"), widget=DateInput)
    duration_minutes = forms.IntegerField(
        label=_("Duration in minutes"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": 1440, "step": 5}),
    )
    # Not «form»: a field of that name hides the <form> element's own .form in the DOM (htmx reads it).
    mode = forms.ChoiceField(
        label=_("Form"),
        choices=MentorSession.Mode.choices,
        initial=MentorSession.Mode.MEETING,
        widget=forms.RadioSelect,
    )
    topics = forms.MultipleChoiceField(
        label=_("What did you talk about?"),
        choices=MentorSession.Topic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What happened, in a few sentences. Write about the participant, not about others."),
    )
    progress = forms.ChoiceField(
        label=_("Progress"),
        choices=MentorSession.Progress.choices,
        initial=MentorSession.Progress.UNCHANGED,
        widget=forms.RadioSelect,
    )
    next_step = forms.CharField(label=_("Agreed next step"), required=False, max_length=500)
    next_meeting_on = forms.DateField(label=_("Next meeting"), required=False, widget=DateInput)
    concern_level = forms.ChoiceField(
        label=_("Concern"),
        choices=[(NO_CONCERN, _("No concern")), *ConcernSignal.Level.choices],
        required=False,
        initial=NO_CONCERN,
        widget=forms.RadioSelect,
        help_text=_("A concern goes to the case's coordinator at once."),
    )
    concern_description = forms.CharField(
        label=_("What worries you?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, with_concern: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_concern:
            del self.fields["concern_level"]
            del self.fields["concern_description"]
        else:
            self.reveal("concern_description", when="concern_level", values=ConcernSignal.Level.values)

    def other_fields(self):
        """Visible fields the session form's layout does not place (includes/session_fields.html places these)."""
        return [field for field in self.visible_fields() if field.name not in SessionForm.base_fields]

    def topic_groups(self):
        """The topic checkboxes in their folds: ``[(label, [bound choice, ...], any chosen)]``."""
        by_value = {choice.data["value"]: choice for choice in self["topics"]}
        chosen = set(self["topics"].value() or [])
        return [(label, [by_value[code] for code in codes], bool(chosen & set(codes))) for label, codes in TOPIC_GROUPS]

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("submission_key", None)
        return data


class SessionCreateForm(SessionForm):
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    @classmethod
    def initial_for(cls, draft_data: dict | None) -> dict:
        """A fresh form: today, an hour, a meeting; or the mentor's unsaved draft."""
        initial = {"held_on": timezone.localdate(), "duration_minutes": 60, "submission_key": uuid.uuid4()}
        if draft_data:
            initial.update({k: v for k, v in draft_data.items() if v not in ("", [], None)})
        return initial


class AddendumForm(DesignsystemetFormMixin, forms.Form):
    text = forms.CharField(label=_("Addendum"), widget=forms.Textarea(attrs={"rows": 3}))


class VoidForm(DesignsystemetFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why is the session voided?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: logged on the wrong participant. The session stays, marked as voided."),
    )


class AcknowledgeForm(DesignsystemetFormMixin, forms.Form):
    note = forms.CharField(
        label=_("What have you done or will you do?"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

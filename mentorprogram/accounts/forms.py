from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_otp import match_token, user_has_device

from mentorprogram.forms import DesignsystemetFormMixin


class LoginForm(DesignsystemetFormMixin, forms.Form):
    """Username, password and one-time code in one step.

    One message for every wrong part, so the form never tells which of the
    three was wrong (and thus never confirms a password to someone guessing).
    A user who has not enrolled a second factor yet leaves the code empty and
    is sent on to enrolment, where nothing but enrolment is reachable.
    """

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    otp_token = forms.CharField(
        label=_("One-time code"),
        required=False,
        max_length=16,
        help_text=_(
            "The six digits from your authenticator app, or one of your backup codes. Leave empty only the first time you log in."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autocapitalize": "none"}
        ),
    )

    error_messages = {
        "invalid_login": _("The username, password or one-time code is wrong. Check them and try again."),
        "inactive": _("This account is deactivated."),
    }

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user_cache = None
        self.device = None
        super().__init__(*args, **kwargs)

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        token = (self.cleaned_data.get("otp_token") or "").replace(" ", "")
        if not username or not password:
            return self.cleaned_data
        user = authenticate(self.request, username=username, password=password)
        if user is None:
            raise ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        if user_has_device(user):
            device = match_token(user, token) if token else None
            if device is None:
                # Counts towards the lockout exactly like a wrong password.
                user_login_failed.send(sender=__name__, credentials={"username": username}, request=self.request)
                raise ValidationError(self.error_messages["invalid_login"], code="invalid_login")
            self.device = device
        if not user.is_active:
            raise ValidationError(self.error_messages["inactive"], code="inactive")
        self.user_cache = user
        return self.cleaned_data

    def get_user(self):
        return self.user_cache


class TokenForm(DesignsystemetFormMixin, forms.Form):
    token = forms.CharField(
        label=_("Code from the app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autocapitalize": "none"}
        ),
    )

    def clean_token(self):
        return self.cleaned_data["token"].replace(" ", "")


class StyledPasswordChangeForm(DesignsystemetFormMixin, PasswordChangeForm):
    pass


class StyledPasswordResetForm(DesignsystemetFormMixin, PasswordResetForm):
    pass


class StyledSetPasswordForm(DesignsystemetFormMixin, SetPasswordForm):
    pass


class RoleDecisionForm(DesignsystemetFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve: give the role now")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you refuse."),
    )


class ApiTokenForm(DesignsystemetFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What uses the token, for example «Arkivet (Noark 5)».")
    )
    scope = forms.ChoiceField(
        label=_("What the token may do"),
        choices=[("read", _("Read")), ("write", _("Read and write"))],
        initial="read",
        widget=forms.RadioSelect,
    )
    days = forms.IntegerField(label=_("Days until it expires"), min_value=1, max_value=365, initial=90)

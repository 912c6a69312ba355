from django.contrib.auth.forms import AuthenticationForm
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _


class FormRenderer(TemplatesSetting):
    """Renders every form with Designsystemet markup (templates/forms/)."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class DesignsystemetFormMixin:
    """Gives every widget the Designsystemet class it needs to look right."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # Text fields, selects, checkboxes and radios all use .ds-input.
            field.widget.attrs.setdefault("class", "ds-input")


class LoginForm(DesignsystemetFormMixin, AuthenticationForm):
    # One message for a wrong username and a wrong password alike, so the
    # form never tells a stranger which usernames exist.
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The username or password is wrong. Check both and try again."),
    }

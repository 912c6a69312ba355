from django.forms.renderers import TemplatesSetting


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

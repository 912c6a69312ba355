"""``ChoiceLabels``: every project model with choices has it, and it answers what Django's display does."""

from django.apps import apps
from django.db import models
from django.utils import translation

from mentorprogram.choices import ChoiceLabels

PROJECT_APPS = {
    "mentorprogram",
    "audit",
    "notifications",
    "cases",
    "mentors",
    "mentorsessions",
    "disclosures",
    "individualplans",
    "steeringgroup",
    "privacy",
}


def _fields_with_choices():
    for model in apps.get_models():
        if model._meta.app_label in PROJECT_APPS:
            for field in model._meta.concrete_fields:
                if field.choices:
                    yield model, field


def test_every_project_model_with_choices_has_the_quick_display():
    missing = sorted(
        {model._meta.label for model, _field in _fields_with_choices() if not issubclass(model, ChoiceLabels)}
    )
    assert missing == []


def test_the_display_is_djangos_for_every_choice_and_an_unknown_value_in_both_languages():
    checked = 0
    for model, field in _fields_with_choices():
        display = getattr(model, f"get_{field.name}_display")
        for value in [value for value, _label in field.flatchoices] + ["no-such-value", None]:
            instance = model()
            setattr(instance, field.attname, value)
            for language in ("nb", "en"):
                with translation.override(language):
                    assert display(instance) == models.Model._get_FIELD_display(instance, field), (field, value)
                    checked += 1
    assert checked > 200

import datetime
import html

from django import forms
from django.core.exceptions import ValidationError
from django.db.models.fields import BLANK_CHOICE_DASH
from django.forms.renderers import TemplatesSetting
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import gettext as _


class FormRenderer(TemplatesSetting):
    """Renders every form with Designsystemet markup (templates/forms/)."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class RowsSelect(forms.Select):
    """A model choice's select written in one pass from plain rows: ``label_rows(queryset)`` gives (pk, label) in
    the queryset's order. Django's select makes a model instance per option and renders each option through its own
    template; for a choice among every user or every mentor of a national deployment that was most of the page's
    time (``make bench``). The field still checks the chosen value against its queryset."""

    template_name = "includes/rows_select.html"

    def __init__(self, label_rows, attrs=None):
        super().__init__(attrs)
        self.label_rows = label_rows

    def get_context(self, name, value, attrs):
        context = forms.Widget.get_context(self, name, value, attrs)  # not ChoiceWidget's: no dict per option
        chosen = set(context["widget"]["value"])
        field = self.choices.field  # a ModelChoiceField's choices (ModelChoiceIterator)
        empty = [("", field.empty_label)] if field.empty_label is not None else []
        context["widget"]["options_html"] = options_html([*empty, *self.label_rows(field.queryset)], chosen=chosen)
        return context


def html_join(template: str, rows) -> SafeString:
    """What ``format_html_join("", template, rows)`` gives, for lists of thousands of rows: each value escaped by the
    standard library's ``html.escape`` (the same five characters Django's ``escape`` replaces), not through Django's
    lazy-string wrapper per value, which was most of the matching page's time (``make bench``). Values already
    marked safe are kept as they are, as ``conditional_escape`` keeps them."""
    escaped = (template.format(*(v if isinstance(v, SafeData) else html.escape(str(v)) for v in row)) for row in rows)
    return mark_safe("".join(escaped))  # noqa: S308 (every value escaped above)


def options_html(rows, *, chosen=()) -> SafeString:
    """``<option>``s for (value, label) rows, escaped, in one pass (thousands of rows in milliseconds)."""
    # « selected» has nothing to escape.
    return html_join(
        '<option value="{}"{}>{}</option>', ((v, " selected" if str(v) in chosen else "", label) for v, label in rows)
    )


# Dates anyone enters lie within these: a date of birth in year 1, or a meeting in
# year 9999, is a typing error, and arithmetic on it (± a window) would overflow.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)


def date_within_bounds(value) -> None:
    """Validator: the date lies between EARLIEST_DATE and LATEST_DATE."""
    if value is not None and not (EARLIEST_DATE <= value <= LATEST_DATE):
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s.")
            % {"first": EARLIEST_DATE.strftime("%d.%m.%Y"), "last": LATEST_DATE.strftime("%d.%m.%Y")},
            code="date_out_of_bounds",
        )


class DesignsystemetFormMixin:
    """Gives every widget the Designsystemet class it needs to look right, and every date sane bounds."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # Text fields, selects, checkboxes and radios all use .ds-input.
            field.widget.attrs.setdefault("class", "ds-input")
            # «---------» says nothing: the empty choice reads «Velg» (choose).
            if isinstance(field, forms.ModelChoiceField) and field.empty_label == BLANK_CHOICE_DASH[0][1]:
                field.empty_label = _("Choose")
            elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
                choices = list(field.choices)
                if choices and choices[0] == BLANK_CHOICE_DASH[0]:
                    field.choices = [("", _("Choose")), *choices[1:]]
            if isinstance(field, forms.DateField) and date_within_bounds not in field.validators:
                field.validators.append(date_within_bounds)

    def reveal(self, name: str, *, when: str, values) -> None:
        """Show the field ``name`` only while the field ``when`` has one of ``values`` (static/js/reveal.js; with no
        script it always shows). The form still ignores or refuses it on the server: this only spares the eye."""
        self.fields[name].shown_when = {"name": self.add_prefix(when), "values": " ".join(str(v) for v in values)}


def apply_validation_error(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: at its field when it names one, else above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def query_without(request, *names: str, params=None) -> str:
    """The list page's filters as a query string, without ``page`` (the pager adds it) and ``names``.

    ``params`` gives the fields to use instead of the request's query string (a search sent by POST).
    """
    from urllib.parse import urlencode

    left_out = {"page", "csrfmiddlewaretoken", *names}
    params = request.GET if params is None else params
    return urlencode([(key, value) for key, value in params.items() if key not in left_out and value])


# The largest id PostgreSQL's bigint holds; a larger number is no id.
MAX_ID = 2**63 - 1
# No list has this many pages; a larger page number would overflow the offset.
MAX_PAGE = 100_000


def strict_int(value, *, maximum: int = MAX_ID) -> int | None:
    """``value`` as a whole number when it is one in ASCII digits within 0..maximum, else None.

    ``str.isdigit()`` accepts «²» and other Unicode digits that ``int()``
    refuses, and an id past bigint overflows in the database: both would
    answer 500. Every id or number read from a request goes through here.
    """
    text = str(value).strip() if value is not None else ""
    if not text or len(text) > 19 or not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if number <= maximum else None


def page_number(request) -> int:
    """The ``?page=`` of a list page: 1 when missing or not a positive number; at most MAX_PAGE."""
    value = request.GET.get("page", "1")
    if strict_int(value) is not None and strict_int(value, maximum=MAX_PAGE) is None:
        return MAX_PAGE
    return max(strict_int(value, maximum=MAX_PAGE) or 1, 1)


class PeriodFormMixin:
    """A form with a «from» and a «to» date (``period_fields``): the end may not come before the start."""

    period_fields = ("start", "end")

    def clean(self):
        cleaned = super().clean()
        start_name, end_name = self.period_fields
        start, end = cleaned.get(start_name), cleaned.get(end_name)
        if start and end and end < start:
            self.add_error(end_name, _("The end cannot come before the start."))
        return cleaned

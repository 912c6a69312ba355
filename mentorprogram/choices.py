"""``get_FOO_display()`` for the project's models, without rebuilding the choices at every call.

Django's ``Model._get_FIELD_display`` makes a dict of the field's choices at each call, hashing every label on the
way, and a label is a lazy translation: each hash is a translation lookup. A list page that shows a status, a kind
and a source on each of 50 rows made some hundred such dicts (``make bench``: about a quarter of the referral
queue's CPU). ``ChoiceLabels`` keeps each field's dict, made once per process; the labels in it stay lazy, so each
call still answers in the request's language.
"""

from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

# Field → {value: label}, as Django's dict of the field's flattened choices. Fields live as long as the process.
_LABELS: dict = {}


class ChoiceLabels:
    """Mixin for a model (before ``models.Model`` in its bases): its ``get_FOO_display()`` answers what Django's
    does, from a dict of the field's choices made once (Django's ``contribute_to_class`` binds the display methods
    to the ``_get_FIELD_display`` it finds on the class)."""

    def _get_FIELD_display(self, field):
        labels = _LABELS.get(field)
        if labels is None:
            labels = _LABELS[field] = dict(make_hashable(field.flatchoices))
        value = getattr(self, field.attname)
        # force_str() to coerce lazy strings, as Django's does.
        return force_str(labels.get(make_hashable(value), value), strings_only=True)

"""Words for the matching page: each factor's name and why it scored as it did, and why a mentor is left out."""

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from mentors.matching import Why
from mentors.models import MatchingWeights


def factor_label(name: str) -> str:
    return capfirst(str(MatchingWeights._meta.get_field(name).verbose_name))


def factor_why(name: str, why: Why) -> str:
    """The words for why a factor scored as it did (``mentors.matching.Why``)."""
    text = _WHY.get(why.code)
    return text(why) if text else why.code


_WHY = {
    "no_wish": lambda why: _("no wish given"),
    "not_wanted": lambda why: _("not wanted by the participant"),
    "speaks": lambda why: _("speaks the language"),
    "does_not_speak": lambda why: _("does not speak the language"),
    "shared": lambda why: (
        _("shared: %(list)s") % {"list": ", ".join(why.shared)} if why.shared else _("nothing in common")
    ),
    "matches": lambda why: _("matches the wish"),
    "differs": lambda why: _("does not match"),
    "age": lambda why: _("%(age)s years old") % {"age": why.years},
    "gap": lambda why: _("%(gap)s years apart") % {"gap": why.years},
    "same": lambda why: _("same district"),
    "other": lambda why: _("another district"),
    "experience": lambda why: "{}, {}".format(
        _("has worked on this track") if why.track else _("not this track"),
        _("knows this milieu") if why.ideology else _("not this milieu"),
    ),
    "load": lambda why: _("%(load)s participants now") % {"load": f"{why.load}/{why.capacity}"},
}


EXCLUSION_TEXTS = {
    "inactive": lambda: _("not active"),
    "police_certificate_missing": lambda: _("no police certificate"),
    "police_certificate_expired": lambda: _("the police certificate has expired"),
    "no_confidentiality_declaration": lambda: _("no signed confidentiality declaration"),
    "no_capacity": lambda: _("no capacity left"),
    "personal_tie": lambda: _("knows the participant personally"),
}


def exclusion_text(reasons) -> str:
    return ", ".join(EXCLUSION_TEXTS[r]() for r in reasons)

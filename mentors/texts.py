"""Words for the matching page: each factor's name and why it scored as it did."""

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from mentors.models import MatchingWeights


def factor_label(name: str) -> str:
    return capfirst(str(MatchingWeights._meta.get_field(name).verbose_name))


def factor_why(name: str, why: str) -> str:
    if why == "no_wish":
        return _("no wish given")
    if why == "not_wanted":
        return _("not wanted by the participant")
    if name == "language":
        return _("speaks the language") if why == "speaks" else _("does not speak the language")
    if name == "interests":
        shared = why.removeprefix("shared:")
        return _("shared: %(list)s") % {"list": shared.replace(",", ", ")} if shared else _("nothing in common")
    if name in ("gender", "background"):
        return _("matches the wish") if why == "matches" else _("does not match")
    if name == "age_over_25":
        return _("%(age)s years old") % {"age": why.removeprefix("age:")}
    if name == "age_closeness":
        return _("%(gap)s years apart") % {"gap": why.removeprefix("gap:")}
    if name == "district":
        return _("same district") if why == "same" else _("another district")
    if name == "experience":
        parts = dict(part.split(":") for part in why.split(","))
        track = _("has worked on this track") if parts.get("track") == "True" else _("not this track")
        ideology = _("knows this milieu") if parts.get("ideology") == "True" else _("not this milieu")
        return f"{track}, {ideology}"
    if name == "workload":
        return _("%(load)s participants now") % {"load": why.removeprefix("load:")}
    return why

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.models import AccessEvent
from audit.services import access_event_record
from cases.models import Case, CaseWishes
from mentorprogram.access import requires_permission
from mentors import selectors, services
from mentors.forms import AssignForm, CaseWishesForm, TieForm, WeightsForm
from mentors.models import Mentor, Qualification
from mentors.texts import factor_label, factor_why


@requires_permission("mentors.view_mentor_pool")
@require_GET
def pool(request):
    only = request.GET.get("only", "")
    rows = selectors.mentor_pool(user=request.user, only=only)
    access_event_record(request=request, kind=AccessEvent.Kind.LIST, model=Mentor, objects=[r.mentor for r in rows])
    filters = [
        ("", _("All")),
        ("capacity", _("Has capacity")),
        ("expiring", _("Qualification expiring or expired")),
        ("supervision", _("No supervision lately")),
    ]
    return render(
        request,
        "mentors/pool.html",
        {
            "rows": rows,
            "only": only,
            "filters": filters,
            "kinds": Qualification.Kind.choices,
            "weeks": settings.MENTOR_SUPERVISION_WEEKS,
        },
    )


@requires_permission("mentors.add_matchingweights")
@require_http_methods(["GET", "POST"])
def weights(request):
    current = selectors.matching_weights_current()
    form = WeightsForm(request.POST or None, initial=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.matching_weights_set(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("The weights are saved and apply from the next matching."))
            return redirect("mentors:weights")
    return render(request, "mentors/weights.html", {"form": form}, status=400 if form.errors else 200)


def _matchable_case(request, pk):
    """The case, for someone who may match it; 404 for everyone else (ids reveal nothing)."""
    case = Case.objects.select_related("participant").filter(pk=pk).first()
    if case is None or not services.may_match(request.user, case):
        raise Http404
    return case


def _matching_page(request, case, *, wishes_form=None, assign_error=None, tie_form=None, status=200):
    ranking = selectors.matching_for_case(case=case)
    top = settings.MATCHING_TOP_SUGGESTIONS
    shown_ids = [s.mentor_id for s in ranking.suggestions] + [e.mentor_id for e in ranking.excluded]
    mentors = selectors.mentors_by_id(shown_ids)
    access_event_record(request=request, kind=AccessEvent.Kind.VIEW, obj=case)
    suggestions = [
        {
            "mentor": mentors[s.mentor_id],
            "position": i,
            "score": s.score,
            "max_score": s.max_score,
            "factors": [(factor_label(f.name), f.points, f.weight, factor_why(f.name, f.why)) for f in s.factors]
            if i <= top
            else [],
        }
        for i, s in enumerate(ranking.suggestions, start=1)
    ]
    excluded = [
        {"mentor": mentors[e.mentor_id], "reasons": services.exclusion_text(e.reasons)} for e in ranking.excluded
    ]
    wishes = CaseWishes.objects.filter(case=case).first()
    context = {
        "case": case,
        "top": suggestions[:top],
        "rest": suggestions[top:],
        "excluded": excluded,
        "wishes_form": wishes_form or CaseWishesForm(instance=wishes, prefix="wishes"),
        "tie_form": tie_form or TieForm(prefix="tie"),
        "assign_error": assign_error,
    }
    return render(request, "mentors/matching.html", context, status=status)


@requires_permission("cases.list_assigned_cases")
@require_GET
def matching(request, pk):
    return _matching_page(request, _matchable_case(request, pk))


@requires_permission("cases.list_assigned_cases")
@require_POST
def wishes(request, pk):
    case = _matchable_case(request, pk)
    form = CaseWishesForm(request.POST, instance=CaseWishes.objects.filter(case=case).first(), prefix="wishes")
    if form.is_valid():
        services.case_wishes_save(actor=request.user, case=case, **form.cleaned_data)
        messages.success(request, _("The wishes are saved; the suggestions follow them."))
        return redirect("mentors:matching", pk=case.pk)
    return _matching_page(request, case, wishes_form=form, status=400)


@requires_permission("cases.list_assigned_cases")
@require_POST
def assign(request, pk):
    case = _matchable_case(request, pk)
    form = AssignForm(request.POST)
    if not form.is_valid():
        return _matching_page(request, case, assign_error=_("Choose a mentor."), status=400)
    try:
        services.mentor_assign(
            actor=request.user,
            case=case,
            mentor=form.cleaned_data["mentor"],
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except ValidationError as exc:
        return _matching_page(request, case, assign_error=" ".join(exc.messages), status=400)
    messages.success(
        request, _("%(name)s is assigned as mentor and has been told.") % {"name": form.cleaned_data["mentor"]}
    )
    return (
        redirect("cases:detail", pk=case.pk)
        if request.user.has_perm("cases.view_case", case)
        else redirect("mentors:matching", pk=case.pk)
    )


@requires_permission("cases.list_assigned_cases")
@require_POST
def tie(request, pk):
    case = _matchable_case(request, pk)
    form = TieForm(request.POST, prefix="tie")
    if not form.is_valid():
        return _matching_page(request, case, tie_form=form, status=400)
    services.personal_tie_record(actor=request.user, mentor=form.cleaned_data["mentor"], participant=case.participant)
    messages.success(
        request,
        _("Recorded: %(name)s knows the participant and will not be suggested.")
        % {"name": form.cleaned_data["mentor"]},
    )
    return redirect("mentors:matching", pk=case.pk)

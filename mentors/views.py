from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.models import Case, CaseWishes
from cases.selectors import case_get_for_user
from mentorprogram.access import requires_permission, requires_role
from mentorprogram.forms import apply_validation_error, html_join, options_html, page_number
from mentorprogram.roles import MENTOR as MENTOR_ROLE
from mentors import selectors, services
from mentors.forms import (
    AssignForm,
    AttendanceForm,
    CaseWishesForm,
    MentorProfileForm,
    QualificationForm,
    SelfDeclaredForm,
    TieForm,
    WeightsForm,
)
from mentors.matching import EXPIRED, EXPIRING, VALID
from mentors.models import Mentor, Qualification
from notifications.models import Notification
from notifications.texts import notification_text


@requires_permission("mentors.view_mentor_pool")
@require_GET
def pool(request):
    only = request.GET.get("only", "")
    page = page_number(request)
    rows, has_next = selectors.mentor_pool(user=request.user, only=only, page=page)
    # Each state's tag, translated once for the page rather than in each of its 200 cells.
    tags = {VALID: (_("valid"), "success"), EXPIRING: (_("expiring"), "warning"), EXPIRED: (_("expired"), "danger")}
    for row in rows:
        row.qualification_tags = [tags.get(state, (_("missing"), "")) for state in row.qualifications.values()]
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
            "page": page,
            "has_next": has_next,
            "query": urlencode({"only": only}) if only else "",
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
    return selectors.case_get_for_matching(user=request.user, pk=pk)


def _matching_page(request, case, *, wishes_form=None, assign_error=None, tie_form=None, status=200):
    names = selectors.mentor_names()  # for the ranking and the personal-tie choice alike
    suggestions, excluded = selectors.matching_explained(case=case, names=names)
    top = settings.MATCHING_TOP_SUGGESTIONS
    wishes = selectors.case_wishes(case)  # the ranking read them
    decimal = get_format("DECIMAL_SEPARATOR")  # the score as floatformat:1 writes it above, once per page

    def points(score) -> str:
        return str(Decimal(repr(score)).quantize(Decimal("0.1"), ROUND_HALF_UP)).replace(".", decimal)

    context = {
        "case": case,
        "top": suggestions[:top],
        "rest": suggestions[top:],
        # The whole pool is named below the suggestions: written in one pass, not a template loop per mentor.
        "rest_options": options_html(
            (s["mentor"].pk, f"{s['position']}. {s['mentor']} ({points(s['score'])})") for s in suggestions[top:]
        ),
        "excluded": excluded,
        "excluded_items": html_join("<li>{}: {}</li>", ((e["mentor"], e["reasons"]) for e in excluded)),
        "wishes_form": wishes_form or CaseWishesForm(instance=wishes, prefix="wishes"),
        "tie_form": tie_form or TieForm(prefix="tie", names=names),
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
    """Two steps: the first POST shows what will happen (who is assigned, what they are told, where the case goes);
    the second, confirmed, assigns."""
    case = _matchable_case(request, pk)
    form = AssignForm(request.POST)
    if not form.is_valid():
        return _matching_page(request, case, assign_error=_("Choose a mentor."), status=400)
    mentor, reason = form.cleaned_data["mentor"], form.cleaned_data["reason"]
    try:
        if not form.cleaned_data["confirm"]:
            check = services.mentor_assign_check(case=case, mentor=mentor, reason=reason)
            context = {
                "case": case,
                "mentor": mentor,
                "reason": reason,
                "check": check,
                "notice": notification_text(
                    Notification(kind=Notification.Kind.ASSIGNED_TO_CASE, params={"case": case.pk, "as": "mentor"})
                ),
                "status_after": Case.Status(case.status_once_mentored()).label,
            }
            return render(request, "mentors/assign_confirm.html", context)
        services.mentor_assign(actor=request.user, case=case, mentor=mentor, reason=reason, request=request)
    except ValidationError as exc:
        return _matching_page(request, case, assign_error=" ".join(exc.messages), status=400)
    messages.success(request, _("%(name)s is assigned as mentor and has been told.") % {"name": mentor})
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


# --- The register ---------------------------------------------------------------------------


def _pool_mentor(request, pk) -> Mentor:
    return selectors.mentor_get_for_pool(user=request.user, pk=pk)


def _mentor_page(request, mentor, *, qualification_form=None, attendance_form=None, status=200):
    context = {
        "mentor": mentor,
        "states": selectors.mentor_qualification_states(mentor=mentor),
        "qualifications": mentor.qualifications.all(),
        "attendances": mentor.attendances.all()[:20],
        "qualification_form": qualification_form or QualificationForm(prefix="qualification"),
        "attendance_form": attendance_form or AttendanceForm(prefix="attendance"),
    }
    return render(request, "mentors/mentor_detail.html", context, status=status)


@requires_permission("mentors.view_mentor_pool")
@require_http_methods(["GET", "POST"])
def mentor_create(request):
    form = MentorProfileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        mentor = services.mentor_profile_save(actor=request.user, **form.cleaned_data)
        messages.success(request, _("%(name)s is in the mentor register.") % {"name": mentor})
        return redirect("mentors:detail", pk=mentor.pk)
    return render(request, "mentors/mentor_form.html", {"form": form}, status=400 if form.errors else 200)


@requires_permission("mentors.view_mentor_pool")
@require_http_methods(["GET", "POST"])
def mentor_edit(request, pk):
    mentor = _pool_mentor(request, pk)
    form = MentorProfileForm(request.POST or None, instance=mentor)
    if request.method == "POST" and form.is_valid():
        services.mentor_profile_save(actor=request.user, mentor=mentor, **form.cleaned_data)
        messages.success(request, _("The profile is saved."))
        return redirect("mentors:detail", pk=mentor.pk)
    return render(
        request, "mentors/mentor_form.html", {"form": form, "mentor": mentor}, status=400 if form.errors else 200
    )


@requires_permission("mentors.view_mentor_pool")
@require_GET
def mentor_detail(request, pk):
    return _mentor_page(request, _pool_mentor(request, pk))


@requires_permission("mentors.add_qualification")
@require_POST
def qualification_add(request, pk):
    mentor = _pool_mentor(request, pk)
    form = QualificationForm(request.POST, prefix="qualification")
    if form.is_valid():
        try:
            services.qualification_record(actor=request.user, mentor=mentor, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The qualification is recorded."))
            return redirect("mentors:detail", pk=mentor.pk)
    return _mentor_page(request, mentor, qualification_form=form, status=400)


@requires_permission("mentors.view_mentor_pool")
@require_POST
def attendance_add(request, pk):
    mentor = _pool_mentor(request, pk)
    form = AttendanceForm(request.POST, prefix="attendance")
    if form.is_valid():
        try:
            services.attendance_record(actor=request.user, mentor=mentor, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The attendance is recorded."))
            return redirect("mentors:detail", pk=mentor.pk)
    return _mentor_page(request, mentor, attendance_form=form, status=400)


@requires_role(MENTOR_ROLE)
@require_http_methods(["GET", "POST"])
def me(request):
    """The mentor's own profile: what they declare themselves, and their qualifications."""
    mentor = Mentor.objects.filter(user=request.user).first()
    if mentor is None:
        return render(request, "mentors/me.html", {"mentor": None})
    form = SelfDeclaredForm(request.POST or None, instance=mentor)
    if request.method == "POST" and form.is_valid():
        services.mentor_self_declare(actor=request.user, mentor=mentor, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("mentors:me")
    context = {
        "mentor": mentor,
        "form": form,
        "states": selectors.mentor_qualification_states(mentor=mentor),
    }
    return render(request, "mentors/me.html", context, status=400 if form.errors else 200)


@requires_role(MENTOR_ROLE)
@require_POST
def declare_tie(request, pk):
    """An assigned mentor says they know the participant; the coordinator is told."""
    case = case_get_for_user(user=request.user, pk=pk)
    mentor = Mentor.objects.filter(user=request.user).first()
    if mentor is None:
        raise Http404
    services.personal_tie_record(actor=request.user, mentor=mentor, participant=case.participant)
    messages.success(request, _("Recorded. The coordinator decides whether you go on with this case."))
    return redirect("cases:detail", pk=case.pk)

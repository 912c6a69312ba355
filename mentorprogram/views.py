from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.defaults import bad_request, page_not_found

from mentorprogram.access import api_error, public, requires_role
from mentorprogram.api_docs import api_operations
from mentorprogram.health import health_report
from mentorprogram.roles import roles_for, start_page_for
from mentorprogram.startpage import start_panels_for


@requires_role()
@require_GET
def home(request):
    """Each role's start page: what the user may use, nothing else.

    A user with one role that has a page of its own (the mentor's home) goes straight there.
    """
    start_page = start_page_for(request.user)
    if start_page != "home":
        return redirect(start_page)
    context = {"roles": roles_for(request.user), "panels": start_panels_for(request.user)}
    return render(request, "home.html", context)


@public
@never_cache
@require_GET
def health(request):
    """Whether the database, Redis and a worker answer. No login, no data."""
    healthy, report = health_report()
    return JsonResponse({"status": "ok" if healthy else "error", **report}, status=200 if healthy else 503)


@public
def csrf_failure(request, reason=""):
    # The reason is for developers; the user gets a plain explanation only.
    return render(request, "403_csrf.html", status=403)


def api_aware_not_found(request, exception=None):
    """404: the API answers in its JSON shape (an address nobody has, like an object nobody may see); the pages
    answer with the 404 page."""
    if request.path.startswith("/api/"):
        return api_error(_("Not found."), status=404)
    return page_not_found(request, exception)


def api_aware_bad_request(request, exception=None):
    """400 for a request Django refuses before any view (a body past DATA_UPLOAD_MAX_MEMORY_SIZE, too many
    fields): the API answers in its JSON shape, the pages as Django does."""
    if request.path.startswith("/api/"):
        return api_error(_("The request is too large or malformed."), status=400)
    return bad_request(request, exception)


@requires_role()
@require_GET
def api_docs(request):
    """The API's documentation, for anyone signed in (the schema holds no personal data)."""
    return render(request, "api_docs.html", {"groups": api_operations()})

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from mentorprogram.health import health_report


@require_GET
def home(request):
    return render(request, "home.html")


@login_not_required
@never_cache
@require_GET
def health(request):
    """Whether the database, Redis and a worker answer. No login, no data."""
    healthy, checks = health_report()
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503)


@login_not_required
def csrf_failure(request, reason=""):
    # The reason is for developers; the user gets a plain explanation only.
    return render(request, "403_csrf.html", status=403)

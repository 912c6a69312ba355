import time

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class NorwegianFirstLocaleMiddleware(LocaleMiddleware):
    """Bokmål unless the user picked English with the language switch.

    The browser's Accept-Language is ignored on purpose: this is a Norwegian
    public service, and shared office PCs often run English browsers.
    """

    def process_request(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if request.path.startswith("/api/"):
            # The API, for other systems, answers in the language asked for (bokmål unless English is asked first).
            code = api_language(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()


def api_language(header: str) -> str:
    """«en» when English comes before any Norwegian in an Accept-Language header, else «nb»."""
    for part in header.split(","):
        tag = part.split(";")[0].strip().lower()
        primary = tag.split("-")[0]
        if primary in ("nb", "no", "nn"):
            return "nb"
        if primary == "en":
            return "en"
    return "nb"


# When the session last pushed its expiry on (seconds since the epoch), in the session's own data.
SESSION_REFRESHED_KEY = "mentorprogram_refreshed_at"


class SessionIdleMiddleware:
    """A session ends after SESSION_COOKIE_AGE idle seconds: a request pushes its expiry on, but writes it at most
    once every SESSION_REFRESH_SECONDS (a write for every request was three of each page's queries). The idle
    limit is therefore between SESSION_COOKIE_AGE - SESSION_REFRESH_SECONDS and SESSION_COOKIE_AGE. Sits just
    inside SessionMiddleware, which saves a session that was changed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return response  # no session: none is started here
        refreshed = session.get(SESSION_REFRESHED_KEY, 0)  # loads it: a cookie may name no live session
        now = int(time.time())
        if not session.is_empty() and not now - settings.SESSION_REFRESH_SECONDS < refreshed <= now:
            session[SESSION_REFRESHED_KEY] = now
        return response


class QueryCountHeaderMiddleware:
    """For the load benchmark only (``MENTORPROGRAM_BENCH_QUERY_COUNT=1``, never in production): each response
    names the number of database queries it took, in ``X-Query-Count`` (``bench/load.py``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.db import connection

        count = 0

        def counted(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            response = self.get_response(request)
        response["X-Query-Count"] = str(count)
        return response

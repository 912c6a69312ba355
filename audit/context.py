"""The request being answered, for the reads recorded where data is read (``audit.services.records_read``).

A contextvar, set by ``CurrentRequestMiddleware`` for the length of each
request: the selectors that read personal data record the read with the
request's reader, address and path, without every view passing it along.
"""

from contextvars import ContextVar

_current_request: ContextVar = ContextVar("mentorprogram_current_request", default=None)


def current_request():
    """The request being answered in this context, or None (a task, a shell, a test calling a selector)."""
    return _current_request.get()


class CurrentRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def change_correlation() -> str | None:
    """What a ModelChange's correlation id (``cid``) records, as django-auditlog's ``AUDITLOG_CID_GETTER``: the API
    token a change came through («api-token:<id>:mp_<prefix>»), else nothing. Never a value the client sends:
    django-auditlog's default reads an ``X-Correlation-ID`` header, which would let any caller write into the trail."""
    request = current_request()
    token = getattr(request, "api_token", None) if request is not None else None
    return f"api-token:{token.pk}:mp_{token.prefix}" if token is not None else None

"""django-guardian's object permission backend: the user's own rights only, asked once per object in a request
that reads.

The application grants object rights to users, never to groups (``mentorprogram.rights``), and lists what a user
holds so (``cases.selectors.cases_held``): ``UserRightsChecker`` asks every single object the same way, for reads
and writes alike, so a group's object right, which only someone writing to the database could have made, opens
nothing anywhere.

Guardian's backend makes a new checker for every ``has_perm``: a case page asks a dozen questions of its case and
plan, each a query (``make bench``: 16 of the case page's 46). In a request with a safe method (GET, HEAD,
OPTIONS) nothing grants or takes back a right, so ``ReadRequestRightsMiddleware`` gives the request's user one
checker for the request, which keeps each object's rights after the first question. Any other request, and any
code outside a request, gets a new checker for each question, so no right can be stale after a grant.
"""

from guardian.backends import ObjectPermissionBackend, check_support
from guardian.core import ObjectPermissionChecker

# On the user object of one request (loaded for it, gone after it).
READ_CHECKER = "_mentorprogram_read_rights"


def request_only_reads(user) -> bool:
    """Whether ``user`` is the user of a request with a safe method, in which nothing grants or takes back a right
    or an assignment (``ReadRequestRightsMiddleware`` marked it)."""
    return getattr(user, READ_CHECKER, None) is not None


class UserRightsChecker(ObjectPermissionChecker):
    """guardian's checker, asking the user's own rights only: the application grants object rights to users, never
    to groups (``mentorprogram.rights``), and reads them so (``cases.selectors.cases_held``). A group's object
    right, which only someone writing to the database could have made, opens nothing."""

    def get_group_perms(self, obj) -> list[str]:
        return []


class ReadRequestObjectPermissionBackend(ObjectPermissionBackend):
    """guardian's backend with ``UserRightsChecker``: the request's checker when it only reads, else a new one."""

    def has_perm(self, user_obj, perm, obj=None):
        if obj is None or ("." in perm and perm.split(".", 1)[0] != obj._meta.app_label):
            return super().has_perm(user_obj, perm, obj)  # the library's own path (and its checks)
        supported, user = check_support(user_obj, obj)
        if not supported:
            return False
        checker = getattr(user_obj, "__dict__", {}).get(READ_CHECKER) or UserRightsChecker(user)
        return checker.has_perm(perm, obj)


class ReadRequestRightsMiddleware:
    """One object-rights checker for a signed-in user's request with a safe method (see the module's text)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if request.method in ("GET", "HEAD", "OPTIONS") and user is not None and user.is_authenticated:
            setattr(user, READ_CHECKER, UserRightsChecker(user))  # on the user behind a lazy request.user
        return self.get_response(request)

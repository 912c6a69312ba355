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

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef
from guardian.backends import ObjectPermissionBackend, check_support
from guardian.core import ObjectPermissionChecker
from guardian.utils import get_user_obj_perms_model

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

    def remember(self, obj, codenames) -> None:
        """``obj``'s rights of this user as the caller read them along with the object (``read_rights_along``,
        the rows ``get_user_perms`` reads): the first question about it asks no more."""
        if self.user is not None and self.user.is_active and not self.user.is_superuser:
            self._obj_perms_cache.setdefault(self.get_local_cache_key(obj), list(codenames))


# The annotation ``read_rights_along`` adds: the reader's codenames on the row.
READ_RIGHTS = "reader_rights"


def read_rights_along(user, model) -> dict:
    """An annotation for a queryset of ``model`` that reads, with each row, the codenames ``user`` holds on it (their
    own object-permission rows, as ``UserRightsChecker`` reads them); ``read_rights_keep`` then gives them to the
    request's checker. Empty unless ``user``'s request only reads: in one that writes, a grant in it must not be
    answered from before."""
    if user is None or not request_only_reads(user):
        return {}
    related = get_user_obj_perms_model(model).permission.field.related_query_name()
    rights = Permission.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        **{f"{related}__user": user, f"{related}__content_object": OuterRef("pk")},
    )
    return {READ_RIGHTS: ArraySubquery(rights.order_by("codename").values("codename"))}


def read_rights_keep(user, obj) -> None:
    """Give the checker of ``user``'s request ``obj``'s rights, read along with it (``read_rights_along``; nothing
    when they were not, see ``remember``)."""
    checker = getattr(user, READ_CHECKER, None)
    if checker is not None and READ_RIGHTS in obj.__dict__:
        checker.remember(obj, obj.__dict__[READ_RIGHTS])


def rights_checker(user) -> UserRightsChecker:
    """The checker of ``user``'s request when it only reads (it may know an object's rights already), else a new
    one."""
    return getattr(user, READ_CHECKER, None) or UserRightsChecker(user)


class ReadRequestObjectPermissionBackend(ObjectPermissionBackend):
    """guardian's backend with ``UserRightsChecker``: the request's checker when it only reads, else a new one."""

    def has_perm(self, user_obj, perm, obj=None):
        if obj is None or ("." in perm and perm.split(".", 1)[0] != obj._meta.app_label):
            return super().has_perm(user_obj, perm, obj)  # the library's own path (and its checks)
        supported, user = check_support(user_obj, obj)
        if not supported:
            return False
        return rights_checker(user).has_perm(perm, obj)


class ReadRequestRightsMiddleware:
    """One object-rights checker for a signed-in user's request with a safe method (see the module's text)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if request.method in ("GET", "HEAD", "OPTIONS") and user is not None and user.is_authenticated:
            setattr(user, READ_CHECKER, UserRightsChecker(user))  # on the user behind a lazy request.user
        return self.get_response(request)

"""Who may do what: the seven roles, in one place.

Each role is a Django group (its ``slug`` is the group's name). From this
module come the groups' model permissions (synchronised after every
``migrate``), the navigation, each role's start page, and the role × URL
matrix test. Object rights on single cases come from assignments
(``cases.services``), never from a role: no role has a model-wide «view» on
personal data.

Admin and steering group never reach personal data, whatever else they hold:
``may_reach_personal_data`` is false for a user who holds either of them.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from mentorprogram.compiled import CompiledQuery

REFERRER = "referrer"
SLT_COORDINATOR = "slt_coordinator"
COORDINATOR = "coordinator"
MENTOR = "mentor"
STEERING_GROUP = "steering_group"
PRIVACY_OFFICER = "privacy_officer"
ADMIN = "admin"


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str | None = None  # shown only to a user who has it


@dataclass(frozen=True)
class Role:
    slug: str
    name: str
    description: str
    permissions: tuple[str, ...] = ()
    navigation: tuple[NavItem, ...] = ()
    reaches_personal_data: bool = True
    is_staff: bool = False
    start_page: str = "home"
    extra: dict = field(default_factory=dict)


ROLES: tuple[Role, ...] = (
    Role(
        slug=REFERRER,
        name=_("Referrer"),
        description=_("Sends referrals from a partner service and follows their status."),
        permissions=("cases.submit_referral",),
        navigation=(
            NavItem(_("New referral"), "cases:referral_create", "cases.submit_referral"),
            NavItem(_("My referrals"), "cases:referral_mine", "cases.submit_referral"),
        ),
    ),
    Role(
        slug=SLT_COORDINATOR,
        name=_("SLT coordinator"),
        description=_("Triages referrals, matches and assigns mentors, generates steering reports."),
        permissions=(
            "cases.list_assigned_cases",
            "cases.assign_case",
            "cases.submit_referral",
            "cases.triage_referral",
            "mentors.view_mentor_pool",
            "mentors.add_matchingweights",
            "mentors.add_qualification",
            "mentorsessions.follow_sessions",
            "disclosures.add_disclosure",
            "cases.open_emergency_access",
            "individualplans.follow_plans",
            "steeringgroup.generate_steering_reports",
        ),
        navigation=(
            NavItem(_("Referrals"), "cases:triage", "cases.triage_referral"),
            NavItem(_("Cases"), "cases:list", "cases.list_assigned_cases"),
            NavItem(_("Individual plans"), "plans:list", "individualplans.follow_plans"),
            NavItem(_("Sessions and concerns"), "mentorsessions:overview", "mentorsessions.follow_sessions"),
            NavItem(_("Mentors"), "mentors:pool", "mentors.view_mentor_pool"),
            NavItem(_("Steering reports"), "steering:list", "steeringgroup.generate_steering_reports"),
        ),
    ),
    Role(
        slug=COORDINATOR,
        name=_("Coordinator"),
        description=_("Coordinates cases and individual plans they are responsible for."),
        permissions=(
            "cases.list_assigned_cases",
            "cases.submit_referral",
            "mentorsessions.follow_sessions",
            "disclosures.add_disclosure",
            "cases.open_emergency_access",
        ),
        navigation=(
            NavItem(_("My cases"), "cases:list", "cases.list_assigned_cases"),
            NavItem(_("Individual plans"), "plans:list", "cases.list_assigned_cases"),
            NavItem(_("Sessions and concerns"), "mentorsessions:overview", "mentorsessions.follow_sessions"),
            NavItem(_("New referral"), "cases:referral_create", "cases.submit_referral"),
        ),
    ),
    Role(
        slug=MENTOR,
        name=_("Mentor"),
        description=_("Meets participants on cases they are assigned to and logs sessions."),
        permissions=("cases.list_assigned_cases", "mentorsessions.log_sessions", "disclosures.add_disclosure"),
        navigation=(
            NavItem(_("My participants"), "mentorsessions:home", "mentorsessions.log_sessions"),
            NavItem(_("My mentor profile"), "mentors:me"),
        ),
        start_page="mentorsessions:home",
    ),
    Role(
        slug=STEERING_GROUP,
        name=_("Steering group"),
        description=_("Reads anonymous, aggregated steering reports."),
        permissions=("steeringgroup.read_steering_reports",),
        navigation=(NavItem(_("Steering reports"), "steering:list", "steeringgroup.read_steering_reports"),),
        reaches_personal_data=False,
        start_page="steering:list",
    ),
    Role(
        slug=PRIVACY_OFFICER,
        name=_("Privacy officer"),
        description=_("Reads the audit trail and the access log."),
        permissions=(
            "audit.view_accessevent",
            "audit.view_auditevent",
            "audit.view_modelchange",
            "disclosures.view_disclosure",
            "cases.review_emergencyaccess",
            "cases.view_retentionrun",
            "cases.change_retentionrun",
            "cases.add_legalhold",
            "cases.change_legalhold",
            "audit.export_subject_access",
            "mentorprogram.decide_role_grant",
        ),
        navigation=(
            NavItem(_("Audit trail"), "audit:events", "audit.view_auditevent"),
            NavItem(_("Who has read what"), "audit:access", "audit.view_accessevent"),
            NavItem(_("Disclosures"), "disclosures:register", "disclosures.view_disclosure"),
            NavItem(_("Emergency access"), "audit:emergency", "cases.review_emergencyaccess"),
            NavItem(_("Access requests"), "audit:subject_access", "audit.export_subject_access"),
            NavItem(_("Retention"), "audit:retention", "cases.view_retentionrun"),
            NavItem(_("Roles to approve"), "accounts:role_requests", "mentorprogram.decide_role_grant"),
        ),
    ),
    Role(
        slug=ADMIN,
        name=_("Administrator"),
        description=_("Manages users, roles and settings; never case content."),
        permissions=(
            "mentorprogram.view_user",
            "mentorprogram.add_user",
            "mentorprogram.change_user",
            "mentorprogram.reset_second_factor",
            "mentorprogram.decide_role_grant",
            "auth.view_group",
            "notifications.view_outboxitem",
            "notifications.change_outboxitem",
        ),
        navigation=(
            NavItem(_("Administration"), "admin:index"),
            NavItem(_("Roles to approve"), "accounts:role_requests", "mentorprogram.decide_role_grant"),
        ),
        reaches_personal_data=False,
        is_staff=True,
    ),
)

ROLES_BY_SLUG = {role.slug: role for role in ROLES}
NO_PERSONAL_DATA = frozenset(role.slug for role in ROLES if not role.reaches_personal_data)


def role_slugs_for(user) -> list[str]:
    """The user's roles, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return []
    if getattr(user, "_role_slugs", None) is None:
        roles_and_permissions_load(user)
    return user._role_slugs


def _permissions_granted(user):
    """The model permissions ``user`` (an id, or a reference to one) holds, their own and through their groups."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    own = get_user_model().user_permissions.through.objects.filter(user=user).values("permission_id")
    through_groups = Group.permissions.through.objects.filter(group__user=user).values("permission_id")
    return Permission.objects.filter(Q(pk__in=own) | Q(pk__in=through_groups)).order_by()


def _roles_and_permissions(user_id):
    from django.contrib.auth.models import Group
    from django.db.models import CharField, F, Value

    groups = (
        Group.objects.filter(user=user_id)
        .annotate(kind=Value("role", CharField()), first=F("name"), second=Value("", CharField()))
        .values_list("kind", "first", "second")
    )
    permissions = (
        _permissions_granted(user_id)
        .annotate(kind=Value("permission", CharField()), first=F("content_type__app_label"), second=F("codename"))
        .values_list("kind", "first", "second")
    )
    return groups.union(permissions, all=True)


# Compiled once per process: the union's queryset cost more to build than PostgreSQL takes to answer it.
ROLES_AND_PERMISSIONS = CompiledQuery(_roles_and_permissions, user_id=int)


def roles_and_permissions_load(user) -> None:
    """Read the user's roles and model permissions in one query, kept on the user object for the request (see
    ``roles_and_permissions_remember``)."""
    roles, granted = [], []
    for kind, first, second in ROLES_AND_PERMISSIONS.rows(user_id=user.pk):
        if kind == "role":
            roles.append(first)
        else:
            granted.append(f"{first}.{second}")
    roles_and_permissions_remember(user, roles, granted)


def user_with_roles_and_permissions(user_id):
    """The user with this id, with their roles (``read_roles``) and model permissions («app.codename»,
    ``read_permissions``) read along in the same row, for ``roles_and_permissions_remember``: the signed-in
    request's user is read so (``mentorprogram.auth_backends``), one query for what took two."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.contrib.postgres.expressions import ArraySubquery
    from django.db.models import F, OuterRef, Value
    from django.db.models.functions import Concat

    roles = Group.objects.filter(user=OuterRef("pk")).values("name")
    permissions = (
        _permissions_granted(OuterRef(OuterRef("pk")))
        .annotate(label=Concat(F("content_type__app_label"), Value("."), F("codename")))
        .values("label")
    )
    return (
        get_user_model()
        ._default_manager.filter(pk=user_id)
        .annotate(read_roles=ArraySubquery(roles), read_permissions=ArraySubquery(permissions))
    )


def roles_and_permissions_remember(user, roles, permissions) -> None:
    """Keep the user's roles and model permissions («app.codename»), as read, on the user object for the request:
    ``_role_slugs`` for ``role_slugs_for``, and ``_perm_cache`` (Django's name) for ``ModelBackend``, which would
    otherwise ask twice more (the user's own permissions, then their groups'). A superuser's or an inactive
    user's permissions are left to Django's rules."""
    user._role_slugs = sorted(name for name in roles if name in ROLES_BY_SLUG)
    if user.is_active and not user.is_superuser and not hasattr(user, "_perm_cache"):
        user._perm_cache = set(permissions)


def roles_for(user) -> list[Role]:
    return [ROLES_BY_SLUG[slug] for slug in role_slugs_for(user)]


def may_reach_personal_data(user) -> bool:
    """False for a user without a role, and for anyone holding admin or steering group."""
    slugs = set(role_slugs_for(user))
    return bool(slugs) and not (slugs & NO_PERSONAL_DATA)


def active_users_with_role(slug: str):
    """The active users who hold ``slug`` (for notifying a whole role), in a stable order."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(groups__name=slug, is_active=True).order_by("pk")


def start_page_for(user) -> str:
    """The URL name a user lands on: their role's own page when they hold one role that has one."""
    held = roles_for(user)
    return held[0].start_page if len(held) == 1 else "home"


def navigation_for(user) -> list[NavItem]:
    items, seen = [], set()
    for role in roles_for(user):
        for item in role.navigation:
            if item.url_name in seen:
                continue
            if item.permission and not user.has_perm(item.permission):
                continue
            seen.add(item.url_name)
            items.append(item)
    return items


def sync_role_groups(*, using: str = "default") -> None:
    """Create the role groups and give each exactly its model permissions.

    Runs after every ``migrate`` (post_migrate), so a permission added by a
    later migration reaches its role without a hand-written data migration.
    """
    from django.contrib.auth.models import Group, Permission

    for role in ROLES:
        group, _created = Group.objects.using(using).get_or_create(name=role.slug)
        wanted = []
        for label in role.permissions:
            app_label, codename = label.split(".", 1)
            permission = (
                Permission.objects.using(using).filter(content_type__app_label=app_label, codename=codename).first()
            )
            if permission is not None:  # not yet created while migrating from scratch
                wanted.append(permission)
        group.permissions.set(wanted)

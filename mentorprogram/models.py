from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device

from mentorprogram.choices import ChoiceLabels


def user_name(first_name: str, last_name: str, username: str) -> str:
    """A user as the application names one (``User.__str__``): the full name, else the username; for plain rows
    read without a model instance."""
    return f"{first_name} {last_name}".strip() or username


class User(AbstractUser):
    """A person who logs in: referrer, coordinator, mentor, steering group member, ...

    Users are deactivated, never deleted, so the audit trail that names them
    stays whole. Roles are Django groups (see ``mentorprogram.roles``).
    """

    email = models.EmailField(_("email address"), blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [("reset_second_factor", "Can reset a user's second factor")]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="user_email_unique_case_insensitive",
            ),
            # A superuser passes every permission check: there are none, anywhere.
            models.CheckConstraint(condition=models.Q(is_superuser=False), name="user_is_never_superuser"),
        ]

    def __str__(self):
        return user_name(self.first_name, self.last_name, self.username)


class RoleGrantRequest(ChoiceLabels, models.Model):
    """A role that reaches personal data, asked for by one administrator and decided by another person.

    An administrator never gives such a role alone: ticking it in the admin
    site makes a request, and the privacy officer or another administrator
    (never the one who asked, never the user concerned) approves or refuses
    it. The privacy officer is told of every grant.
    """

    class Decision(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="role_requests", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=40)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("asked by"))
    requested_at = models.DateTimeField(_("asked"), auto_now_add=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True, verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("role request")
        verbose_name_plural = _("role requests")
        permissions = [("decide_role_grant", "Can approve or refuse a role that reaches personal data")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role"], condition=models.Q(decided_at__isnull=True), name="one_open_request_per_role"
            ),
            # Two people: the one who asked never decides, nor does the user concerned.
            models.CheckConstraint(
                condition=~models.Q(decided_by=models.F("requested_by")) & ~models.Q(decided_by=models.F("user")),
                name="role_request_decided_by_another",
            ),
            models.CheckConstraint(
                condition=models.Q(decided_at__isnull=True, decided_by__isnull=True, decision="")
                | (models.Q(decided_at__isnull=False, decided_by__isnull=False) & ~models.Q(decision="")),
                name="role_request_decision_recorded",
            ),
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"

    @property
    def role_name(self) -> str:
        from mentorprogram.roles import ROLES_BY_SLUG

        role = ROLES_BY_SLUG.get(self.role)
        return str(role.name) if role else self.role


class ApiToken(ChoiceLabels, models.Model):
    """A personal token for the API (``/api/v1/``), made by its user after a two-factor login.

    The secret is shown once and kept only as a keyed hash (``mentorprogram.accounts.tokens``). A token is named,
    scoped (read, or read and write), expires, and can be revoked; its last use is kept. It carries exactly the
    rights its user holds at the moment of each request, never more.
    """

    class Scope(models.TextChoices):
        READ = "read", _("Read")
        WRITE = "write", _("Read and write")

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100)
    # The token's public part («mp_<prefix>_…»): shown in lists and named in the trail; not a secret.
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(condition=models.Q(expires_at__gt=models.F("created_at")), name="api_token_expires"),
            models.CheckConstraint(condition=models.Q(scope__in=["read", "write"]), name="api_token_scope"),
            models.CheckConstraint(condition=~models.Q(digest=""), name="api_token_has_digest"),
        ]

    def __str__(self):
        return f"{self.name} (mp_{self.prefix})"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now and self.user.is_active


class ProviderIdentity(Device):
    """A person's identity at an OpenID Connect provider (the municipality's Entra ID, Ansattporten), linked by an
    administrator to one account: the provider's issuer and subject, never an e-mail address.

    It is also the django-otp «device» of a sign-in whose token showed multi-factor authentication: a session
    verified by it stays verified only while the link exists (``mentorprogram.accounts.oidc``). It verifies no code.
    """

    # The configured provider's short name (``OIDC_PROVIDERS``), kept to show which one; the issuer is the identity.
    provider = models.CharField(_("identity provider"), max_length=40)
    issuer = models.URLField(_("issuer"), max_length=255)
    subject = models.CharField(_("subject"), max_length=255)
    linked_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("linked by")
    )
    linked_at = models.DateTimeField(_("linked"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["provider", "pk"]
        verbose_name = _("linked sign-in identity")
        verbose_name_plural = _("linked sign-in identities")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="provider_identity_once"),
            models.CheckConstraint(
                condition=~models.Q(issuer="") & ~models.Q(subject=""), name="provider_identity_not_blank"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.subject})"

"""The audit trail: field changes, events and reads of personal data.

All three tables are append-only in PostgreSQL (see the migration that adds
the triggers): UPDATE, DELETE and TRUNCATE are refused. Foreign keys into them
never cascade or null; users are deactivated, never deleted. Rows copy the
actor's id, username and name so they stay readable on their own, and hold ids
and field names only, never a participant's personal values.
"""

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentorprogram.choices import ChoiceLabels


class ActorCopyMixin(models.Model):
    """The actor's identity, copied at insert time by a database trigger."""

    actor_username = models.CharField(_("actor's username"), max_length=150, blank=True, editable=False)
    actor_name = models.CharField(_("actor's name"), max_length=300, blank=True, editable=False)

    class Meta:
        abstract = True


class ModelChangeManager(LogEntryManager):
    def log_create(self, instance, force_log=False, **kwargs):
        # django-auditlog writes str(instance) by default: for a participant
        # that is a name. Only the model and the id go into the trail.
        kwargs["object_repr"] = f"{instance._meta.model_name} {instance.pk}"
        kwargs["serialized_data"] = None
        return super().log_create(instance, force_log=force_log, **kwargs)


class ModelChange(ActorCopyMixin, ChoiceLabels, AbstractLogEntry):  # noqa: DJ008  (__str__ from AbstractLogEntry)
    """django-auditlog's log entry (``AUDITLOG_LOGENTRY_MODEL``): who changed which fields of what.

    Every audited save writes one of these, so its indexes are the ones the
    trail is read by (an object's history, a user's changes, a period), not
    django-auditlog's one index per column: each index is paid on every save.
    """

    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("content type"), db_index=False
    )
    object_pk = models.CharField(max_length=255, verbose_name=_("object pk"))
    object_id = models.BigIntegerField(blank=True, null=True, verbose_name=_("object id"))
    action = models.PositiveSmallIntegerField(choices=AbstractLogEntry.Action.choices, verbose_name=_("action"))
    cid = models.CharField(max_length=255, blank=True, null=True, verbose_name=_("Correlation ID"))  # noqa: DJ001  (as django-auditlog has it)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
        db_index=False,
    )

    objects = ModelChangeManager()

    class Meta(AbstractLogEntry.Meta):
        verbose_name = _("model change")
        verbose_name_plural = _("model changes")
        indexes = [
            models.Index(fields=["content_type", "object_pk"], name="modelchange_object_idx"),
            models.Index(fields=["actor", "timestamp"], name="modelchange_actor_idx"),
        ]


class AuditEvent(ActorCopyMixin, ChoiceLabels, models.Model):
    """A domain or security event: a login, a lockout, an assignment started, a second factor reset."""

    class Category(models.TextChoices):
        SECURITY = "security", _("Security")
        DOMAIN = "domain", _("Case work")

    class Action(models.TextChoices):
        LOGIN = "login", _("Logged in")
        LOGOUT = "logout", _("Logged out")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOCKED_OUT = "locked_out", _("Locked out")
        OTP_ENROLLED = "otp_enrolled", _("Two-factor enrolled")
        OTP_RESET = "otp_reset", _("Two-factor reset by an administrator")
        BACKUP_CODES_CREATED = "backup_codes_created", _("Backup codes created")
        BACKUP_CODE_USED = "backup_code_used", _("Backup code used")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        PASSWORD_RESET_REQUESTED = "password_reset_requested", _("Password reset requested")
        PASSWORD_RESET = "password_reset", _("Password reset")
        ROLES_CHANGED = "roles_changed", _("Roles changed")
        ROLE_GRANT_REQUESTED = "role_grant_requested", _("Role asked for (needs a second person)")
        ROLE_GRANT_APPROVED = "role_grant_approved", _("Role approved by a second person")
        ROLE_GRANT_REFUSED = "role_grant_refused", _("Role refused by a second person")
        PASSWORD_LINK_SENT = "password_link_sent", _("Link to set a password sent")
        EMAIL_CHANGED = "email_changed", _("Email address changed by an administrator")
        ASSIGNMENT_STARTED = "assignment_started", _("Assignment started")
        ASSIGNMENT_ENDED = "assignment_ended", _("Assignment ended")
        SESSION_CORRECTED = "session_corrected", _("Session corrected")
        SESSION_VOIDED = "session_voided", _("Session voided")
        CONCERN_RAISED = "concern_raised", _("Concern signal raised")
        CONCERN_ESCALATED = "concern_escalated", _("Concern signal escalated")
        CONCERN_ACKNOWLEDGED = "concern_acknowledged", _("Concern signal acknowledged")
        DISCLOSURE_RECORDED = "disclosure_recorded", _("Disclosure recorded")
        EMERGENCY_ACCESS_GRANTED = "emergency_access_granted", _("Emergency access granted")
        EMERGENCY_ACCESS_ENDED = "emergency_access_ended", _("Emergency access ended")
        EMERGENCY_ACCESS_REVIEWED = "emergency_access_reviewed", _("Emergency access reviewed")
        ACCESS_REQUEST_EXPORTED = "access_request_exported", _("Access request exported")
        RETENTION_LISTED = "retention_listed", _("Cases due for erasure listed")
        CASE_ERASED = "case_erased", _("Case erased under the retention rules")
        REFERRAL_ERASED = "referral_erased", _("Referral erased under the retention rules")
        LEGAL_HOLD_PLACED = "legal_hold_placed", _("Legal hold placed on a case")
        LEGAL_HOLD_LIFTED = "legal_hold_lifted", _("Legal hold lifted")
        PLAN_COORDINATOR_STARTED = "plan_coordinator_started", _("Became a plan's responsible coordinator")
        PLAN_COORDINATOR_ENDED = "plan_coordinator_ended", _("Handed a plan over to another coordinator")
        API_TOKEN_CREATED = "api_token_created", _("API token created")
        API_TOKEN_REVOKED = "api_token_revoked", _("API token revoked")
        API_TOKEN_REFUSED = "api_token_refused", _("Expired or revoked API token refused")
        SIGN_IN_REFUSED = "sign_in_refused", _("Sign-in through an identity provider refused")
        SIGN_IN_UNKNOWN_IDENTITY = "sign_in_unknown_identity", _("Sign-in by an identity linked to no account")
        IDENTITY_LINKED = "identity_linked", _("Sign-in identity linked to an account")
        IDENTITY_UNLINKED = "identity_unlinked", _("Sign-in identity unlinked from an account")

    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    # The user the event is about (the one locked out, whose factor was reset).
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user concerned"),
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    object_pk = models.CharField(max_length=64, blank=True)
    # Ids and codes only; never names or free text about a participant.
    data = models.JSONField(default=dict, blank=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    timestamp = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-timestamp", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["content_type", "object_pk"])]

    def __str__(self):
        return f"{self.get_action_display()} {self.timestamp:%Y-%m-%d %H:%M}"


class AccessEvent(ActorCopyMixin, ChoiceLabels, models.Model):
    """A read of personal data: who saw which object (or list), when, from where, in which role."""

    class Kind(models.TextChoices):
        VIEW = "view", _("Viewed")
        LIST = "list", _("Listed")
        SEARCH = "search", _("Searched")
        EXPORT = "export", _("Exported")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reader")
    )
    roles = models.CharField(_("roles"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_pk = models.CharField(max_length=64, blank=True)
    # For lists and searches: the ids shown, so «who has read this participant» finds them too.
    object_pks = models.JSONField(default=list, blank=True)
    # Resolved when the read is recorded (audit.registry's subject lookups):
    # the cases and participants the rows read belong to. Ids only.
    case_pks = ArrayField(models.BigIntegerField(), default=list, blank=True)
    participant_pks = ArrayField(models.BigIntegerField(), default=list, blank=True)
    # The reader held no active assignment on a case read (triage, emergency
    # access): the privacy officer reviews these.
    outside_assignment = models.BooleanField(_("outside an assignment"), default=False)
    # The API token the read came through, if any (every use of a token is named in the trail).
    api_token = models.ForeignKey(
        "mentorprogram.ApiToken",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("API token"),
    )
    path = models.CharField(max_length=300, blank=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    timestamp = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-timestamp", "-id"]
        verbose_name = _("access event")
        verbose_name_plural = _("access events")
        permissions = [("export_subject_access", "Can export a participant's data and its reads (GDPR art. 15)")]
        indexes = [
            models.Index(fields=["content_type", "object_pk"]),
            models.Index(fields=["actor", "timestamp"]),
            GinIndex(fields=["participant_pks"], name="access_participants_gin"),
            GinIndex(fields=["case_pks"], name="access_cases_gin"),
            models.Index(fields=["timestamp"], condition=Q(outside_assignment=True), name="access_outside_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.timestamp:%Y-%m-%d %H:%M}"

    @property
    def role_labels(self) -> list[str]:
        """The reader's roles by name (a role no longer defined, by its slug)."""
        from mentorprogram.roles import ROLES_BY_SLUG

        return [str(ROLES_BY_SLUG[s].name) if s in ROLES_BY_SLUG else s for s in self.roles.split(",") if s]

    @property
    def role_names(self) -> str:
        return ", ".join(self.role_labels)

    @property
    def case_numbers(self) -> str:
        """The cases read, by number («12, 40, 41»): ids, so one string to escape instead of one per case (a list
        page's read names 50; the who-read search shows 50 such reads)."""
        return ", ".join(str(pk) for pk in self.case_pks)


class ChainLink(models.Model):
    """One link of the hash chain over the trail: which row, the hash of its content, and of the link before.

    The sealer (``audit.chain``) appends a link for every trail row shortly
    after it is written, one at a time under a lock, so the chain is one line.
    ``link_hash = sha256(prev_hash | table | row_id | content_hash)``; altering a
    row changes its content hash, removing a row or a link breaks the chain, and
    ``manage.py verify_audit`` names the first place where either happened.
    """

    position = models.BigAutoField(primary_key=True)
    table = models.CharField(max_length=63)
    row_id = models.BigIntegerField()
    content_hash = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    link_hash = models.CharField(max_length=64)
    # A record that becomes final in steps (a session, then its voiding) has
    # one link per step; "" is the row as first written (audit.chain.Stage).
    stage = models.CharField(max_length=30, blank=True, default="")
    sealed_at = models.DateTimeField(default=timezone.now)
    # When the sealed step was written (the sealer's watermark for steps found by time); not hashed.
    written_at = models.DateTimeField(null=True, blank=True)
    # Which columns the content hash covers (audit.chain.COLUMNS_ADDED); links sealed before it existed are 1.
    spec = models.PositiveSmallIntegerField(default=1)

    class Meta:
        verbose_name = _("chain link")
        verbose_name_plural = _("chain links")
        indexes = [
            models.Index(
                fields=["table", "stage", "written_at"],
                condition=Q(written_at__isnull=False),
                name="chainlink_written_idx",
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["table", "stage", "row_id"], name="one_link_per_trail_row_stage"),
            # A hash is the predecessor of at most one link: the chain cannot fork.
            models.UniqueConstraint(fields=["prev_hash"], name="chain_never_forks"),
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} {self.position}"


class Erasure(ChoiceLabels, models.Model):
    """One erasure under the retention rules, opened by the database's privileged erasure function only.

    The runtime database role may read these rows but never write them: the
    function ``retention_erasure_open`` (owned by the schema owner, SECURITY
    DEFINER) checks that the case or referral is due, not on hold and listed
    by a retention run, and inserts the row for the current transaction. The
    records' delete triggers accept a DELETE only inside that transaction and
    only of the erased case's rows, and note each row removed
    (``ErasedRow``). ``verify_audit`` accepts a chained row as gone only on
    such a note, so no event anyone can insert explains a deletion away.
    """

    class Kind(models.TextChoices):
        CASE = "case", _("Case")
        REFERRAL = "referral", _("Referral")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    case_pk = models.BigIntegerField(_("case"), null=True, blank=True)
    referral_pk = models.BigIntegerField(_("referral"), null=True, blank=True)
    # The participant the case or referral is about: erased with it when nothing else names them.
    participant_pk = models.BigIntegerField(_("participant"), null=True, blank=True)
    retention_run_pk = models.BigIntegerField(_("retention run"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("erased by"),
    )
    txid = models.BigIntegerField(editable=False)
    opened_at = models.DateTimeField(_("erased"), default=timezone.now)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        indexes = [models.Index(fields=["txid"], name="erasure_txid_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="case", case_pk__isnull=False) & Q(referral_pk__isnull=True))
                | (Q(kind="referral", referral_pk__isnull=False) & Q(case_pk__isnull=True)),
                name="erasure_names_what_it_erases",
            ),
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"


class ErasedRow(models.Model):
    """A record row removed by an erasure, noted by the record's own delete trigger."""

    erasure = models.ForeignKey(Erasure, on_delete=models.PROTECT, related_name="rows")
    table = models.CharField(max_length=63)
    row_id = models.BigIntegerField()
    erased_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("erased row")
        verbose_name_plural = _("erased rows")
        constraints = [models.UniqueConstraint(fields=["table", "row_id"], name="a_row_is_erased_once")]

    def __str__(self):
        return f"{self.table} {self.row_id}"


class RetentionPolicy(models.Model):
    """The retention period as the database's erasure function reads it: one row, written by ``migrate`` only.

    The runtime role may read it, never change it, so it cannot shorten the
    period to erase a case early. ``migrate`` (the schema owner) writes
    ``RETENTION_MONTHS`` into it after every run.
    """

    months = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="one_retention_policy")]

    def __str__(self):
        return f"{self.months}"

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit")

    def ready(self):
        from audit import receivers  # noqa: F401  (connects the security-event receivers)
        from audit.chain import Stage, chain_register

        chain_register("audit.ModelChange", by_id=True, columns=MODELCHANGE_COLUMNS)
        chain_register("audit.AuditEvent", by_id=True, columns=AUDITEVENT_COLUMNS)
        chain_register(
            "audit.AccessEvent",
            by_id=True,
            columns=ACCESSEVENT_COLUMNS,
            columns_added={2: ("case_pks", "participant_pks", "outside_assignment"), 3: ("api_token_id",)},
        )
        chain_register(
            "audit.Erasure",
            Stage(written="opened_at"),
            by_id=True,
            columns=(
                "id",
                "kind",
                "case_pk",
                "referral_pk",
                "participant_pk",
                "retention_run_pk",
                "actor_id",
                "txid",
                "opened_at",
            ),
        )
        chain_register(
            "audit.ErasedRow",
            Stage(written="erased_at"),
            by_id=True,
            columns=("id", "erasure_id", "table", "row_id", "erased_at"),
        )
        post_migrate.connect(retention_policy_write, sender=self, dispatch_uid="audit_retention_policy")


def retention_policy_write(using="default", **kwargs):
    """After every migrate (run by the schema owner): the retention period the erasure function reads."""
    from django.conf import settings

    from audit.models import RetentionPolicy

    RetentionPolicy.objects.using(using).update_or_create(pk=1, defaults={"months": settings.RETENTION_MONTHS})


MODELCHANGE_COLUMNS = (
    "id",
    "object_pk",
    "object_id",
    "object_repr",
    "serialized_data",
    "action",
    "changes_text",
    "changes",
    "cid",
    "remote_addr",
    "remote_port",
    "timestamp",
    "additional_data",
    "actor_email",
    "actor_username",
    "actor_name",
    "actor_id",
    "content_type_id",
)
AUDITEVENT_COLUMNS = (
    "id",
    "actor_username",
    "actor_name",
    "category",
    "action",
    "object_pk",
    "data",
    "remote_addr",
    "timestamp",
    "actor_id",
    "content_type_id",
    "subject_user_id",
)
ACCESSEVENT_COLUMNS = (
    "id",
    "actor_username",
    "actor_name",
    "roles",
    "kind",
    "object_pk",
    "object_pks",
    "path",
    "remote_addr",
    "timestamp",
    "actor_id",
    "content_type_id",
    "case_pks",
    "outside_assignment",
    "participant_pks",
    "api_token_id",
)

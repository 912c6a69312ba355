from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.contrib.staticfiles import apps as staticfiles_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, using="default", **kwargs):
    from django.apps import apps

    # Once per migrate, after the last app's permissions exist (post_migrate
    # is sent only for apps that have a models module).
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender.label != with_models[-1].label:
        return
    from mentorprogram.roles import sync_role_groups

    sync_role_groups(using=using)


class MentorprogramConfig(AppConfig):
    default = True
    name = "mentorprogram"
    verbose_name = _("Mentor programme")

    def ready(self):
        # After every migrate (and after Django has created the permissions),
        # the role groups get exactly the permissions mentorprogram.roles names.
        post_migrate.connect(_sync_roles, dispatch_uid="mentorprogram_sync_roles")

        from audit.registry import audit_register
        from mentorprogram.accounts.services import PASSWORD_LINK_EMAIL, password_link_send
        from mentorprogram.models import ApiToken, ProviderIdentity, RoleGrantRequest, User
        from notifications.services import outbox_handler_register

        outbox_handler_register(PASSWORD_LINK_EMAIL, password_link_send)
        audit_register(
            RoleGrantRequest,
            clear_fields=("user", "role", "requested_by", "requested_at", "decided_by", "decided_at", "decision"),
            personal_data=False,
        )

        audit_register(
            ApiToken,
            clear_fields=("user", "name", "prefix", "scope", "created_at", "expires_at", "revoked_at"),
            exclude_fields=("digest", "last_used_at"),
            personal_data=False,
        )

        audit_register(
            ProviderIdentity,
            clear_fields=("user", "name", "provider", "issuer", "confirmed", "linked_by", "linked_at"),
            exclude_fields=("last_used_at",),
            personal_data=False,
        )

        # Staff accounts: audited, but not a participant's personal data.
        audit_register(
            User,
            clear_fields=("is_active", "is_staff", "is_superuser"),
            exclude_fields=("last_login",),
            personal_data=False,
        )


class MentorprogramAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "mentorprogram.admin_site.AdminSite"


class StaticFilesConfig(staticfiles_apps.StaticFilesConfig):
    """collectstatic leaves out what no page loads: the browsable API's assets (the API answers JSON only) and
    django-htmx's copies of htmx (the pages load the one from npm). Less to hash and compress (about half of
    collectstatic's time went to them) and to ship."""

    ignore_patterns = [*staticfiles_apps.StaticFilesConfig.ignore_patterns, "rest_framework", "django_htmx"]

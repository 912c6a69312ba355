from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Referrals and cases")

    def ready(self):
        from audit.registry import audit_register
        from cases.models import Case, CaseAssignment, Participant

        audit_register(Participant)
        audit_register(Case, clear_fields=("participant", "track", "status", "opened_at"))
        audit_register(
            CaseAssignment, clear_fields=("case", "user", "kind", "started_at", "ended_at", "started_by", "ended_by")
        )

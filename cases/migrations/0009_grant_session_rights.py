"""Give the holders of active assignments the session rights their assignment now carries.

New assignments get them from cases.services.ASSIGNMENT_GRANTS; this brings
the assignments made before sessions existed up to date.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {"mentor": ("log_session", "view_sessions"), "coordinator": ("view_sessions",)}


def forward(apps, schema_editor):
    cases_config = apps.get_app_config("cases")
    cases_config.models_module = True
    create_permissions(cases_config, apps=apps, verbosity=0)
    Permission = apps.get_model("auth", "Permission")
    CaseAssignment = apps.get_model("cases", "CaseAssignment")
    CaseUserObjectPermission = apps.get_model("cases", "CaseUserObjectPermission")
    permissions = {
        p.codename: p
        for p in Permission.objects.filter(
            content_type__app_label="cases", codename__in=["log_session", "view_sessions"]
        )
    }
    for assignment in CaseAssignment.objects.filter(ended_at__isnull=True).order_by("pk"):
        for codename in GRANTS.get(assignment.kind, ()):
            CaseUserObjectPermission.objects.get_or_create(
                permission=permissions[codename], user_id=assignment.user_id, content_object_id=assignment.case_id
            )


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_session_rights"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]

"""The seven role groups. Their permissions follow mentorprogram.roles after every migrate."""

from django.db import migrations

ROLE_SLUGS = ["referrer", "slt_coordinator", "coordinator", "mentor", "steering_group", "privacy_officer", "admin"]


def create_role_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for slug in ROLE_SLUGS:
        Group.objects.get_or_create(name=slug)


class Migration(migrations.Migration):
    dependencies = [
        ("mentorprogram", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]

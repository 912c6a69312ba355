"""A disclosure is removed only by a privileged erasure of its case (audit_guard_record_delete)."""

from django.db import migrations

SQL = """
DROP TRIGGER disclosure_refuse_delete ON disclosures_disclosure;
CREATE TRIGGER disclosure_guard_delete BEFORE DELETE ON disclosures_disclosure
    FOR EACH ROW EXECUTE FUNCTION audit_guard_record_delete('case_id');
"""

REVERSE = """
DROP TRIGGER IF EXISTS disclosure_guard_delete ON disclosures_disclosure;
CREATE TRIGGER disclosure_refuse_delete BEFORE DELETE ON disclosures_disclosure
    FOR EACH ROW EXECUTE FUNCTION mentorprogram_refuse_delete();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("disclosures", "0002_append_only"),
        ("audit", "0013_erasure_only_by_the_privileged_path"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE)]

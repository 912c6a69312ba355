"""The chain's links are append-only like the rest of the trail."""

from django.db import migrations

SQL = """
CREATE TRIGGER audit_chainlink_append_only BEFORE UPDATE OR DELETE ON audit_chainlink
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_chainlink_no_truncate BEFORE TRUNCATE ON audit_chainlink
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
"""
REVERSE = """
DROP TRIGGER IF EXISTS audit_chainlink_append_only ON audit_chainlink;
DROP TRIGGER IF EXISTS audit_chainlink_no_truncate ON audit_chainlink;
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_chain_links")]

    operations = [migrations.RunSQL(SQL, REVERSE)]

"""Emergency access is a record for good: only ending it early and the privacy officer's review are added later.

Who opened it, for which case, on what basis, why and until when never
change; an end and a review are written once. Nothing is deleted except by
erasure under the retention rules (``mentorprogram.erasing``).
"""

from django.db import migrations

SQL = """
CREATE FUNCTION emergencyaccess_guard_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.case_id, NEW.user_id, NEW.legal_basis, NEW.reason, NEW.granted_at, NEW.expires_at)
       IS DISTINCT FROM (OLD.case_id, OLD.user_id, OLD.legal_basis, OLD.reason, OLD.granted_at, OLD.expires_at) THEN
        RAISE EXCEPTION 'emergency access % is a record: only its end and its review are added', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.ended_at IS NOT NULL AND NEW.ended_at IS DISTINCT FROM OLD.ended_at THEN
        RAISE EXCEPTION 'an ended emergency access stays ended' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.reviewed_at IS NOT NULL
       AND (NEW.reviewed_at, NEW.reviewed_by_id, NEW.review, NEW.review_note)
           IS DISTINCT FROM (OLD.reviewed_at, OLD.reviewed_by_id, OLD.review, OLD.review_note) THEN
        RAISE EXCEPTION 'a review stays recorded' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER emergencyaccess_guard_update BEFORE UPDATE ON cases_emergencyaccess
    FOR EACH ROW EXECUTE FUNCTION emergencyaccess_guard_update();
CREATE TRIGGER emergencyaccess_refuse_delete BEFORE DELETE ON cases_emergencyaccess
    FOR EACH ROW EXECUTE FUNCTION mentorprogram_refuse_delete();
CREATE TRIGGER emergencyaccess_refuse_truncate BEFORE TRUNCATE ON cases_emergencyaccess
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
"""

REVERSE = """
DROP TRIGGER IF EXISTS emergencyaccess_guard_update ON cases_emergencyaccess;
DROP TRIGGER IF EXISTS emergencyaccess_refuse_delete ON cases_emergencyaccess;
DROP TRIGGER IF EXISTS emergencyaccess_refuse_truncate ON cases_emergencyaccess;
DROP FUNCTION IF EXISTS emergencyaccess_guard_update();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_emergency_access"),
        ("audit", "0003_append_only"),
        ("mentorsessions", "0002_session_rules_in_the_database"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE)]

"""The database refuses a case status change the workflow does not allow.

The same table as ``Case.TRANSITIONS``; the service gives the friendly message,
this trigger is the law (a raw UPDATE or a bug cannot skip a step).
"""

from django.db import migrations

# Frozen copy of Case.TRANSITIONS at this migration (a test keeps them equal).
TRANSITIONS = {
    "assessment": ["closing", "matching"],
    "matching": ["active", "assessment", "closing"],
    "active": ["closing", "paused"],
    "paused": ["active", "closing"],
    "closing": ["active", "closed"],
    "closed": [],
}
ALLOWED = ", ".join(f"('{a}','{b}')" for a, targets in TRANSITIONS.items() for b in targets)

SQL = f"""
CREATE FUNCTION case_status_transition_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status IS DISTINCT FROM OLD.status
       AND (OLD.status, NEW.status) NOT IN (VALUES {ALLOWED}) THEN
        RAISE EXCEPTION 'case status % -> % is not an allowed transition', OLD.status, NEW.status
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER case_status_transition_check BEFORE UPDATE OF status ON cases_case
    FOR EACH ROW EXECUTE FUNCTION case_status_transition_check();
"""

REVERSE = """
DROP TRIGGER IF EXISTS case_status_transition_check ON cases_case;
DROP FUNCTION IF EXISTS case_status_transition_check();
"""


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_referrals_and_case_workflow")]

    operations = [migrations.RunSQL(SQL, REVERSE)]

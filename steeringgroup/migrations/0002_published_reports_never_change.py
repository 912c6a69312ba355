"""A published steering report, and every cell of any report, never change and are never removed.

Its cells are written once, while the report is being built; the report is
changed only until it is published. The suppression of every later report is
checked against these cells, so the database keeps them as written.
"""

from django.db import migrations

SQL = """
CREATE FUNCTION steeringreport_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.status = 'published' THEN
        RAISE EXCEPTION 'a published steering report is never changed, and no report is removed'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER steeringreport_guard BEFORE UPDATE OR DELETE ON steeringgroup_steeringreport
    FOR EACH ROW EXECUTE FUNCTION steeringreport_guard();
CREATE TRIGGER steeringreport_refuse_truncate BEFORE TRUNCATE ON steeringgroup_steeringreport
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

CREATE FUNCTION reportcell_guard_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM steeringgroup_steeringreport r WHERE r.id = NEW.report_id AND r.status = 'building') THEN
        RAISE EXCEPTION 'cells are written while their report is built' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER reportcell_guard_insert BEFORE INSERT ON steeringgroup_reportcell
    FOR EACH ROW EXECUTE FUNCTION reportcell_guard_insert();
CREATE TRIGGER reportcell_refuse_update BEFORE UPDATE ON steeringgroup_reportcell
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER reportcell_refuse_delete BEFORE DELETE ON steeringgroup_reportcell
    FOR EACH ROW EXECUTE FUNCTION mentorprogram_refuse_delete();
CREATE TRIGGER reportcell_refuse_truncate BEFORE TRUNCATE ON steeringgroup_reportcell
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
"""

REVERSE = """
DROP TRIGGER IF EXISTS reportcell_refuse_truncate ON steeringgroup_reportcell;
DROP TRIGGER IF EXISTS reportcell_refuse_delete ON steeringgroup_reportcell;
DROP TRIGGER IF EXISTS reportcell_refuse_update ON steeringgroup_reportcell;
DROP TRIGGER IF EXISTS reportcell_guard_insert ON steeringgroup_reportcell;
DROP FUNCTION IF EXISTS reportcell_guard_insert();
DROP TRIGGER IF EXISTS steeringreport_refuse_truncate ON steeringgroup_steeringreport;
DROP TRIGGER IF EXISTS steeringreport_guard ON steeringgroup_steeringreport;
DROP FUNCTION IF EXISTS steeringreport_guard();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("steeringgroup", "0001_steering_reports"),
        ("audit", "0017_plan_coordinator_actions"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE)]

"""The plan's rules, kept by PostgreSQL whoever writes (the application's own role included).

- a plan's participant is its case's participant; a closed plan is never changed;
- every UPDATE of a plan, goal or measure raises its version by exactly one
  (optimistic locking: a writer who read version n writes n + 1, or fails);
- a measure's goal belongs to the measure's plan (a composite foreign key);
- coordinator periods: the exclusion constraint of 0001 keeps them from
  overlapping; a period is only ever ended, once; and at commit (a deferred
  constraint trigger) the periods of a plan run without a gap from the plan's
  start to an open end, so exactly one coordinator is responsible at every moment;
- evaluations and consent markers are records: never changed;
- nothing is removed except inside an erasure of the case (``audit_guard_record_delete``).
"""

from django.db import migrations

SQL = """
CREATE FUNCTION plan_guard_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.participant_id IS DISTINCT FROM (SELECT c.participant_id FROM cases_case c WHERE c.id = NEW.case_id) THEN
        RAISE EXCEPTION 'a plan belongs to its case''s participant' USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF OLD.status = 'closed' THEN
            RAISE EXCEPTION 'a closed plan is not changed' USING ERRCODE = 'check_violation';
        END IF;
        IF (NEW.case_id, NEW.participant_id, NEW.created_by_id, NEW.created_at, NEW.first_evaluation_on)
           IS DISTINCT FROM (OLD.case_id, OLD.participant_id, OLD.created_by_id, OLD.created_at, OLD.first_evaluation_on)
        THEN
            RAISE EXCEPTION 'a plan''s case, start and author are never changed' USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER plan_guard_write BEFORE INSERT OR UPDATE ON individualplans_individualplan
    FOR EACH ROW EXECUTE FUNCTION plan_guard_write();

CREATE FUNCTION plan_guard_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.version IS DISTINCT FROM OLD.version + 1 THEN
        RAISE EXCEPTION 'version % of % % was changed by someone else', OLD.version, TG_TABLE_NAME, OLD.id
            USING ERRCODE = 'serialization_failure';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER plan_guard_version BEFORE UPDATE ON individualplans_individualplan
    FOR EACH ROW EXECUTE FUNCTION plan_guard_version();
CREATE TRIGGER goal_guard_version BEFORE UPDATE ON individualplans_plangoal
    FOR EACH ROW EXECUTE FUNCTION plan_guard_version();
CREATE TRIGGER measure_guard_version BEFORE UPDATE ON individualplans_planmeasure
    FOR EACH ROW EXECUTE FUNCTION plan_guard_version();

CREATE FUNCTION plan_content_guard_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.plan_id IS DISTINCT FROM OLD.plan_id THEN
        RAISE EXCEPTION 'a goal or measure stays in its plan' USING ERRCODE = 'check_violation';
    END IF;
    IF EXISTS (SELECT 1 FROM individualplans_individualplan p WHERE p.id = NEW.plan_id AND p.status = 'closed') THEN
        RAISE EXCEPTION 'a closed plan is not changed' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER goal_guard_write BEFORE INSERT OR UPDATE ON individualplans_plangoal
    FOR EACH ROW EXECUTE FUNCTION plan_content_guard_write();
CREATE TRIGGER measure_guard_write BEFORE INSERT OR UPDATE ON individualplans_planmeasure
    FOR EACH ROW EXECUTE FUNCTION plan_content_guard_write();
CREATE TRIGGER evaluation_guard_insert BEFORE INSERT ON individualplans_planevaluation
    FOR EACH ROW EXECUTE FUNCTION plan_content_guard_write();

ALTER TABLE individualplans_planmeasure
    ADD CONSTRAINT measure_goal_in_its_plan FOREIGN KEY (goal_id, plan_id)
    REFERENCES individualplans_plangoal (id, plan_id) DEFERRABLE INITIALLY DEFERRED;

ALTER TABLE individualplans_coordinatorperiod
    ADD CONSTRAINT coordinator_period_has_a_start
    CHECK (NOT lower_inf(period) AND NOT isempty(period) AND lower_inc(period) AND NOT upper_inc(period));

CREATE FUNCTION plan_period_guard_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT upper_inf(OLD.period)
       OR (NEW.plan_id, NEW.coordinator_id, NEW.started_by_id, NEW.handover_note, lower(NEW.period))
          IS DISTINCT FROM (OLD.plan_id, OLD.coordinator_id, OLD.started_by_id, OLD.handover_note, lower(OLD.period))
    THEN
        RAISE EXCEPTION 'a coordinator period is only ever ended, once' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER plan_period_guard_update BEFORE UPDATE ON individualplans_coordinatorperiod
    FOR EACH ROW EXECUTE FUNCTION plan_period_guard_update();

-- Exactly one coordinator at every moment: the periods of a plan, in order,
-- start when the plan starts, each begins where the one before ended, and the last has no end.
CREATE FUNCTION plan_periods_check(p_plan bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_start timestamptz;
    v_open int;
    v_first timestamptz;
    v_gaps int;
BEGIN
    SELECT p.created_at INTO v_start FROM individualplans_individualplan p WHERE p.id = p_plan;
    IF NOT FOUND THEN
        RETURN;  -- erased with its case
    END IF;
    SELECT count(*) FILTER (WHERE upper_inf(period)),
           min(lower(period)),
           count(*) FILTER (WHERE previous_end IS NOT NULL AND previous_end IS DISTINCT FROM lower(period))
      INTO v_open, v_first, v_gaps
      FROM (SELECT period, lag(upper(period)) OVER (ORDER BY lower(period)) AS previous_end
              FROM individualplans_coordinatorperiod WHERE plan_id = p_plan) periods;
    IF v_open <> 1 OR v_first IS DISTINCT FROM v_start OR v_gaps <> 0 THEN
        RAISE EXCEPTION 'plan % must have exactly one responsible coordinator at every moment, without a gap', p_plan
            USING ERRCODE = 'check_violation';
    END IF;
END;
$$;
CREATE FUNCTION plan_periods_check_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'individualplans_individualplan' THEN
        PERFORM plan_periods_check(NEW.id);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM plan_periods_check(OLD.plan_id);
    ELSE
        PERFORM plan_periods_check(NEW.plan_id);
        IF TG_OP = 'UPDATE' AND OLD.plan_id IS DISTINCT FROM NEW.plan_id THEN
            PERFORM plan_periods_check(OLD.plan_id);
        END IF;
    END IF;
    RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER plan_has_one_coordinator AFTER INSERT ON individualplans_individualplan
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION plan_periods_check_trigger();
CREATE CONSTRAINT TRIGGER plan_periods_without_gap AFTER INSERT OR UPDATE OR DELETE ON individualplans_coordinatorperiod
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION plan_periods_check_trigger();

CREATE FUNCTION planconsent_guard_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM cases_consent c WHERE c.id = NEW.consent_id AND c.case_id = NEW.case_id) THEN
        RAISE EXCEPTION 'a consent to a plan is a consent of the same case' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER planconsent_guard_insert BEFORE INSERT ON individualplans_planconsent
    FOR EACH ROW EXECUTE FUNCTION planconsent_guard_insert();

CREATE TRIGGER planconsent_refuse_update BEFORE UPDATE ON individualplans_planconsent
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER evaluation_refuse_update BEFORE UPDATE ON individualplans_planevaluation
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();

CREATE TRIGGER plan_guard_delete BEFORE DELETE ON individualplans_individualplan
    FOR EACH ROW EXECUTE FUNCTION audit_guard_record_delete('case_id');
CREATE TRIGGER planconsent_guard_delete BEFORE DELETE ON individualplans_planconsent
    FOR EACH ROW EXECUTE FUNCTION audit_guard_record_delete('case_id');

CREATE TRIGGER coordinatorperiod_guard_delete BEFORE DELETE ON individualplans_coordinatorperiod
    FOR EACH ROW EXECUTE FUNCTION audit_guard_record_delete('plan_id', 'individualplans_individualplan');

CREATE TRIGGER plangoal_guard_delete BEFORE DELETE ON individualplans_plangoal
    FOR EACH ROW EXECUTE FUNCTION audit_guard_record_delete('plan_id', 'individualplans_individualplan');

CREATE TRIGGER planmeasure_guard_delete BEFORE DELETE ON individualplans_planmeasure
    FOR EACH ROW EXECUTE FUNCTION audit_guard_record_delete('plan_id', 'individualplans_individualplan');

CREATE TRIGGER planevaluation_guard_delete BEFORE DELETE ON individualplans_planevaluation
    FOR EACH ROW EXECUTE FUNCTION audit_guard_record_delete('plan_id', 'individualplans_individualplan');

CREATE TRIGGER individualplan_refuse_truncate BEFORE TRUNCATE ON individualplans_individualplan
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

CREATE TRIGGER planconsent_refuse_truncate BEFORE TRUNCATE ON individualplans_planconsent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

CREATE TRIGGER coordinatorperiod_refuse_truncate BEFORE TRUNCATE ON individualplans_coordinatorperiod
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

CREATE TRIGGER plangoal_refuse_truncate BEFORE TRUNCATE ON individualplans_plangoal
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

CREATE TRIGGER planmeasure_refuse_truncate BEFORE TRUNCATE ON individualplans_planmeasure
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

CREATE TRIGGER planevaluation_refuse_truncate BEFORE TRUNCATE ON individualplans_planevaluation
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
"""

REVERSE = """DROP TRIGGER IF EXISTS individualplan_guard_delete ON individualplans_individualplan;
DROP TRIGGER IF EXISTS individualplan_refuse_truncate ON individualplans_individualplan;
DROP TRIGGER IF EXISTS planconsent_guard_delete ON individualplans_planconsent;
DROP TRIGGER IF EXISTS planconsent_refuse_truncate ON individualplans_planconsent;
DROP TRIGGER IF EXISTS coordinatorperiod_guard_delete ON individualplans_coordinatorperiod;
DROP TRIGGER IF EXISTS coordinatorperiod_refuse_truncate ON individualplans_coordinatorperiod;
DROP TRIGGER IF EXISTS plangoal_guard_delete ON individualplans_plangoal;
DROP TRIGGER IF EXISTS plangoal_refuse_truncate ON individualplans_plangoal;
DROP TRIGGER IF EXISTS planmeasure_guard_delete ON individualplans_planmeasure;
DROP TRIGGER IF EXISTS planmeasure_refuse_truncate ON individualplans_planmeasure;
DROP TRIGGER IF EXISTS planevaluation_guard_delete ON individualplans_planevaluation;
DROP TRIGGER IF EXISTS planevaluation_refuse_truncate ON individualplans_planevaluation;

DROP TRIGGER IF EXISTS evaluation_refuse_update ON individualplans_planevaluation;
DROP TRIGGER IF EXISTS planconsent_refuse_update ON individualplans_planconsent;
DROP TRIGGER IF EXISTS planconsent_guard_insert ON individualplans_planconsent;
DROP FUNCTION IF EXISTS planconsent_guard_insert();
DROP TRIGGER IF EXISTS plan_periods_without_gap ON individualplans_coordinatorperiod;
DROP TRIGGER IF EXISTS plan_has_one_coordinator ON individualplans_individualplan;
DROP FUNCTION IF EXISTS plan_periods_check_trigger();
DROP FUNCTION IF EXISTS plan_periods_check(bigint);
DROP TRIGGER IF EXISTS plan_period_guard_update ON individualplans_coordinatorperiod;
DROP FUNCTION IF EXISTS plan_period_guard_update();
ALTER TABLE individualplans_coordinatorperiod DROP CONSTRAINT IF EXISTS coordinator_period_has_a_start;
ALTER TABLE individualplans_planmeasure DROP CONSTRAINT IF EXISTS measure_goal_in_its_plan;
DROP TRIGGER IF EXISTS evaluation_guard_insert ON individualplans_planevaluation;
DROP TRIGGER IF EXISTS measure_guard_write ON individualplans_planmeasure;
DROP TRIGGER IF EXISTS goal_guard_write ON individualplans_plangoal;
DROP FUNCTION IF EXISTS plan_content_guard_write();
DROP TRIGGER IF EXISTS measure_guard_version ON individualplans_planmeasure;
DROP TRIGGER IF EXISTS goal_guard_version ON individualplans_plangoal;
DROP TRIGGER IF EXISTS plan_guard_version ON individualplans_individualplan;
DROP FUNCTION IF EXISTS plan_guard_version();
DROP TRIGGER IF EXISTS plan_guard_write ON individualplans_individualplan;
DROP FUNCTION IF EXISTS plan_guard_write();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("individualplans", "0001_individual_plans"),
        ("audit", "0016_email_changed_action"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE)]

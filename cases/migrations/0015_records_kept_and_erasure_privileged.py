"""The database keeps the case records, and only its own erasure function opens them to deletion.

- ``retention_erasure_open(kind, pk, run, actor)`` is the one way into an
  erasure: owned by the schema owner and SECURITY DEFINER, it checks that the
  case is closed longer than the retention period (``audit_retentionpolicy``,
  which only ``migrate`` writes), is on no legal hold and is listed by the
  retention run (for a referral: never a case, decided or received longer
  ago than the period), and writes the erasure record for the current
  transaction. The records' delete triggers (``audit_guard_record_delete``)
  accept nothing else; no setting a session can set opens them.
- A case is inserted in its first status only, and its closing time is the
  database's clock at the step to «closed», never changed afterwards: the
  erasure function's «past the retention period» cannot be backdated.
- Consents and their withdrawals are records: never updated; a legal hold
  is only lifted, once.
"""

from django.db import migrations

SQL = """
CREATE FUNCTION case_guard_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status <> 'assessment' OR NEW.closed_at IS NOT NULL OR NEW.outcome <> '' THEN
        RAISE EXCEPTION 'a case starts in assessment, open, with no outcome'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER case_guard_insert BEFORE INSERT ON cases_case
    FOR EACH ROW EXECUTE FUNCTION case_guard_insert();

CREATE FUNCTION case_guard_closing() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'closed' AND OLD.status IS DISTINCT FROM 'closed' THEN
        NEW.closed_at := now();
    ELSIF NEW.closed_at IS DISTINCT FROM OLD.closed_at OR NEW.outcome IS DISTINCT FROM OLD.outcome THEN
        RAISE EXCEPTION 'a case''s closing time and outcome are set by closing it, and never changed'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER case_guard_closing BEFORE UPDATE ON cases_case
    FOR EACH ROW EXECUTE FUNCTION case_guard_closing();

CREATE TRIGGER consent_refuse_update BEFORE UPDATE ON cases_consent
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER consent_guard_delete BEFORE DELETE ON cases_consent
    FOR EACH ROW EXECUTE FUNCTION audit_guard_record_delete('case_id');
CREATE TRIGGER consent_refuse_truncate BEFORE TRUNCATE ON cases_consent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER consentwithdrawal_refuse_update BEFORE UPDATE ON cases_consentwithdrawal
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER consentwithdrawal_guard_delete BEFORE DELETE ON cases_consentwithdrawal
    FOR EACH ROW EXECUTE FUNCTION audit_guard_record_delete('consent_id', 'cases_consent');
CREATE TRIGGER consentwithdrawal_refuse_truncate BEFORE TRUNCATE ON cases_consentwithdrawal
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

CREATE FUNCTION legalhold_guard_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.lifted_at IS NOT NULL
       OR (NEW.case_id, NEW.reason, NEW.placed_by_id, NEW.placed_at)
          IS DISTINCT FROM (OLD.case_id, OLD.reason, OLD.placed_by_id, OLD.placed_at) THEN
        RAISE EXCEPTION 'a legal hold is a record: it is only lifted, once' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER legalhold_guard_update BEFORE UPDATE ON cases_legalhold
    FOR EACH ROW EXECUTE FUNCTION legalhold_guard_update();
CREATE TRIGGER legalhold_guard_delete BEFORE DELETE ON cases_legalhold
    FOR EACH ROW EXECUTE FUNCTION audit_guard_record_delete('case_id');
CREATE TRIGGER legalhold_refuse_truncate BEFORE TRUNCATE ON cases_legalhold
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

DROP TRIGGER emergencyaccess_refuse_delete ON cases_emergencyaccess;
CREATE TRIGGER emergencyaccess_guard_delete BEFORE DELETE ON cases_emergencyaccess
    FOR EACH ROW EXECUTE FUNCTION audit_guard_record_delete('case_id');

CREATE FUNCTION retention_erasure_open(p_kind text, p_pk bigint, p_run bigint, p_actor bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_cutoff timestamptz;
    v_id bigint;
BEGIN
    SELECT now() - make_interval(days => round(p.months * 365.25 / 12)::int) INTO v_cutoff
      FROM public.audit_retentionpolicy p WHERE p.id = 1;
    IF v_cutoff IS NULL THEN
        RAISE EXCEPTION 'no retention period is set (migrate writes it)' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_kind = 'case' THEN
        IF NOT EXISTS (SELECT 1 FROM public.cases_retentionrun r
                        WHERE r.id = p_run AND r.erased_at IS NULL AND p_pk = ANY(r.case_pks)) THEN
            RAISE EXCEPTION 'case % is not on the pending retention run %', p_pk, p_run
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NOT EXISTS (SELECT 1 FROM public.cases_case c
                        WHERE c.id = p_pk AND c.status = 'closed' AND c.closed_at < v_cutoff) THEN
            RAISE EXCEPTION 'case % is not closed longer than the retention period', p_pk
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF EXISTS (SELECT 1 FROM public.cases_legalhold h WHERE h.case_id = p_pk AND h.lifted_at IS NULL) THEN
            RAISE EXCEPTION 'case % is on legal hold', p_pk USING ERRCODE = 'insufficient_privilege';
        END IF;
        INSERT INTO public.audit_erasure (kind, case_pk, participant_pk, retention_run_pk, actor_id, txid, opened_at)
             SELECT 'case', p_pk, c.participant_id, p_run, p_actor, txid_current(), now()
               FROM public.cases_case c WHERE c.id = p_pk
             RETURNING id INTO v_id;
    ELSIF p_kind = 'referral' THEN
        IF NOT EXISTS (SELECT 1 FROM public.cases_retentionrun r
                        WHERE r.id = p_run AND r.erased_at IS NULL AND p_pk = ANY(r.referral_pks)) THEN
            RAISE EXCEPTION 'referral % is not on the pending retention run %', p_pk, p_run
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NOT EXISTS (SELECT 1 FROM public.cases_referral f
                        WHERE f.id = p_pk AND f.case_id IS NULL
                          AND ((f.status IN ('forwarded', 'no_action', 'duplicate') AND f.decided_at < v_cutoff)
                               OR (f.status IN ('received', 'in_triage') AND f.submitted_at < v_cutoff))) THEN
            RAISE EXCEPTION 'referral % is not past the retention period', p_pk
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        INSERT INTO public.audit_erasure (kind, referral_pk, participant_pk, retention_run_pk, actor_id, txid, opened_at)
             SELECT 'referral', p_pk, f.participant_id, p_run, p_actor, txid_current(), now()
               FROM public.cases_referral f WHERE f.id = p_pk
             RETURNING id INTO v_id;
    ELSE
        RAISE EXCEPTION 'unknown erasure kind %', p_kind USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN v_id;
END;
$$;
"""

REVERSE = """
DROP FUNCTION IF EXISTS retention_erasure_open(text, bigint, bigint, bigint);
DROP TRIGGER IF EXISTS emergencyaccess_guard_delete ON cases_emergencyaccess;
CREATE TRIGGER emergencyaccess_refuse_delete BEFORE DELETE ON cases_emergencyaccess
    FOR EACH ROW EXECUTE FUNCTION mentorprogram_refuse_delete();
DROP TRIGGER IF EXISTS legalhold_guard_update ON cases_legalhold;
DROP TRIGGER IF EXISTS legalhold_guard_delete ON cases_legalhold;
DROP TRIGGER IF EXISTS legalhold_refuse_truncate ON cases_legalhold;
DROP FUNCTION IF EXISTS legalhold_guard_update();
DROP TRIGGER IF EXISTS consentwithdrawal_refuse_update ON cases_consentwithdrawal;
DROP TRIGGER IF EXISTS consentwithdrawal_guard_delete ON cases_consentwithdrawal;
DROP TRIGGER IF EXISTS consentwithdrawal_refuse_truncate ON cases_consentwithdrawal;
DROP TRIGGER IF EXISTS consent_refuse_update ON cases_consent;
DROP TRIGGER IF EXISTS consent_guard_delete ON cases_consent;
DROP TRIGGER IF EXISTS consent_refuse_truncate ON cases_consent;
DROP TRIGGER IF EXISTS case_guard_closing ON cases_case;
DROP FUNCTION IF EXISTS case_guard_closing();
DROP TRIGGER IF EXISTS case_guard_insert ON cases_case;
DROP FUNCTION IF EXISTS case_guard_insert();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0014_consent_withdrawals_and_legal_holds"),
        ("audit", "0013_erasure_only_by_the_privileged_path"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE)]

"""Referrals and participants are removed only inside a privileged erasure that concerns them.

A referral goes with the erasure of its case, or with its own (a referral
that never became a case); a participant goes with the erasure of a case or
referral about them (the erasure function records whom it concerns). Any
other DELETE or TRUNCATE is refused, whoever asks. Each removal is noted in
``audit_erasedrow`` like the records'.
"""

from django.db import migrations

SQL = """
CREATE FUNCTION cases_guard_subject_delete() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_erasure bigint;
BEGIN
    IF TG_TABLE_NAME = 'cases_referral' THEN
        SELECT e.id INTO v_erasure FROM public.audit_erasure e
         WHERE e.txid = txid_current()
           AND ((e.kind = 'case' AND e.case_pk = OLD.case_id) OR (e.kind = 'referral' AND e.referral_pk = OLD.id))
         LIMIT 1;
    ELSE
        SELECT e.id INTO v_erasure FROM public.audit_erasure e
         WHERE e.txid = txid_current() AND e.participant_pk = OLD.id
         LIMIT 1;
    END IF;
    IF v_erasure IS NULL THEN
        RAISE EXCEPTION '% on % is refused: only an erasure under the retention rules removes it', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO public.audit_erasedrow (erasure_id, "table", row_id, erased_at)
         VALUES (v_erasure, TG_TABLE_NAME, OLD.id, now());
    RETURN OLD;
END;
$$;
REVOKE ALL ON FUNCTION cases_guard_subject_delete() FROM PUBLIC;

CREATE TRIGGER referral_guard_delete BEFORE DELETE ON cases_referral
    FOR EACH ROW EXECUTE FUNCTION cases_guard_subject_delete();
CREATE TRIGGER referral_refuse_truncate BEFORE TRUNCATE ON cases_referral
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER participant_guard_delete BEFORE DELETE ON cases_participant
    FOR EACH ROW EXECUTE FUNCTION cases_guard_subject_delete();
CREATE TRIGGER participant_refuse_truncate BEFORE TRUNCATE ON cases_participant
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
"""

REVERSE = """
DROP TRIGGER IF EXISTS referral_guard_delete ON cases_referral;
DROP TRIGGER IF EXISTS referral_refuse_truncate ON cases_referral;
DROP TRIGGER IF EXISTS participant_guard_delete ON cases_participant;
DROP TRIGGER IF EXISTS participant_refuse_truncate ON cases_participant;
DROP FUNCTION IF EXISTS cases_guard_subject_delete();
"""


class Migration(migrations.Migration):
    dependencies = [("cases", "0015_records_kept_and_erasure_privileged")]

    operations = [migrations.RunSQL(SQL, REVERSE)]

"""A disclosure is never changed and never removed, whoever asks and however.

UPDATE is refused outright; DELETE and TRUNCATE are refused except for erasure
under the retention rules (``SET LOCAL mentorprogram.erasing = 'on'``, itself
an audited event). A correction must belong to the same case as the record
it corrects.
"""

from django.db import migrations

SQL = """
CREATE FUNCTION disclosure_check_correction() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.corrects_id IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM disclosures_disclosure d WHERE d.id = NEW.corrects_id AND d.case_id = NEW.case_id)
    THEN
        RAISE EXCEPTION 'a correction belongs to the case of the disclosure it corrects'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER disclosure_check_correction BEFORE INSERT ON disclosures_disclosure
    FOR EACH ROW EXECUTE FUNCTION disclosure_check_correction();
CREATE TRIGGER disclosure_refuse_update BEFORE UPDATE ON disclosures_disclosure
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER disclosure_refuse_delete BEFORE DELETE ON disclosures_disclosure
    FOR EACH ROW EXECUTE FUNCTION mentorprogram_refuse_delete();
CREATE TRIGGER disclosure_refuse_truncate BEFORE TRUNCATE ON disclosures_disclosure
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
"""

REVERSE = """
DROP TRIGGER IF EXISTS disclosure_check_correction ON disclosures_disclosure;
DROP TRIGGER IF EXISTS disclosure_refuse_update ON disclosures_disclosure;
DROP TRIGGER IF EXISTS disclosure_refuse_delete ON disclosures_disclosure;
DROP TRIGGER IF EXISTS disclosure_refuse_truncate ON disclosures_disclosure;
DROP FUNCTION IF EXISTS disclosure_check_correction();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("disclosures", "0001_disclosure_register"),
        ("audit", "0003_append_only"),
        ("mentorsessions", "0002_session_rules_in_the_database"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE)]

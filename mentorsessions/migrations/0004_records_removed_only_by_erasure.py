"""Sessions, addenda and concern signals are removed only by a privileged erasure, and a session freezes whole.

The delete triggers move to ``audit_guard_record_delete`` (an erasure of the
row's case opened by the database's own function, in this transaction);
``mentorprogram_refuse_delete`` no longer knows any escape and refuses every
call. A session's «last corrected» time freezes with its content after the
edit window. Indexes serve the sealer, which seals each step of these
records once it is final (audit.chain).
"""

from django.db import migrations, models

SQL = """
CREATE OR REPLACE FUNCTION mentorprogram_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% on % is refused: records are voided or corrected, never removed', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE OR REPLACE FUNCTION mentorsession_guard_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.voided_at IS NOT NULL THEN
        RAISE EXCEPTION 'mentor session % is voided and cannot change', OLD.id USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (NEW.case_id, NEW.mentor_id, NEW.recorded_at, NEW.submission_key)
       IS DISTINCT FROM (OLD.case_id, OLD.mentor_id, OLD.recorded_at, OLD.submission_key) THEN
        RAISE EXCEPTION 'a mentor session''s case, author and recording time never change'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (NEW.held_on, NEW.duration_minutes, NEW.mode, NEW.topics, NEW.notes, NEW.progress, NEW.next_step,
        NEW.next_meeting_on, NEW.updated_at)
       IS DISTINCT FROM
       (OLD.held_on, OLD.duration_minutes, OLD.mode, OLD.topics, OLD.notes, OLD.progress, OLD.next_step,
        OLD.next_meeting_on, OLD.updated_at)
       AND OLD.recorded_at < now() - interval '24 hours' THEN
        RAISE EXCEPTION 'mentor session % is past its 24-hour edit window: write an addendum', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;

DROP TRIGGER mentorsessions_mentorsession_refuse_delete ON mentorsessions_mentorsession;
DROP TRIGGER mentorsessions_sessionaddendum_refuse_delete ON mentorsessions_sessionaddendum;
DROP TRIGGER mentorsessions_concernsignal_refuse_delete ON mentorsessions_concernsignal;
CREATE TRIGGER mentorsession_guard_delete BEFORE DELETE ON mentorsessions_mentorsession
    FOR EACH ROW EXECUTE FUNCTION audit_guard_record_delete('case_id');
CREATE TRIGGER sessionaddendum_guard_delete BEFORE DELETE ON mentorsessions_sessionaddendum
    FOR EACH ROW EXECUTE FUNCTION audit_guard_record_delete('session_id', 'mentorsessions_mentorsession');
CREATE TRIGGER concernsignal_guard_delete BEFORE DELETE ON mentorsessions_concernsignal
    FOR EACH ROW EXECUTE FUNCTION audit_guard_record_delete('case_id');
"""

REVERSE = """
DROP TRIGGER IF EXISTS mentorsession_guard_delete ON mentorsessions_mentorsession;
DROP TRIGGER IF EXISTS sessionaddendum_guard_delete ON mentorsessions_sessionaddendum;
DROP TRIGGER IF EXISTS concernsignal_guard_delete ON mentorsessions_concernsignal;
CREATE TRIGGER mentorsessions_mentorsession_refuse_delete BEFORE DELETE ON mentorsessions_mentorsession
    FOR EACH ROW EXECUTE FUNCTION mentorprogram_refuse_delete();
CREATE TRIGGER mentorsessions_sessionaddendum_refuse_delete BEFORE DELETE ON mentorsessions_sessionaddendum
    FOR EACH ROW EXECUTE FUNCTION mentorprogram_refuse_delete();
CREATE TRIGGER mentorsessions_concernsignal_refuse_delete BEFORE DELETE ON mentorsessions_concernsignal
    FOR EACH ROW EXECUTE FUNCTION mentorprogram_refuse_delete();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("mentorsessions", "0003_session_newest_index"),
        ("audit", "0013_erasure_only_by_the_privileged_path"),
    ]

    operations = [
        migrations.RunSQL(SQL, REVERSE),
        migrations.AddIndex(
            model_name="mentorsession",
            index=models.Index(fields=["recorded_at"], name="session_recorded_idx"),
        ),
        migrations.AddIndex(
            model_name="mentorsession",
            index=models.Index(
                fields=["voided_at"], condition=models.Q(voided_at__isnull=False), name="session_voided_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="sessionaddendum",
            index=models.Index(fields=["written_at"], name="addendum_written_idx"),
        ),
        migrations.AddIndex(
            model_name="concernsignal",
            index=models.Index(fields=["raised_at"], name="concern_raised_idx"),
        ),
        migrations.AddIndex(
            model_name="concernsignal",
            index=models.Index(
                fields=["acknowledged_at"],
                condition=models.Q(acknowledged_at__isnull=False),
                name="concern_acknowledged_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="concernsignal",
            index=models.Index(
                fields=["escalated_at"], condition=models.Q(escalated_at__isnull=False), name="concern_escalated_idx"
            ),
        ),
    ]

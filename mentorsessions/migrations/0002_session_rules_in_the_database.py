"""The database holds the session rules even against code that forgets them.

- A session's content is frozen 24 hours after it was recorded
  (MentorSession.EDIT_WINDOW); voiding stays possible, once, and a voided
  session is frozen for good.
- Addenda are never changed.
- A concern signal's level, text and origin never change; an escalation or an
  acknowledgement, once recorded, stays.
- Nothing here is deleted or truncated. The one exception is erasure under the
  retention rules, which sets ``mentorprogram.erasing = 'on'`` for its own
  transaction (SET LOCAL) and is itself audited.
"""

from django.db import migrations

SQL = """
CREATE FUNCTION mentorprogram_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('mentorprogram.erasing', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% on % is refused: records are voided or corrected, never removed', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE FUNCTION mentorsession_guard_update() RETURNS trigger LANGUAGE plpgsql AS $$
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
        NEW.next_meeting_on)
       IS DISTINCT FROM
       (OLD.held_on, OLD.duration_minutes, OLD.mode, OLD.topics, OLD.notes, OLD.progress, OLD.next_step,
        OLD.next_meeting_on)
       AND OLD.recorded_at < now() - interval '24 hours' THEN
        RAISE EXCEPTION 'mentor session % is past its 24-hour edit window: write an addendum', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;

CREATE FUNCTION concernsignal_guard_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.session_id, NEW.case_id, NEW.level, NEW.description, NEW.raised_by_id, NEW.raised_at)
       IS DISTINCT FROM (OLD.session_id, OLD.case_id, OLD.level, OLD.description, OLD.raised_by_id, OLD.raised_at)
    THEN
        RAISE EXCEPTION 'a concern signal never changes once raised' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.escalated_at IS NOT NULL AND NEW.escalated_at IS DISTINCT FROM OLD.escalated_at THEN
        RAISE EXCEPTION 'an escalation stays recorded' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.acknowledged_at IS NOT NULL
       AND (NEW.acknowledged_at, NEW.acknowledged_by_id, NEW.acknowledgement)
           IS DISTINCT FROM (OLD.acknowledged_at, OLD.acknowledged_by_id, OLD.acknowledgement) THEN
        RAISE EXCEPTION 'an acknowledgement stays recorded' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER mentorsession_guard_update BEFORE UPDATE ON mentorsessions_mentorsession
    FOR EACH ROW EXECUTE FUNCTION mentorsession_guard_update();
CREATE TRIGGER concernsignal_guard_update BEFORE UPDATE ON mentorsessions_concernsignal
    FOR EACH ROW EXECUTE FUNCTION concernsignal_guard_update();
CREATE TRIGGER sessionaddendum_refuse_update BEFORE UPDATE ON mentorsessions_sessionaddendum
    FOR EACH ROW EXECUTE FUNCTION mentorprogram_refuse_delete();
"""

KEPT = ["mentorsessions_mentorsession", "mentorsessions_sessionaddendum", "mentorsessions_concernsignal"]
SQL += "".join(
    f"""
CREATE TRIGGER {table}_refuse_delete BEFORE DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION mentorprogram_refuse_delete();
CREATE TRIGGER {table}_refuse_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION mentorprogram_refuse_delete();
"""
    for table in KEPT
)

REVERSE = (
    "".join(
        f"DROP TRIGGER IF EXISTS {t}_refuse_delete ON {t}; DROP TRIGGER IF EXISTS {t}_refuse_truncate ON {t};"
        for t in KEPT
    )
    + """
DROP TRIGGER IF EXISTS sessionaddendum_refuse_update ON mentorsessions_sessionaddendum;
DROP TRIGGER IF EXISTS concernsignal_guard_update ON mentorsessions_concernsignal;
DROP TRIGGER IF EXISTS mentorsession_guard_update ON mentorsessions_mentorsession;
DROP FUNCTION IF EXISTS concernsignal_guard_update();
DROP FUNCTION IF EXISTS mentorsession_guard_update();
DROP FUNCTION IF EXISTS mentorprogram_refuse_delete();
"""
)


class Migration(migrations.Migration):
    dependencies = [("mentorsessions", "0001_sessions_and_concern_signals")]

    operations = [migrations.RunSQL(SQL, REVERSE)]

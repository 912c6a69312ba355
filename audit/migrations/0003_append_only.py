"""The audit trail is append-only in PostgreSQL itself.

Triggers refuse UPDATE, DELETE and TRUNCATE on every trail table, whoever
asks and however (ORM, raw SQL, a bulk path, psql). Another trigger copies the
actor's username and name into each new row, so the row stays readable on its
own whatever happens to the user later. Users cannot be deleted either (they
are deactivated), so no foreign key into the trail can dangle.
"""

from django.db import migrations

TRAIL_TABLES = ["audit_modelchange", "audit_auditevent", "audit_accessevent"]

FUNCTIONS = """
CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE FUNCTION audit_copy_actor() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.actor_id IS NOT NULL THEN
        SELECT u.username, btrim(u.first_name || ' ' || u.last_name)
          INTO NEW.actor_username, NEW.actor_name
          FROM mentorprogram_user u WHERE u.id = NEW.actor_id;
    END IF;
    RETURN NEW;
END;
$$;

CREATE FUNCTION user_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'users are deactivated, never deleted: the audit trail names them'
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER user_refuse_delete BEFORE DELETE ON mentorprogram_user
    FOR EACH ROW EXECUTE FUNCTION user_refuse_delete();
CREATE TRIGGER user_refuse_truncate BEFORE TRUNCATE ON mentorprogram_user
    FOR EACH STATEMENT EXECUTE FUNCTION user_refuse_delete();
"""

TABLE_TRIGGERS = """
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER {table}_copy_actor BEFORE INSERT ON {table}
    FOR EACH ROW EXECUTE FUNCTION audit_copy_actor();
"""

REVERSE = (
    "".join(
        f"DROP TRIGGER IF EXISTS {t}_append_only ON {t}; DROP TRIGGER IF EXISTS {t}_no_truncate ON {t}; "
        f"DROP TRIGGER IF EXISTS {t}_copy_actor ON {t};"
        for t in TRAIL_TABLES
    )
    + "DROP TRIGGER IF EXISTS user_refuse_delete ON mentorprogram_user;"
    + "DROP TRIGGER IF EXISTS user_refuse_truncate ON mentorprogram_user;"
    + "DROP FUNCTION IF EXISTS audit_refuse_change(); DROP FUNCTION IF EXISTS audit_copy_actor();"
    + "DROP FUNCTION IF EXISTS user_refuse_delete();"
)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_initial"),
        ("mentorprogram", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(FUNCTIONS + "".join(TABLE_TRIGGERS.format(table=t) for t in TRAIL_TABLES), REVERSE),
    ]

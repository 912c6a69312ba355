"""Records are removed only by erasure under the retention rules, and each removal is noted where nobody can forge it.

- ``audit_erasure`` and ``audit_erasedrow`` are append-only (triggers) and the
  runtime role may only read them (``grant_runtime_role``): their rows are
  written by functions the schema owner owns, never by the application.
- ``audit_guard_record_delete()`` is the delete trigger of every kept record
  (sessions, addenda, concern signals, disclosures, consents, emergency
  access). It accepts a DELETE only when an erasure of the row's case was
  opened in the same transaction (by ``retention_erasure_open``, which
  checks the case is due), and notes the row in ``audit_erasedrow``. It runs
  as its owner (SECURITY DEFINER), so the runtime role can trigger the note
  but never write one itself. Its arguments name the column that holds the
  case, or a column and the table to find the case through (an addendum's
  session).
- Erasures recorded before this migration as ``case_erased`` events (the
  only record there was) are carried over, so a database migrated from
  before still verifies.
"""

from django.db import migrations

SQL = """
CREATE TRIGGER audit_erasure_append_only BEFORE UPDATE OR DELETE ON audit_erasure
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_erasure_no_truncate BEFORE TRUNCATE ON audit_erasure
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_erasedrow_append_only BEFORE UPDATE OR DELETE ON audit_erasedrow
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_erasedrow_no_truncate BEFORE TRUNCATE ON audit_erasedrow
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

CREATE FUNCTION audit_guard_record_delete() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_case bigint;
    v_erasure bigint;
BEGIN
    IF TG_NARGS = 2 THEN
        EXECUTE format('SELECT case_id FROM public.%I WHERE id = $1', TG_ARGV[1]) INTO v_case
            USING (to_jsonb(OLD) ->> TG_ARGV[0])::bigint;
    ELSE
        v_case := (to_jsonb(OLD) ->> TG_ARGV[0])::bigint;
    END IF;
    SELECT e.id INTO v_erasure FROM public.audit_erasure e
     WHERE e.txid = txid_current() AND e.kind = 'case' AND e.case_pk = v_case;
    IF v_erasure IS NULL THEN
        RAISE EXCEPTION '% on % is refused: records are voided or corrected, never removed', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO public.audit_erasedrow (erasure_id, "table", row_id, erased_at)
         VALUES (v_erasure, TG_TABLE_NAME, OLD.id, now());
    RETURN OLD;
END;
$$;
REVOKE ALL ON FUNCTION audit_guard_record_delete() FROM PUBLIC;
"""

REVERSE = """
DROP FUNCTION IF EXISTS audit_guard_record_delete();
DROP TRIGGER IF EXISTS audit_erasure_append_only ON audit_erasure;
DROP TRIGGER IF EXISTS audit_erasure_no_truncate ON audit_erasure;
DROP TRIGGER IF EXISTS audit_erasedrow_append_only ON audit_erasedrow;
DROP TRIGGER IF EXISTS audit_erasedrow_no_truncate ON audit_erasedrow;
"""


def carry_over_recorded_erasures(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    Erasure = apps.get_model("audit", "Erasure")
    ErasedRow = apps.get_model("audit", "ErasedRow")
    for event in AuditEvent.objects.filter(action="referral_erased").order_by("pk"):
        data = event.data or {}
        if data.get("referral"):
            Erasure.objects.create(
                kind="referral",
                referral_pk=data["referral"],
                retention_run_pk=data.get("run") or 0,
                actor_id=event.actor_id,
                txid=0,
                opened_at=event.timestamp,
            )
    for event in AuditEvent.objects.filter(action="case_erased").order_by("pk"):
        data = event.data or {}
        if not data.get("case"):
            continue
        erasure = Erasure.objects.create(
            kind="case",
            case_pk=data["case"],
            retention_run_pk=data.get("run") or 0,
            actor_id=event.actor_id,
            txid=0,
            opened_at=event.timestamp,
        )
        ErasedRow.objects.bulk_create(  # audit: carried over from the case_erased event, itself in the trail
            [
                ErasedRow(erasure=erasure, table=table, row_id=row_id, erased_at=event.timestamp)
                for table, ids in (data.get("erased_rows") or {}).items()
                for row_id in ids
            ],
            ignore_conflicts=True,
        )


class Migration(migrations.Migration):
    dependencies = [("audit", "0012_erasure_records_and_chain_stages")]

    operations = [
        migrations.RunSQL(SQL, REVERSE),
        migrations.RunPython(carry_over_recorded_erasures, migrations.RunPython.noop),
    ]

"""The hash chain over the audit trail: sealing new rows, verifying the whole chain, exporting its head.

Rows are sealed after they are written, not while: a trigger that chained
each insert would hold one lock for the rest of every transaction that writes
to the trail (almost all of them) and serialise the whole application. The
sealer runs every few seconds (beat) under an advisory lock, so links are
appended one at a time and the chain stays one line; a unique constraint on
``prev_hash`` makes a fork impossible even so.

A row's content hash is computed by PostgreSQL from the stored row itself
(``to_jsonb(row)::text``, whose key order is fixed), so the sealer and the
verifier hash exactly the same bytes.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from audit.models import ChainLink

GENESIS = "0" * 64
# pg_advisory_xact_lock key: one sealer at a time.
SEAL_LOCK = 7_140_196
# Trail models, in the order a sealing run takes them, with the column that says when a row was written.
TRAIL_MODELS = {
    "audit.ModelChange": "timestamp",
    "audit.AuditEvent": "timestamp",
    "audit.AccessEvent": "timestamp",
    "disclosures.Disclosure": "recorded_at",
}
# The content hash of a row covers the columns its table had when the link
# was sealed: a link records the spec it was sealed under, and the columns
# added in a later spec are left out of its hash, so that adding a column to
# a trail table never makes the rows sealed before look altered.
CHAIN_SPEC = 2
COLUMNS_ADDED: dict[str, dict[int, tuple[str, ...]]] = {
    "audit_accessevent": {2: ("case_pks", "participant_pks", "outside_assignment")},
}
# Every column of every chained table, as of CHAIN_SPEC. A migration that adds
# a column to one of them raises CHAIN_SPEC, names the column in COLUMNS_ADDED
# and here; a test compares this with the database, so none is forgotten.
CHAINED_COLUMNS: dict[str, frozenset[str]] = {
    "audit_modelchange": frozenset(
        [
            "id",
            "object_pk",
            "object_id",
            "object_repr",
            "serialized_data",
            "action",
            "changes_text",
            "changes",
            "cid",
            "remote_addr",
            "remote_port",
            "timestamp",
            "additional_data",
            "actor_email",
            "actor_username",
            "actor_name",
            "actor_id",
            "content_type_id",
        ]
    ),
    "audit_auditevent": frozenset(
        [
            "id",
            "actor_username",
            "actor_name",
            "category",
            "action",
            "object_pk",
            "data",
            "remote_addr",
            "timestamp",
            "actor_id",
            "content_type_id",
            "subject_user_id",
        ]
    ),
    "audit_accessevent": frozenset(
        [
            "id",
            "actor_username",
            "actor_name",
            "roles",
            "kind",
            "object_pk",
            "object_pks",
            "path",
            "remote_addr",
            "timestamp",
            "actor_id",
            "content_type_id",
            "case_pks",
            "outside_assignment",
            "participant_pks",
        ]
    ),
    "disclosures_disclosure": frozenset(
        [
            "id",
            "legal_basis",
            "legal_basis_other",
            "recipient_kind",
            "recipient",
            "shared",
            "justification",
            "disclosed_on",
            "decided_by",
            "consulted",
            "participant_informed",
            "informed_on",
            "not_informed_reason",
            "correction_reason",
            "recorded_at",
            "submission_key",
            "case_id",
            "corrects_id",
            "recorded_by_id",
        ]
    ),
}
# A row younger than this may belong to a transaction that has not committed yet.
SEAL_DELAY_SECONDS = 2
# Rows not in the chain this long after they were written are a finding for verify_audit.
UNSEALED_ALERT_SECONDS = 600
# How far below the highest sealed id the sealer looks for rows committed late.
STRAGGLER_WINDOW = 10_000


def trail_tables() -> dict[str, str]:
    """Table name → model label of every chained trail table."""
    return {apps.get_model(label)._meta.db_table: label for label in TRAIL_MODELS}


def _time_column(table: str) -> str:
    return TRAIL_MODELS[trail_tables()[table]]


def content_hash_sql(table: str, spec: int = CHAIN_SPEC) -> str:
    """SQL for the content hash of row «t» of ``table`` under ``spec``, computed by PostgreSQL from the stored row."""
    later = [
        column for version, columns in COLUMNS_ADDED.get(table, {}).items() if version > spec for column in columns
    ]
    document = "to_jsonb(t)"
    if later:
        document = "(to_jsonb(t) - ARRAY[{}]::text[])".format(", ".join(f"'{column}'" for column in later))
    return f"encode(sha256(convert_to({document}::text, 'UTF8')), 'hex')"


def link_hash(prev_hash: str, table: str, row_id: int, content_hash: str) -> str:
    return hashlib.sha256(f"{prev_hash}|{table}|{row_id}|{content_hash}".encode()).hexdigest()


def _unsealed_rows(cursor, table: str, *, after_id: int, written_before, limit: int) -> list[tuple[int, str]]:
    """(id, content hash) of ``table``'s rows with no link yet, oldest id first.

    A set difference (EXCEPT), not NOT EXISTS: right after a bulk load the
    planner's row estimates are stale, and an anti-join it believes tiny can
    turn into a scan of the links for every trail row.
    """
    # audit: the chain reads the trail; it writes only its own links
    cursor.execute(
        f"""
        WITH missing AS (
            SELECT t.id FROM {table} t WHERE t.id > %s AND t.{_time_column(table)} < %s
            EXCEPT
            SELECT l.row_id FROM audit_chainlink l WHERE l."table" = %s AND l.row_id > %s
        )
        SELECT t.id, {content_hash_sql(table)} FROM {table} t JOIN missing m ON m.id = t.id
         ORDER BY t.id LIMIT %s
        """,  # noqa: S608  (table names are ours)
        [after_id, written_before, table, after_id, limit],
    )
    return cursor.fetchall()


def chain_seal(*, limit: int = 5000) -> int:
    """Append a link for every trail row not yet chained (up to ``limit`` per table). Returns how many."""
    sealed = 0
    with transaction.atomic(), connection.cursor() as cursor:
        # audit: the sealer's lock and a read of its own links
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK])
        head = ChainLink.objects.order_by("-position").values_list("link_hash", flat=True).first() or GENESIS
        written_before = timezone.now() - datetime.timedelta(seconds=SEAL_DELAY_SECONDS)
        for table in trail_tables():
            # audit: a read of the chain's own links
            cursor.execute('SELECT coalesce(max(row_id), 0) FROM audit_chainlink WHERE "table" = %s', [table])
            watermark = cursor.fetchone()[0]
            rows = _unsealed_rows(
                cursor,
                table,
                after_id=max(watermark - STRAGGLER_WINDOW, 0),
                written_before=written_before,
                limit=limit,
            )
            links = []
            for row_id, content_hash in rows:
                new_hash = link_hash(head, table, row_id, content_hash)
                links.append(
                    ChainLink(
                        table=table,
                        row_id=row_id,
                        content_hash=content_hash,
                        prev_hash=head,
                        link_hash=new_hash,
                        spec=CHAIN_SPEC,
                    )
                )
                head = new_hash
            ChainLink.objects.bulk_create(links)  # audit: the chain's own rows; the trail rows are untouched
            sealed += len(links)
    return sealed


@dataclass
class Finding:
    position: int | None
    table: str
    row_id: int | None
    what: str

    def __str__(self):
        where = f"link {self.position}" if self.position is not None else "unsealed"
        row = f" {self.table} row {self.row_id}" if self.row_id is not None else f" {self.table}"
        return f"{where}:{row}: {self.what}"


@dataclass
class Verification:
    links: int = 0
    findings: list[Finding] = field(default_factory=list)
    head: str = GENESIS
    head_position: int = 0
    # Chained rows removed by erasure under the retention rules, each named by a CASE_ERASED event.
    erased: int = 0

    @property
    def ok(self) -> bool:
        return not self.findings


def chain_verify(*, batch: int = 5000, heads_file: Path | None = None) -> Verification:
    """Walk the whole chain: every link follows its predecessor, every row still hashes to its link.

    Also reports trail rows left out of the chain for longer than
    UNSEALED_ALERT_SECONDS, and (with ``heads_file``) exported heads the chain
    no longer holds, which is what a database restored from an old backup shows.
    """
    result = Verification()
    erased = _erased_rows()
    expected_prev = GENESIS
    last_position = 0
    tables = trail_tables()
    while True:
        links = list(ChainLink.objects.filter(position__gt=last_position).order_by("position")[:batch])
        if not links:
            break
        current: dict[tuple[str, int], str] = {}
        with connection.cursor() as cursor:
            for table, spec in {(link.table, link.spec) for link in links if link.table in tables}:
                ids = [link.row_id for link in links if link.table == table and link.spec == spec]
                # audit: a read of the rows the links point at
                cursor.execute(
                    f"SELECT t.id, {content_hash_sql(table, spec)} FROM {table} t WHERE t.id = ANY(%s)",  # noqa: S608
                    [ids],
                )
                current.update({(table, row_id): h for row_id, h in cursor.fetchall()})
        for link in links:
            result.links += 1
            if link.table not in tables:
                result.findings.append(Finding(link.position, link.table, link.row_id, "a link to an unknown table"))
            elif link.prev_hash != expected_prev:
                result.findings.append(
                    Finding(
                        link.position,
                        link.table,
                        link.row_id,
                        "the link does not follow its predecessor (a link was removed or altered before it)",
                    )
                )
            elif link.link_hash != link_hash(link.prev_hash, link.table, link.row_id, link.content_hash):
                result.findings.append(Finding(link.position, link.table, link.row_id, "the link itself was altered"))
            row_hash = current.get((link.table, link.row_id))
            if row_hash is None and (link.table, link.row_id) in erased:
                result.erased += 1
            elif row_hash is None:
                result.findings.append(Finding(link.position, link.table, link.row_id, "the row was deleted"))
            elif row_hash != link.content_hash:
                result.findings.append(Finding(link.position, link.table, link.row_id, "the row was altered"))
            expected_prev = link.link_hash
            last_position = link.position
        result.head, result.head_position = expected_prev, last_position
    cutoff = timezone.now() - datetime.timedelta(seconds=UNSEALED_ALERT_SECONDS)
    with connection.cursor() as cursor:
        for table in tables:
            for row_id, _hash in _unsealed_rows(cursor, table, after_id=0, written_before=cutoff, limit=10):
                result.findings.append(Finding(None, table, row_id, "the row was never sealed into the chain"))
    if heads_file is not None:
        result.findings.extend(_check_heads(heads_file))
    return result


def _erased_rows() -> set[tuple[str, int]]:
    """(table, row id) of every chained row an erasure event (itself in the chain) says it removed."""
    from audit.models import AuditEvent

    erased = set()
    for data in AuditEvent.objects.filter(action=AuditEvent.Action.CASE_ERASED).values_list("data", flat=True):
        for table, ids in (data.get("erased_rows") or {}).items():
            erased.update((table, row_id) for row_id in ids)
    return erased


def _check_heads(path: Path) -> list[Finding]:
    findings = []
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        head = json.loads(line)
        link = ChainLink.objects.filter(position=head["position"]).values_list("link_hash", flat=True).first()
        if link != head["link_hash"]:
            findings.append(
                Finding(
                    head["position"],
                    "audit_chainlink",
                    None,
                    f"the head exported at {head['at']} is not in the chain (a restored or rewritten database)",
                )
            )
    return findings


def chain_head_export(*, path: Path) -> dict | None:
    """Append the chain's current head to ``path`` (kept outside the database), as one JSON line."""
    head = ChainLink.objects.order_by("-position").values("position", "link_hash").first()
    if head is None:
        return None
    record = {**head, "at": timezone.now().isoformat()}
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as out:
        out.write(json.dumps(record) + "\n")
    return record

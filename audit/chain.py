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
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from audit.models import AuditEvent, ChainLink, ErasedRow, Erasure

GENESIS = "0" * 64
# pg_advisory_xact_lock key: one sealer at a time.
SEAL_LOCK = 7_140_196
# The content hash of a whole-row link covers the columns its table had when
# the link was sealed: a link records the spec it was sealed under, and the
# columns added in a later spec are left out of its hash, so that adding a
# column to a trail table never makes the rows sealed before look altered.
CHAIN_SPEC = 3
# A row younger than this may belong to a transaction that has not committed yet.
SEAL_DELAY_SECONDS = 2
# Rows not in the chain this long after they were written are a finding for verify_audit.
UNSEALED_ALERT_SECONDS = 600
# How far below the highest sealed id the sealer looks for rows committed late.
STRAGGLER_WINDOW = 10_000
# How far before the newest sealed step of a kind the sealer looks for steps committed late.
STRAGGLER_TIME = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class Stage:
    """One step in which a record becomes final, sealed once into the chain.

    A trail row is final as written (one stage, the whole row). A record
    that grows by fixed steps (a session, then perhaps its voiding; a concern
    signal, then its acknowledgement) has one stage per step, each covering
    the columns that step writes and final from the moment in ``written``
    (plus ``final_after``: a session's content is final when its edit window
    closes). The database's own triggers keep a sealed step from changing, so
    a link never needs to be sealed twice, and any change by any path is
    named by ``verify_audit``.
    """

    name: str = ""
    written: str = "timestamp"
    final_after: datetime.timedelta = datetime.timedelta(0)
    # The columns its hash covers; None: the whole row (minus columns added in a later spec).
    columns: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Chained:
    label: str
    stages: tuple[Stage, ...]
    # Append-only rows that are final as inserted: new ones are found by an id watermark.
    by_id: bool
    # Every column of the table, for a whole-row stage as of CHAIN_SPEC, for others in a stage or ``unsealed``.
    columns: frozenset[str]
    columns_added: dict[int, tuple[str, ...]]

    @property
    def model(self):
        return apps.get_model(self.label)

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    def stage(self, name: str) -> Stage | None:
        return next((stage for stage in self.stages if stage.name == name), None)


_chained: dict[str, Chained] = {}


def chain_register(
    label: str,
    *stages: Stage,
    by_id: bool = False,
    columns: tuple[str, ...] = (),
    unsealed: tuple[str, ...] = (),
    columns_added: dict[int, tuple[str, ...]] | None = None,
) -> None:
    """Seal the rows of model ``label`` into the hash chain, each stage once it is final.

    Called by each app from its ``AppConfig.ready()`` for the records it owns.
    A whole-row stage (``columns=None``) lists the table's columns in
    ``columns``; staged records list theirs per stage and name the columns
    deliberately left out in ``unsealed``. A test compares these with the
    database, so a column added later is a decision, not an accident.
    """
    stages = stages or (Stage(),)
    known = set(columns) | set(unsealed)
    for stage in stages:
        if stage.columns is not None:
            known |= set(stage.columns)
    _chained[label] = Chained(
        label=label, stages=tuple(stages), by_id=by_id, columns=frozenset(known), columns_added=columns_added or {}
    )


def chained() -> list[Chained]:
    """Every registered record, in the order a sealing run takes them."""
    return list(_chained.values())


def trail_tables() -> dict[str, str]:
    """Table name → model label of every chained table."""
    return {entry.table: entry.label for entry in _chained.values()}


def _by_table() -> dict[str, Chained]:
    return {entry.table: entry for entry in _chained.values()}


def _entry(table: str) -> Chained | None:
    return _by_table().get(table)


def content_hash_sql(table: str, spec: int = CHAIN_SPEC, stage: Stage | None = None) -> str:
    """SQL for the content hash of row «t» of ``table``, computed by PostgreSQL from the stored row."""
    if stage is not None and stage.columns is not None:
        document = "jsonb_build_object({})".format(", ".join(f"'{column}', t.{column}" for column in stage.columns))
    else:
        entry = _entry(table)
        added = entry.columns_added if entry else {}
        later = [column for version, columns in added.items() if version > spec for column in columns]
        document = "to_jsonb(t)"
        if later:
            document = "(to_jsonb(t) - ARRAY[{}]::text[])".format(", ".join(f"'{column}'" for column in later))
    return f"encode(sha256(convert_to({document}::text, 'UTF8')), 'hex')"


def _link_key(table: str, stage: str) -> str:
    """What a link's hash names: the table, and the step for a record sealed in steps."""
    return f"{table}#{stage}" if stage else table


def link_hash(prev_hash: str, table: str, row_id: int, content_hash: str) -> str:
    return hashlib.sha256(f"{prev_hash}|{table}|{row_id}|{content_hash}".encode()).hexdigest()


def _unsealed_rows(cursor, table: str, *, after_id: int, written_before, limit: int) -> list[tuple[int, str]]:
    """(id, content hash) of a whole-row table's rows with no link yet, oldest id first.

    A set difference (EXCEPT), not NOT EXISTS: right after a bulk load the
    planner's row estimates are stale, and an anti-join it believes tiny can
    turn into a scan of the links for every trail row.
    """
    written = _entry(table).stages[0].written
    # audit: the chain reads the trail; it writes only its own links
    cursor.execute(
        f"""
        WITH missing AS (
            SELECT t.id FROM {table} t WHERE t.id > %s AND t.{written} < %s
            EXCEPT
            SELECT l.row_id FROM audit_chainlink l WHERE l."table" = %s AND l.stage = '' AND l.row_id > %s
        )
        SELECT t.id, {content_hash_sql(table)} FROM {table} t JOIN missing m ON m.id = t.id
         ORDER BY t.id LIMIT %s
        """,  # noqa: S608  (table names are ours)
        [after_id, written_before, table, after_id, limit],
    )
    return cursor.fetchall()


def _unsealed_steps(cursor, table: str, stage: Stage, *, written_from, written_before, limit: int):
    """(id, content hash, written) of rows whose ``stage`` is final and has no link yet, oldest step first."""
    # audit: the chain reads the records; it writes only its own links
    cursor.execute(
        f"""
        SELECT t.id, {content_hash_sql(table, stage=stage)}, t.{stage.written} FROM {table} t
         WHERE t.{stage.written} >= %s AND t.{stage.written} < %s
           AND NOT EXISTS (SELECT 1 FROM audit_chainlink l
                            WHERE l."table" = %s AND l.stage = %s AND l.row_id = t.id)
         ORDER BY t.{stage.written}, t.id LIMIT %s
        """,  # noqa: S608  (table and column names are ours)
        [written_from, written_before - stage.final_after, table, stage.name, limit],
    )
    return cursor.fetchall()


def chain_seal(*, limit: int = 5000) -> int:
    """Append a link for every final step not yet chained (up to ``limit`` per table and step). Returns how many."""
    sealed = 0
    with transaction.atomic(), connection.cursor() as cursor:
        # audit: the sealer's lock and a read of its own links
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK])
        head = ChainLink.objects.order_by("-position").values_list("link_hash", flat=True).first() or GENESIS
        written_before = timezone.now() - datetime.timedelta(seconds=SEAL_DELAY_SECONDS)
        for entry in chained():
            table = entry.table
            for stage in entry.stages:
                if entry.by_id:
                    # audit: a read of the chain's own links
                    cursor.execute(
                        """SELECT coalesce(max(row_id), 0) FROM audit_chainlink WHERE "table" = %s AND stage = ''""",
                        [table],
                    )
                    watermark = cursor.fetchone()[0]
                    rows = [
                        (row_id, content_hash, None)
                        for row_id, content_hash in _unsealed_rows(
                            cursor,
                            table,
                            after_id=max(watermark - STRAGGLER_WINDOW, 0),
                            written_before=written_before,
                            limit=limit,
                        )
                    ]
                else:
                    newest = (
                        ChainLink.objects.filter(table=table, stage=stage.name, written_at__isnull=False)
                        .order_by("-written_at")
                        .values_list("written_at", flat=True)
                        .first()
                    )
                    rows = _unsealed_steps(
                        cursor,
                        table,
                        stage,
                        written_from=newest - STRAGGLER_TIME
                        if newest
                        else datetime.datetime.min.replace(tzinfo=datetime.UTC),
                        written_before=written_before,
                        limit=limit,
                    )
                links = []
                for row_id, content_hash, written_at in rows:
                    new_hash = link_hash(head, _link_key(table, stage.name), row_id, content_hash)
                    links.append(
                        ChainLink(
                            table=table,
                            row_id=row_id,
                            stage=stage.name,
                            content_hash=content_hash,
                            prev_hash=head,
                            link_hash=new_hash,
                            written_at=written_at,
                            spec=CHAIN_SPEC,
                        )
                    )
                    head = new_hash
                ChainLink.objects.bulk_create(links)  # audit: the chain's own rows; the records are untouched
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

    Also reports steps left out of the chain for longer than
    UNSEALED_ALERT_SECONDS, and compares the chain with the exported heads
    (``heads_file``, by default ``AUDIT_HEAD_EXPORT_PATH`` when it exists): a
    head the chain no longer holds, or a chain shorter than the newest head,
    is what a database restored from an old backup or rewritten shows. A
    chained row that is gone is accepted only where the database's privileged
    erasure noted it (``audit.ErasedRow``), never on an event.
    """
    result = Verification()
    erased = _erased_rows()
    expected_prev = GENESIS
    last_position = 0
    # Looked up once, not per link: the walk visits millions of links.
    entries = _by_table()
    while True:
        links = list(ChainLink.objects.filter(position__gt=last_position).order_by("position")[:batch])
        if not links:
            break
        current: dict[tuple[str, str, int], str] = {}
        with connection.cursor() as cursor:
            for table, stage_name, spec in {(link.table, link.stage, link.spec) for link in links}:
                entry = entries.get(table)
                stage = entry.stage(stage_name) if entry else None
                if stage is None:
                    continue
                ids = [
                    link.row_id
                    for link in links
                    if link.table == table and link.stage == stage_name and link.spec == spec
                ]
                # audit: a read of the rows the links point at
                cursor.execute(
                    f"SELECT t.id, {content_hash_sql(table, spec, stage)} FROM {table} t WHERE t.id = ANY(%s)",  # noqa: S608
                    [ids],
                )
                current.update({(table, stage_name, row_id): h for row_id, h in cursor.fetchall()})
        for link in links:
            result.links += 1
            entry = entries.get(link.table)
            if entry is None or entry.stage(link.stage) is None:
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
            elif link.link_hash != link_hash(
                link.prev_hash, _link_key(link.table, link.stage), link.row_id, link.content_hash
            ):
                result.findings.append(Finding(link.position, link.table, link.row_id, "the link itself was altered"))
            row_hash = current.get((link.table, link.stage, link.row_id))
            if row_hash is None and (link.table, link.row_id) in erased:
                result.erased += 1
            elif row_hash is None:
                result.findings.append(Finding(link.position, link.table, link.row_id, "the row was deleted"))
            elif row_hash != link.content_hash:
                what = f"the row's «{link.stage}» step was altered" if link.stage else "the row was altered"
                result.findings.append(Finding(link.position, link.table, link.row_id, what))
            expected_prev = link.link_hash
            last_position = link.position
        result.head, result.head_position = expected_prev, last_position
    cutoff = timezone.now() - datetime.timedelta(seconds=UNSEALED_ALERT_SECONDS)
    with connection.cursor() as cursor:
        for entry in chained():
            if entry.by_id:
                for row_id, _hash in _unsealed_rows(cursor, entry.table, after_id=0, written_before=cutoff, limit=10):
                    result.findings.append(
                        Finding(None, entry.table, row_id, "the row was never sealed into the chain")
                    )
                continue
            for stage in entry.stages:
                for row_id, _hash, _written in _unsealed_steps(
                    cursor,
                    entry.table,
                    stage,
                    written_from=datetime.datetime.min.replace(tzinfo=datetime.UTC),
                    written_before=cutoff,
                    limit=10,
                ):
                    what = f"its «{stage.name}» step" if stage.name else "the row"
                    result.findings.append(
                        Finding(None, entry.table, row_id, f"{what} was never sealed into the chain")
                    )
    result.findings.extend(_unbacked_erasure_events())
    if heads_file is None and getattr(settings, "AUDIT_HEAD_EXPORT_PATH", ""):
        default = Path(settings.AUDIT_HEAD_EXPORT_PATH)
        heads_file = default if default.exists() else None
    if heads_file is not None:
        result.findings.extend(_check_heads(heads_file, head_position=result.head_position))
    return result


def _erased_rows() -> set[tuple[str, int]]:
    """(table, row id) of every row the database's privileged erasure removed and noted."""
    return set(ErasedRow.objects.values_list("table", "row_id"))


def _unbacked_erasure_events() -> list[Finding]:
    """Erasure events no privileged erasure record backs: written by someone who may insert into the trail.

    The runtime role may write events, so an event claiming an erasure proves
    nothing; the database's erasure function writes the record that does.
    """
    backed = {
        AuditEvent.Action.CASE_ERASED: set(Erasure.objects.filter(kind="case").values_list("case_pk", flat=True)),
        AuditEvent.Action.REFERRAL_ERASED: set(
            Erasure.objects.filter(kind="referral").values_list("referral_pk", flat=True)
        ),
    }
    key = {AuditEvent.Action.CASE_ERASED: "case", AuditEvent.Action.REFERRAL_ERASED: "referral"}
    findings = []
    events = AuditEvent.objects.filter(action__in=list(backed)).values_list("pk", "action", "data")
    for pk, action, data in events:
        if (data or {}).get(key[action]) not in backed[action]:
            findings.append(
                Finding(None, "audit_auditevent", pk, "an erasure event that no erasure record backs (forged)")
            )
    return findings


def _check_heads(path: Path, *, head_position: int) -> list[Finding]:
    """Each exported head must still be in the chain, and the chain must reach the newest of them."""
    findings = []
    newest = None
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        head = json.loads(line)
        if newest is None or head["position"] > newest["position"]:
            newest = head
        link = ChainLink.objects.filter(position=head["position"]).values_list("link_hash", flat=True).first()
        if link is not None and link != head["link_hash"]:
            findings.append(
                Finding(
                    head["position"],
                    "audit_chainlink",
                    None,
                    f"the chain differs from the head exported at {head['at']} (a rewritten database)",
                )
            )
    if newest is not None and newest["position"] > head_position:
        findings.append(
            Finding(
                newest["position"],
                "audit_chainlink",
                None,
                f"the chain ends at link {head_position}, behind the head exported at {newest['at']} "
                f"(link {newest['position']}): a database restored from an older backup, or links removed",
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

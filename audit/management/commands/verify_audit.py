from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.chain import chain_seal, chain_verify


class Command(BaseCommand):
    help = (
        "Walk the audit trail's hash chain and name the first broken link: an altered or deleted row, "
        "a removed or altered link, rows never sealed, or (with --heads) exported heads the database no longer holds."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seal", action="store_true", help="seal rows written since the last sealing run first")
        parser.add_argument("--heads", type=Path, help="a file of exported chain heads (AUDIT_HEAD_EXPORT_PATH)")

    def handle(self, *args, seal, heads, **options):
        if seal:
            self.stdout.write(f"Sealed {chain_seal(limit=1_000_000)} new rows.")
        result = chain_verify(heads_file=heads)
        if result.ok:
            self.stdout.write(
                self.style.SUCCESS(
                    f"The audit chain is unbroken: {result.links} links, head {result.head_position} {result.head}."
                )
            )
            if result.erased:
                self.stdout.write(
                    f"{result.erased} chained rows were erased under the retention rules, each on record."
                )
            return
        self.stderr.write(f"First broken link: {result.findings[0]}")
        for finding in result.findings[1:20]:
            self.stderr.write(f"  also: {finding}")
        raise CommandError(f"The audit chain is broken: {len(result.findings)} finding(s) in {result.links} links.")

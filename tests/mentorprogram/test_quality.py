"""The checks that keep the code base honest: lint, migrations, catalogues."""

import os
import subprocess
import sys

import pytest
from django.core.management import call_command

from tests.conftest import ROOT


def test_ruff_finds_nothing():
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "ruff"), "check", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_every_model_change_has_a_migration():
    # Raises SystemExit(1) when a migration is missing.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_the_norwegian_catalogue_translates_every_string():
    po = ROOT / "locale" / "nb" / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_catalogues_are_compiled_and_current(language):
    directory = ROOT / "locale" / language / "LC_MESSAGES"
    po, mo = directory / "django.po", directory / "django.mo"
    assert mo.exists(), "run `make install` to compile the catalogues"
    assert mo.stat().st_mtime >= po.stat().st_mtime, "the .mo file is older than its .po file"


def test_the_catalogues_hold_every_string_in_the_code(tmp_path):
    """makemessages on a copy finds no msgid that locale/nb lacks."""
    po = ROOT / "locale" / "nb" / "LC_MESSAGES" / "django.po"
    before = _msgids(po.read_text())
    script = (
        "import django, os, shutil;"
        "django.setup();"
        "from django.core.management import call_command;"
        "call_command('makemessages', locale=['nb'], ignore_patterns=['.venv/*', 'node_modules/*', 'staticfiles/*', 'var/*'], no_obsolete=True, verbosity=0)"
    )
    backup, stat = po.read_bytes(), po.stat()
    try:
        subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, capture_output=True, text=True)
        after = _msgids(po.read_text())
    finally:
        po.write_bytes(backup)
        os.utime(po, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert after - before == set(), "run `make messages` and translate the new strings"


def _msgids(text: str) -> set[str]:
    ids, current, in_id = set(), [], False
    for line in text.splitlines():
        if line.startswith("msgid "):
            current, in_id = [line[6:].strip('"')], True
        elif in_id and line.startswith('"'):
            current.append(line.strip('"'))
        else:
            if in_id:
                ids.add("".join(current))
            in_id = False
    return ids - {""}

"""Every write that skips django-auditlog's signals is visible and explained.

``QuerySet.update()``, ``bulk_create``/``bulk_update``, ``.raw()`` and
``cursor.execute()`` write without a model's save signals, so django-auditlog
never sees them. In application code each such call must carry a marker on its
line (or the line above): ``# audit: <why this write needs no field-change
row, or which audit event records it>``. A new call without one fails here.
"""

import ast
from pathlib import Path

from django.apps import apps as django_apps

from tests.conftest import ROOT

BYPASSING_CALLS = {"update", "bulk_create", "bulk_update", "raw", "execute", "executemany"}
# Every app of the project, from INSTALLED_APPS: an app added later is checked too.
APP_DIRS = sorted(config.name for config in django_apps.get_app_configs() if (ROOT / config.name).is_dir())
MARKER = "# audit:"


def app_files():
    for directory in APP_DIRS:
        for path in sorted((ROOT / directory).rglob("*.py")):
            if "migrations" in path.parts or "testing" in path.parts:
                continue
            yield path


def unexplained_calls(path: Path) -> list[str]:
    source = path.read_text()
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in BYPASSING_CALLS:
            continue
        if node.func.attr == "update" and (node.args or not node.keywords):
            continue  # QuerySet.update takes keywords only; dict.update(mapping) and set.update(items) write nothing
        here = lines[node.lineno - 1]
        above = lines[node.lineno - 2] if node.lineno > 1 else ""
        if MARKER not in here and MARKER not in above.strip()[:200]:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: .{node.func.attr}(…)")
    return found


def test_every_write_that_skips_the_audit_says_why():
    problems = [problem for path in app_files() for problem in unexplained_calls(path)]
    assert problems == [], "writes that bypass django-auditlog without an «# audit:» note:\n" + "\n".join(problems)

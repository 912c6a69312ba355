"""The import contracts in pyproject.toml hold, and every app of the project has its place in them."""

import subprocess
import sys
import tomllib
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent


def _contracts():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def test_the_import_contracts_hold():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_every_app_of_the_project_has_its_place_in_the_contracts():
    ours = {config.name for config in apps.get_app_configs() if (ROOT / config.name).is_dir()}
    config = _contracts()
    assert ours == set(config["root_packages"]), "add the new app to [tool.importlinter] root_packages"
    layered = {
        name.strip(" ()")
        for contract in config["contracts"]
        if contract["id"] == "apps"
        for layer in contract["layers"]
        for name in layer.replace(":", "|").split("|")
    }
    assert ours - {"mentorprogram"} == layered, "give the new app its layer in the «apps» contract"


def test_no_module_is_longer_than_a_person_can_hold_in_their_head():
    """500 lines at most (STYLE.md): past that a module becomes a package that re-exports from __init__."""
    ours = sorted(config.name for config in apps.get_app_configs() if (ROOT / config.name).is_dir())
    long = [
        f"{path.relative_to(ROOT)}: {count}"
        for name in ours
        for path in (ROOT / name).rglob("*.py")
        if "migrations" not in path.parts and (count := len(path.read_text().splitlines())) > 500
    ]
    assert long == []

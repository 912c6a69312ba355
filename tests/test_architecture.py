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

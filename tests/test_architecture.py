"""The import layers of pyproject.toml's ``[tool.importlinter]`` hold."""

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def test_the_import_layers_hold():
    done = subprocess.run([str(Path(sys.executable).parent / "lint-imports")], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def _contracts() -> dict[str, dict]:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return {contract["name"]: contract for contract in config["contracts"]}


def _top_level_modules() -> set[str]:
    package = ROOT / "newsarchive"
    found = {f"newsarchive.{path.stem}" for path in package.glob("*.py") if path.stem != "__init__"}
    found |= {f"newsarchive.{path.parent.name}" for path in package.glob("*/__init__.py")}
    return found


def test_every_module_has_a_layer_and_only_the_archive_may_speak_sqlite():
    # A new module outside the contracts would be held by none of them.
    contracts = _contracts()
    layered = {name.strip() for layer in contracts["Layers"]["layers"] for name in layer.split("|")}
    assert _top_level_modules() == layered
    sqlite = contracts["Only the archive speaks SQLite"]
    assert set(sqlite["source_modules"]) == _top_level_modules() - {"newsarchive.archive"}

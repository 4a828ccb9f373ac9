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

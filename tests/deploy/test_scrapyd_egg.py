"""`scrapyd-deploy local` as the README says: the egg it builds (with
``python setup.py bdist_egg`` and the venv's own setuptools) carries the
project's settings entry point, and scrapyd's egg runner loads them."""

from __future__ import annotations

import shutil
import subprocess
import sys

from tests.conftest import ROOT

LOAD = """
import sys
from scrapyd.runner import activate_egg
activate_egg(sys.argv[1])
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings
settings = get_project_settings()
print(settings.get("BOT_NAME"), settings.get("COMMANDS_MODULE"), settings.getbool("REMOTE_CONTROL_ENABLED"))
print(" ".join(sorted(SpiderLoader.from_settings(settings).list())))
"""


def test_the_egg_scrapyd_deploy_builds_loads_the_projects_settings(tmp_path):
    project = tmp_path / "project"  # what scrapyd-deploy packs, without the venv and the tests
    shutil.copytree(ROOT / "newsarchive", project / "newsarchive", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("scrapy.cfg", "setup.py", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, project / name)
    eggs = tmp_path / "eggs"
    built = subprocess.run([sys.executable, "setup.py", "clean", "-a", "bdist_egg", "-d", str(eggs)],
                           cwd=project, capture_output=True, text=True)
    assert built.returncode == 0, built.stdout + built.stderr
    (egg,) = eggs.glob("*.egg")
    loaded = subprocess.run([sys.executable, "-c", LOAD, str(egg)], cwd=tmp_path, capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin"})
    assert loaded.returncode == 0, loaded.stderr
    settings, spiders = loaded.stdout.splitlines()
    assert settings == "newsarchive newsarchive.commands False"
    assert spiders == "backfill islamtimes news"

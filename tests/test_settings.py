import ast
import importlib
import os
import re
import subprocess
import sys

from scrapy.settings import Settings

from newsarchive import settings as project_settings
from tests.conftest import ROOT


def test_scrapy_list_names_the_spider():
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "scrapy_strict.py"), "list"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    assert done.stdout.split() == ["backfill", "islamtimes", "news"]


def test_polite_and_safe_defaults():
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getfloat("DOWNLOAD_DELAY") >= 1
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False
    assert settings.getbool("TELNETCONSOLE_ENABLED") is False
    assert list(settings.getdict("ITEM_PIPELINES")) == [
        "newsarchive.pipelines.dedupe.DeduplicateStoriesPipeline",
        "newsarchive.pipelines.store.StoreArchivePipeline",
    ]


def readme_settings() -> dict[str, str]:
    """The README's settings table: name -> the default it states."""
    rows = {}
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\| `(NEWSARCHIVE_[A-Z_]+)` \| ([^|]+) \|", line)
        if match:
            rows[match.group(1)] = match.group(2).strip()
    return rows


def stated(default: str):
    """A README default as a value: ``empty`` (with what it means), or a literal in backticks."""
    if default.startswith("empty"):
        return ""
    literal = re.fullmatch(r"`([^`]*)`", default)
    assert literal, f"{default!r}: state a default as `value`, or as empty"
    try:
        return ast.literal_eval(literal.group(1))
    except (ValueError, SyntaxError):
        return literal.group(1)  # a bare string: archive.db, a class path


def test_the_readme_settings_table_states_every_default(monkeypatch):
    for name in [n for n in os.environ if n.startswith("NEWSARCHIVE_")]:
        monkeypatch.delenv(name)
    defaults = importlib.reload(project_settings)
    try:
        ours = {name: getattr(defaults, name) for name in dir(defaults) if name.startswith("NEWSARCHIVE_")}
        table = readme_settings()
        assert sorted(table) == sorted(ours), "the README's table and settings.py name different settings"
        for name, value in ours.items():
            want = stated(table[name])
            if value in ("", {}, None):
                assert want in ("", {}), f"{name}: the README says {table[name]}, settings.py {value!r}"
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                assert isinstance(want, (int, float)) and float(want) == float(value), \
                    f"{name}: the README says {table[name]}, settings.py {value!r}"
            else:
                assert want == value, f"{name}: the README says {table[name]}, settings.py {value!r}"
    finally:
        importlib.reload(project_settings)

"""docs/adding-an-outlet.md, walked as a reader would: its marked blocks,
in order, in a temporary copy of the checkout, through the real commands
(regenerate the expected items, crawl the replayed fixtures). A step of the
page that stops working fails here.

A block is marked by an HTML comment on the line before its fence:

    <!-- walk: write PATH -->      the block is the file PATH
    <!-- walk: run -->             shell commands, run in the checkout
    <!-- walk: output -->          lines the commands before it must print
    <!-- walk: entry-points -->    a plug-in package's pyproject.toml

``walk plug-in:`` marks a block of step 2 (a parser of the outlet's own);
the page is walked once without those blocks and once with them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from newsarchive.replay.expected import comparable
from newsarchive.replay.pages import SavedSite
from newsarchive.sites.engine import SITE
from newsarchive.sites.profiles import PARSER_GROUP, load_profiles
from tests.conftest import ROOT
from tests.helpers import assert_whole_clean_story, stored_rows

DOC = ROOT / "docs" / "adding-an-outlet.md"
#: The page's example, by the names it gives it.
OUTLET = "tinytimes"
PROFILES = "profiles"
PLUGINS = "plugins"
FIXTURES = f"fixtures/{OUTLET}"
ARCHIVE = f"{OUTLET}.db"

MARKED_BLOCK = re.compile(
    r"^<!-- walk(?: (?P<variant>[\w-]+))?: (?P<action>write|run|output|entry-points)(?: (?P<path>\S+))? -->\n"
    r"```[^\n]*\n(?P<text>.*?)^```$",
    re.M | re.S,
)


def marked_blocks(variant: str) -> list[tuple[str, str | None, str]]:
    """(action, path, text) of the blocks a walk takes, in the page's order."""
    text = DOC.read_text(encoding="utf-8")
    blocks = [(m["action"], m["path"], m["text"]) for m in MARKED_BLOCK.finditer(text)
              if m["variant"] in (None, variant)]
    assert blocks, f"{DOC} marks no block for the walk"
    return blocks


def the_venv() -> Path:
    """The environment running the tests, which the page calls .venv."""
    venv = Path(sys.prefix)
    if not (venv / "bin" / "newsarchive").exists():
        pytest.skip(f"{venv} has no newsarchive command: install the package into it (the README's set-up)")
    return venv


def walk(tmp_path: Path, variant: str) -> tuple[Path, subprocess.CompletedProcess, list[str]]:
    """The page's steps in a copy of the checkout: its files written and its
    commands run, one shell script in the page's order (an ``export`` in
    one block holds for the next). Returns the copy, the script's outcome,
    and the lines the page says the commands print."""
    checkout = tmp_path / "checkout"
    (checkout / "fixtures").mkdir(parents=True)
    # What the page's commands use of a checkout: its virtual environment and the fixtures script.
    (checkout / ".venv").symlink_to(the_venv(), target_is_directory=True)
    shutil.copy(ROOT / "fixtures" / "regenerate.py", checkout / "fixtures" / "regenerate.py")
    script, printed = ["set -euo pipefail"], []
    for number, (action, path, text) in enumerate(marked_blocks(variant)):
        if action == "write":
            target = (checkout / path).resolve()
            assert path and target.is_relative_to(checkout.resolve()), f"{path!r} is outside the checkout"
            delimiter = f"WALK_BLOCK_{number}"
            assert delimiter not in text
            script += [f"mkdir -p '{target.parent}'", f"cat > '{target}' <<'{delimiter}'", text.rstrip("\n"), delimiter]
        elif action == "run":
            script.append(text)
        elif action == "output":
            printed += [line.strip() for line in text.splitlines() if line.strip() and line.strip() != "..."]
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSARCHIVE_")}
    done = subprocess.run(["bash", "-c", "\n".join(script)], cwd=checkout, env=env, capture_output=True,
                          text=True, timeout=300)
    return checkout, done, printed


def the_profile(checkout: Path):
    """The outlet's profile as the crawl loads it (its parser importable as
    the page's PYTHONPATH made it)."""
    sys.path.insert(0, str(checkout / PLUGINS))
    before = set(sys.modules)
    try:
        return load_profiles(checkout / PROFILES)[OUTLET]
    finally:
        sys.path.remove(str(checkout / PLUGINS))
        for name in set(sys.modules) - before:
            if getattr(sys.modules[name], "__file__", "") and str(checkout) in sys.modules[name].__file__:
                del sys.modules[name]


@pytest.mark.parametrize("variant", ["profile", "plug-in"])
def test_the_pages_steps_add_an_outlet_whose_stories_its_rules_read(tmp_path, variant):
    checkout, done, printed = walk(tmp_path, variant)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]

    # Step 4 wrote an expected item for each article page, and each is a whole, clean story.
    site = the_profile(checkout)
    saved = SavedSite(checkout / FIXTURES)
    expected = {}
    for page in saved:
        if page.expected is None:
            continue
        assert page.expected.is_file(), f"no expected item written for {page.url}"
        item = json.loads(page.expected.read_text(encoding="utf-8"))
        assert "dropped" not in item, f"{page.url}: {item}"
        assert_whole_clean_story(site, f"{OUTLET}: {page.url}", page.url, item)
        expected[item["story_code"]] = item
    assert expected, f"{FIXTURES} has no article page"

    # Step 6 stored those very stories, each field the profile's rules cover from the site's rules.
    rules = site.page_parser.rule_fields
    assert rules, f"the {variant} walk's profile has no rules of its own"
    if variant == "plug-in":
        assert {"title", "published", "body", "authors"} <= rules, rules
    rows = stored_rows(checkout / ARCHIVE)
    assert set(rows) == set(expected)
    for code, row in rows.items():
        assert comparable(row) == expected[code], code
        assert {field: row["field_sources"].get(field) for field in rules} == dict.fromkeys(rules, SITE), code
    assert "ERROR" not in output, output[-4000:]
    for line in printed:
        assert line in output, f"the page says the commands print {line!r}:\n{done.stdout[-3000:]}"

    # Everything the walk made is in its copy of the checkout.
    assert not (ROOT / FIXTURES).exists() and not (ROOT / ARCHIVE).exists()


def test_the_pages_plug_in_package_registers_its_parser_where_newsarchive_looks(tmp_path):
    """Step 2's pyproject.toml, installed as an installer records it (its
    entry points beside the module), names a parser the profile can use."""
    blocks = marked_blocks("plug-in")
    (project,) = [text for action, _, text in blocks if action == "entry-points"]
    (module,) = [(path, text) for action, path, text in blocks if action == "write" and path.endswith(".py")]
    metadata = tomllib.loads(project)["project"]
    parsers = metadata["entry-points"][PARSER_GROUP]
    assert parsers, f"the page's pyproject.toml registers nothing under {PARSER_GROUP}"
    installed = tmp_path / "site-packages"
    dist_info = installed / f"{metadata['name'].replace('-', '_')}-{metadata['version']}.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {metadata['name']}\nVersion: {metadata['version']}\n", encoding="utf-8")
    (dist_info / "entry_points.txt").write_text(
        f"[{PARSER_GROUP}]\n" + "".join(f"{name} = {value}\n" for name, value in parsers.items()), encoding="utf-8")
    (installed / Path(module[0]).name).write_text(module[1], encoding="utf-8")
    doc = DOC.read_text(encoding="utf-8")
    for name, value in parsers.items():
        assert f'parser = "{name}"' in doc, f"the page never names the installed parser {name!r} in a profile"
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(installed), os.environ.get("PYTHONPATH")]))}
        found = subprocess.run(
            [sys.executable, "-c", "import sys; from newsarchive.sites.profiles import load_parser;"
             "parser = load_parser(sys.argv[1], 'tinytimes.toml'); print(f'{parser.__module__}:{parser.__name__}')", name],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
        assert found.returncode == 0, found.stderr
        assert found.stdout.strip() == value

"""Every newsarchive setting is read once, by ``config.Config``, into a
typed value; components take that value, not the setting."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest
from scrapy.settings import Settings

from newsarchive import config
from newsarchive import settings as project_settings
from newsarchive.config import BadSetting, Config
from tests.conftest import ROOT

#: A valid value other than the default for each setting, with how the config holds it.
CHANGED = {
    "NEWSARCHIVE_DB": ("elsewhere/other.db", lambda c: c.db == Path("elsewhere/other.db")),
    "NEWSARCHIVE_BATCH_SIZE": ("7", lambda c: c.batch_size == 7),
    "NEWSARCHIVE_BATCH_SECONDS": ("0.5", lambda c: c.batch_seconds == 0.5),
    "NEWSARCHIVE_REPLAY": ("fixtures/islamtimes", lambda c: c.replay == "fixtures/islamtimes"),
    "NEWSARCHIVE_PROFILES": ("a.toml, b", lambda c: c.profiles == ("a.toml", "b")),
    "NEWSARCHIVE_TIMEZONES": ('{"islamtimes": "Asia/Kabul"}', lambda c: dict(c.timezones) == {"islamtimes": "Asia/Kabul"}),
    "NEWSARCHIVE_KNOWN_STORIES": ("some.module.Known", lambda c: c.known_stories == "some.module.Known"),
    "NEWSARCHIVE_LEDGER_ENABLED": ("False", lambda c: c.ledger_enabled is False),
    "NEWSARCHIVE_PROGRESS_INTERVAL": ("0", lambda c: c.progress_interval == 0.0),
    "NEWSARCHIVE_DRIFT_FALLBACK_SHARE": ("0.5", lambda c: c.drift.fallback_share == 0.5),
    "NEWSARCHIVE_DRIFT_DROPPED_SHARE": ("0.25", lambda c: c.drift.dropped_share == 0.25),
    "NEWSARCHIVE_DRIFT_MIN_STORIES": ("9", lambda c: c.drift.min_stories == 9),
    "NEWSARCHIVE_REDIS_URL": ("redis://127.0.0.1:1/0", lambda c: c.redis.url == "redis://127.0.0.1:1/0"),
    "NEWSARCHIVE_REDIS_HEARTBEAT": ("0.5", lambda c: c.redis.heartbeat == 0.5),
    "NEWSARCHIVE_REDIS_REQUEUE_AFTER": ("12", lambda c: c.redis.requeue_after == 12.0),
    "NEWSARCHIVE_REDIS_IDLE_CLOSE": ("4", lambda c: c.redis.idle_close == 4.0),
    "NEWSARCHIVE_REDIS_PREFIX": ("other", lambda c: c.redis.prefix == "other"),
    "NEWSARCHIVE_REDIS_SHARDS": ("shard-*.db", lambda c: c.redis.shards == "shard-*.db"),
    "NEWSARCHIVE_WARC_ENABLED": ("0", lambda c: c.warc is None),
    "NEWSARCHIVE_WARC_DIR": ("captures", lambda c: c.warc.folder == Path("captures")),
    "NEWSARCHIVE_WARC_MAX_SIZE": ("1000", lambda c: c.warc.max_size == 1000),
    "NEWSARCHIVE_WARC_GZIP_LEVEL": ("9", lambda c: c.warc.gzip_level == 9),
    "NEWSARCHIVE_WARC_ASSETS": ("False", lambda c: c.warc.assets is False),
    "NEWSARCHIVE_RETRY_AFTER_MAX": ("3", lambda c: c.retry_after_max == 3.0),
    "NEWSARCHIVE_CC_DATA_URL": ("http://127.0.0.1:8/cc/", lambda c: c.web_archives.cc_data_url == "http://127.0.0.1:8/cc/"),
    "NEWSARCHIVE_CC_INDEX_URL": ("http://127.0.0.1:8/", lambda c: c.web_archives.cc_index_url == "http://127.0.0.1:8/"),
    "NEWSARCHIVE_WAYBACK_CDX_URL": ("http://127.0.0.1:8/cdx",
                                    lambda c: c.web_archives.wayback_cdx_url == "http://127.0.0.1:8/cdx"),
    "NEWSARCHIVE_WAYBACK_URL": ("http://127.0.0.1:8/web", lambda c: c.web_archives.wayback_url == "http://127.0.0.1:8/web"),
    "NEWSARCHIVE_WEB_ARCHIVE_RATE": ("6000", lambda c: c.web_archives.rate == 6000.0),
    "NEWSARCHIVE_WEB_ARCHIVE_PAUSE": ("1", lambda c: c.web_archives.pause == 1.0),
}
#: Redis settings are read for a worker of a shared crawl.
SHARED = {"NEWSARCHIVE_REDIS_URL": "redis://127.0.0.1:6379/0"}


def project(**changed) -> Settings:
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    for name, value in changed.items():
        settings.set(name, value, priority="cmdline")
    return settings


def newsarchive_settings() -> list[str]:
    return sorted(name for name in dir(project_settings) if name.startswith("NEWSARCHIVE_"))


def test_the_defaults_as_typed_values():
    defaults = Config.from_settings(project())
    assert defaults.db == Path(project_settings.NEWSARCHIVE_DB)
    assert defaults.batch_size == project_settings.NEWSARCHIVE_BATCH_SIZE and isinstance(defaults.batch_size, int)
    assert defaults.warc is not None and defaults.warc.folder == defaults.db.parent / "warc"
    assert defaults.redis is None  # not a worker of a shared crawl
    assert defaults.drift == config.DriftThresholds(project_settings.NEWSARCHIVE_DRIFT_FALLBACK_SHARE,
                                                     project_settings.NEWSARCHIVE_DRIFT_DROPPED_SHARE,
                                                     project_settings.NEWSARCHIVE_DRIFT_MIN_STORIES)


def test_every_setting_has_a_typed_value():
    assert sorted(CHANGED) == newsarchive_settings(), "a setting the config does not read (or a stale entry)"


@pytest.mark.parametrize("name", sorted(CHANGED))
def test_a_changed_setting_changes_its_value_and_nothing_else(name):
    value, holds = CHANGED[name]
    before = Config.from_settings(project(**SHARED))
    after = Config.from_settings(project(**{**SHARED, name: value}))
    assert holds(after), f"{name}={value!r} is not in the config"
    changed = {f.name for f in dataclasses.fields(Config) if getattr(before, f.name) != getattr(after, f.name)}
    # The WARC files go beside the archive unless told otherwise.
    assert len(changed) == 1 or (name == "NEWSARCHIVE_DB" and changed == {"db", "warc"}), f"{name} changed {sorted(changed)}"


@pytest.mark.parametrize("name, value", [
    ("NEWSARCHIVE_BATCH_SIZE", "0"), ("NEWSARCHIVE_BATCH_SIZE", "many"), ("NEWSARCHIVE_LEDGER_ENABLED", "maybe"),
    ("NEWSARCHIVE_DRIFT_DROPPED_SHARE", "1.5"), ("NEWSARCHIVE_WARC_GZIP_LEVEL", "10"), ("NEWSARCHIVE_DB", ""),
    ("NEWSARCHIVE_TIMEZONES", '{"islamtimes": "Mars/Olympus"}'),
])
def test_a_value_that_makes_no_sense_names_its_setting(name, value):
    with pytest.raises(BadSetting, match=name):
        Config.from_settings(project(**{name: value}))


def test_the_redis_requeue_time_outlasts_three_heartbeats():
    with pytest.raises(BadSetting, match="NEWSARCHIVE_REDIS_REQUEUE_AFTER"):
        Config.from_settings(project(**SHARED, NEWSARCHIVE_REDIS_HEARTBEAT="2", NEWSARCHIVE_REDIS_REQUEUE_AFTER="5"))


def test_only_the_config_reads_newsarchive_settings():
    """No component reads a NEWSARCHIVE_ setting itself (``settings.get*("NEWSARCHIVE_...")``):
    it takes the config's value. The distributed add-on, which changes
    settings before they are final, is the one exception."""
    readers = []
    for path in sorted((ROOT / "newsarchive").rglob("*.py")):
        if path.parent.name == "newsarchive" and path.name in ("config.py", "settings.py"):
            continue  # the reader, and the defaults (some from the environment)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr.startswith("get")
                    and node.args and isinstance(node.args[0], ast.Constant)
                    and str(node.args[0].value).startswith("NEWSARCHIVE_")):
                readers.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.args[0].value}")
    assert readers == ["newsarchive/distributed/__init__.py:36 NEWSARCHIVE_REDIS_URL"]

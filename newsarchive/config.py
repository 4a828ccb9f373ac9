"""newsarchive's settings read once into typed values, each checked.

:meth:`Config.from_settings` is the one reader of every ``NEWSARCHIVE_*``
setting (``settings.py``, ``-s``, the environment): the crawl's components
take their values from :func:`of` (the crawl's config, built once its
settings are final), the ``newsarchive`` commands from the same reader. A
value that makes no sense is a :class:`BadSetting` naming the setting and
what it accepts. Defaults live in ``settings.py`` alone.
"""

from __future__ import annotations

import json
import weakref
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping
from urllib.parse import urlsplit

from dateutil import tz

__all__ = [
    "BadSetting", "Config", "DriftThresholds", "RedisConfig", "WarcConfig", "list_setting", "of", "profile_paths",
    "timezones",
]


class BadSetting(ValueError):
    pass


def list_setting(value) -> list[str]:
    """A list setting or argument: a list, or comma-separated text."""
    if not value:
        return []
    if isinstance(value, (list, tuple)):
        return [v.strip() for v in value if v.strip()]
    return [v.strip() for v in str(value).split(",") if v.strip()]


def profile_paths(settings) -> list[str]:
    """``NEWSARCHIVE_PROFILES``: profile files or folders, a list or comma-separated."""
    return list_setting(settings.get("NEWSARCHIVE_PROFILES"))


def timezones(settings) -> dict[str, str]:
    """``NEWSARCHIVE_TIMEZONES`` (a dict, or JSON text) as a dict of IANA zones."""
    raw = settings.get("NEWSARCHIVE_TIMEZONES") or {}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw) if raw.strip() else {}
        except ValueError:
            raise BadSetting(
                f"NEWSARCHIVE_TIMEZONES must be JSON like '{{\"islamtimes\": \"Asia/Tehran\"}}', not {raw!r}"
            ) from None
    if not isinstance(raw, dict):
        raise BadSetting(f"NEWSARCHIVE_TIMEZONES must map site names to IANA zones, not {raw!r}")
    for site, zone in dict(raw).items():
        if not isinstance(zone, str) or tz.gettz(zone) is None:
            raise BadSetting(f"NEWSARCHIVE_TIMEZONES: {zone!r} (for {site}) is not an IANA time zone")
    return dict(raw)


def _number(settings, name: str, kind=int, low=None, high=None):
    raw = settings.get(name)
    try:
        value = kind(raw)
    except (TypeError, ValueError):
        raise BadSetting(f"{name} must be a {'whole ' if kind is int else ''}number, not {raw!r}") from None
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"from {low} to {high}" if high is not None else f"at least {low}"
        raise BadSetting(f"{name} must be {bounds}, not {raw!r}")
    return value


_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


def _flag(settings, name: str) -> bool:
    raw = settings.get(name)
    if isinstance(raw, bool) or raw is None or isinstance(raw, int):
        return bool(raw)
    text = str(raw).strip().lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise BadSetting(f"{name} must be True or False, not {raw!r}")


def _text(settings, name: str) -> str:
    raw = settings.get(name)
    return "" if raw is None else str(raw)


@dataclass(frozen=True)
class DriftThresholds:
    """When a run's counts raise the drift alarm (``extensions/drift.py``)."""

    fallback_share: float
    dropped_share: float
    min_stories: int


@dataclass(frozen=True)
class WarcConfig:
    folder: Path
    max_size: int
    gzip_level: int
    #: Each story's lead image fetched once and kept too.
    assets: bool = True


@dataclass(frozen=True)
class RedisConfig:
    url: str
    prefix: str
    heartbeat: float
    requeue_after: float
    idle_close: float
    #: The other workers' archives, a glob relative to the folder of this one's.
    shards: str


@dataclass(frozen=True)
class WebArchivesConfig:
    cc_data_url: str
    cc_index_url: str
    wayback_cdx_url: str
    wayback_url: str
    #: Requests a minute to one web archive.
    rate: float
    #: Seconds of pause after a 429.
    pause: float


@dataclass(frozen=True)
class Config:
    db: Path
    batch_size: int
    batch_seconds: float
    #: A folder of saved pages or WARC files to crawl instead of the network ("" for none).
    replay: str
    profiles: tuple[str, ...]
    timezones: Mapping[str, str]
    #: The "already archived?" decision: a class or its dotted path.
    known_stories: Any
    ledger_enabled: bool
    progress_interval: float
    retry_after_max: float
    drift: DriftThresholds
    #: None: WARC capture is off.
    warc: WarcConfig | None
    #: None: not a worker of a shared crawl.
    redis: RedisConfig | None
    #: Where a backfill finds a site's past (and ``import-warc`` a listing's files).
    web_archives: WebArchivesConfig

    @classmethod
    def from_settings(cls, settings) -> Config:
        """Every setting read and checked; :class:`BadSetting` for the first that makes no sense."""
        if not _text(settings, "NEWSARCHIVE_DB"):
            raise BadSetting("NEWSARCHIVE_DB must name the archive's file")
        db = Path(_text(settings, "NEWSARCHIVE_DB"))
        return cls(
            db=db,
            batch_size=_number(settings, "NEWSARCHIVE_BATCH_SIZE", int, 1),
            batch_seconds=_number(settings, "NEWSARCHIVE_BATCH_SECONDS", float, 0.1),
            replay=_text(settings, "NEWSARCHIVE_REPLAY"),
            profiles=tuple(profile_paths(settings)),
            timezones=MappingProxyType(timezones(settings)),
            known_stories=settings.get("NEWSARCHIVE_KNOWN_STORIES"),
            ledger_enabled=_flag(settings, "NEWSARCHIVE_LEDGER_ENABLED"),
            progress_interval=_number(settings, "NEWSARCHIVE_PROGRESS_INTERVAL", float, 0),
            retry_after_max=_number(settings, "NEWSARCHIVE_RETRY_AFTER_MAX", float, 0),
            drift=DriftThresholds(
                fallback_share=_number(settings, "NEWSARCHIVE_DRIFT_FALLBACK_SHARE", float, 0, 1),
                dropped_share=_number(settings, "NEWSARCHIVE_DRIFT_DROPPED_SHARE", float, 0, 1),
                min_stories=_number(settings, "NEWSARCHIVE_DRIFT_MIN_STORIES", int, 1),
            ),
            warc=_warc(settings, db),
            redis=_redis(settings),
            web_archives=WebArchivesConfig(
                cc_data_url=_web_address(settings, "NEWSARCHIVE_CC_DATA_URL"),
                cc_index_url=_web_address(settings, "NEWSARCHIVE_CC_INDEX_URL"),
                wayback_cdx_url=_web_address(settings, "NEWSARCHIVE_WAYBACK_CDX_URL"),
                wayback_url=_web_address(settings, "NEWSARCHIVE_WAYBACK_URL"),
                rate=_number(settings, "NEWSARCHIVE_WEB_ARCHIVE_RATE", float, 0.1),
                pause=_number(settings, "NEWSARCHIVE_WEB_ARCHIVE_PAUSE", float, 0),
            ),
        )


def _web_address(settings, name: str) -> str:
    value = _text(settings, name).strip()
    if urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).netloc:
        raise BadSetting(f"{name} must be a web address like https://host/path, not {value!r}")
    return value


def warc_folder(db: Path, given: str | Path | None = None) -> Path:
    """Where an archive's WARC captures are: the folder given, else ``warc/`` beside the archive."""
    return Path(given) if given else Path(db).parent / "warc"


def _warc(settings, db: Path) -> WarcConfig | None:
    max_size = _number(settings, "NEWSARCHIVE_WARC_MAX_SIZE", int, 1)
    gzip_level = _number(settings, "NEWSARCHIVE_WARC_GZIP_LEVEL", int, 0, 9)
    if not _flag(settings, "NEWSARCHIVE_WARC_ENABLED"):
        return None
    given = _text(settings, "NEWSARCHIVE_WARC_DIR")
    if given and Path(given).exists() and not Path(given).is_dir():
        raise BadSetting(f"NEWSARCHIVE_WARC_DIR: {given} is a file, not a folder for WARC files")
    return WarcConfig(warc_folder(db, given), max_size, gzip_level,
                      _flag(settings, "NEWSARCHIVE_WARC_ASSETS"))


def _redis(settings) -> RedisConfig | None:
    url = _text(settings, "NEWSARCHIVE_REDIS_URL")
    if not url:
        return None
    if urlsplit(url).scheme not in ("redis", "rediss", "unix"):
        raise BadSetting(f"NEWSARCHIVE_REDIS_URL must be like redis://host:6379/0, not {url!r}")
    heartbeat = _number(settings, "NEWSARCHIVE_REDIS_HEARTBEAT", float, 0.1)
    return RedisConfig(
        url=url,
        prefix=_text(settings, "NEWSARCHIVE_REDIS_PREFIX"),
        heartbeat=heartbeat,
        # The heartbeat runs on the reactor: it is late while the worker
        # parses a page or commits a batch, and such a moment must not pass
        # for death (taken back, its work would be fetched twice). Three
        # beats, and never under 3 s: far longer than either takes.
        requeue_after=_number(settings, "NEWSARCHIVE_REDIS_REQUEUE_AFTER", float, max(3.0, 3 * heartbeat)),
        idle_close=_number(settings, "NEWSARCHIVE_REDIS_IDLE_CLOSE", float, 0),
        shards=_text(settings, "NEWSARCHIVE_REDIS_SHARDS"),
    )


_OF_CRAWL: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def of(crawler) -> Config:
    """The crawl's config: read once its settings are final (frozen), so
    every component sees the same values."""
    settings = crawler.settings
    if not getattr(settings, "frozen", False):
        return Config.from_settings(settings)
    config = _OF_CRAWL.get(crawler)
    if config is None:
        config = _OF_CRAWL[crawler] = Config.from_settings(settings)
    return config

"""Settings that make no sense stop the crawl before it starts, each with
one line naming the setting and what it accepts — never a traceback, never
a silent default (a zone read as UTC moves every date)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from scrapy.exceptions import NotConfigured

from newsarchive.config import BadSetting, timezones
from newsarchive.replay.captures import check_replay_source


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

def check_settings(settings) -> None:
    """Raise :class:`BadSetting` for the first setting that makes no sense."""
    _number(settings, "NEWSARCHIVE_BATCH_SIZE", int, 1)
    _number(settings, "NEWSARCHIVE_BATCH_SECONDS", float, 0.1)
    _number(settings, "NEWSARCHIVE_PROGRESS_INTERVAL", float, 0)
    _number(settings, "NEWSARCHIVE_RETRY_AFTER_MAX", float, 0)
    _number(settings, "NEWSARCHIVE_DRIFT_FALLBACK_SHARE", float, 0, 1)
    _number(settings, "NEWSARCHIVE_DRIFT_DROPPED_SHARE", float, 0, 1)
    _number(settings, "NEWSARCHIVE_DRIFT_MIN_STORIES", int, 1)
    _number(settings, "NEWSARCHIVE_WARC_MAX_SIZE", int, 1)
    _number(settings, "NEWSARCHIVE_WARC_GZIP_LEVEL", int, 0, 9)
    timezones(settings)
    redis_url = settings.get("NEWSARCHIVE_REDIS_URL")
    if redis_url:
        if urlsplit(redis_url).scheme not in ("redis", "rediss", "unix"):
            raise BadSetting(f"NEWSARCHIVE_REDIS_URL must be like redis://host:6379/0, not {redis_url!r}")
        heartbeat = _number(settings, "NEWSARCHIVE_REDIS_HEARTBEAT", float, 0.1)
        # The heartbeat runs on the reactor: it is late while the worker
        # parses a page or commits a batch, and such a moment must not pass
        # for death (taken back, its work would be fetched twice). Three
        # beats, and never under 3 s: far longer than either takes.
        _number(settings, "NEWSARCHIVE_REDIS_REQUEUE_AFTER", float, max(3.0, 3 * heartbeat))
        _number(settings, "NEWSARCHIVE_REDIS_IDLE_CLOSE", float, 0)
    replay = settings.get("NEWSARCHIVE_REPLAY")
    if replay:
        check_replay_source(replay)  # before the archive is opened: a refused crawl leaves no file
    warc_dir = settings.get("NEWSARCHIVE_WARC_DIR")
    if warc_dir and settings.getbool("NEWSARCHIVE_WARC_ENABLED") and Path(warc_dir).exists() \
            and not Path(warc_dir).is_dir():
        raise BadSetting(f"NEWSARCHIVE_WARC_DIR: {warc_dir} is a file, not a folder for WARC files")


class SettingsCheck:
    """The first extension: checks, then steps aside."""

    @classmethod
    def from_crawler(cls, crawler):
        check_settings(crawler.settings)
        raise NotConfigured  # nothing to do during the crawl (no args: no "Disabled" warning)

"""Settings that make no sense stop the crawl before it starts, each with
one line naming the setting and what it accepts — never a traceback, never
a silent default (a zone read as UTC moves every date)."""

from __future__ import annotations

from scrapy.exceptions import NotConfigured

from newsarchive.config import Config
from newsarchive.replay.captures import check_replay_source


def check_settings(settings) -> Config:
    """The settings as a :class:`~newsarchive.config.Config`; raises
    :class:`~newsarchive.config.BadSetting` for the first that makes no sense."""
    config = Config.from_settings(settings)
    if config.replay:
        check_replay_source(config.replay)  # before the archive is opened: a refused crawl leaves no file
    return config


class SettingsCheck:
    """The first extension: checks, then steps aside."""

    @classmethod
    def from_crawler(cls, crawler):
        check_settings(crawler.settings)
        raise NotConfigured  # nothing to do during the crawl (no args: no "Disabled" warning)

"""Reading settings into typed values, with one line for one that makes no
sense: shared by the crawl's components and the ``newsarchive`` command,
which read the same settings (``settings.py``, ``-s``, the environment)."""

from __future__ import annotations

import json

from dateutil import tz


class BadSetting(ValueError):
    pass


def list_setting(value) -> list[str]:
    """A list setting or argument: a list, or comma-separated text."""
    if not value:
        return []
    if isinstance(value, (list, tuple)):
        return [v.strip() for v in value if v.strip()]
    return [v.strip() for v in str(value).split(",") if v.strip()]


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

"""Site profiles (URL rules, time zone, start points, parser), loaded from
the TOML files in ``profiles/`` and from the user's ``NEWSARCHIVE_PROFILES``
into a :class:`Profiles` per job."""

from __future__ import annotations

from newsarchive.sites.base import Site
from newsarchive.sites.registry import Profiles, generic_site

__all__ = ["ISLAM_TIMES", "PACKAGE", "Profiles", "Site", "generic_site"]

#: The package's own profiles, as a job without settings of its own reads them.
PACKAGE = Profiles.load()
ISLAM_TIMES = PACKAGE["islamtimes"]

"""The profiles a crawl or a reparse reads sites by: the package's, the
user's (``NEWSARCHIVE_PROFILES``), with the user's zone overrides
(``NEWSARCHIVE_TIMEZONES``) applied as they load.

One :class:`Profiles` is built per job from its settings and handed to what
needs it (the spider, reparse's parser processes); nothing is registered in
a module, so two crawls in one process never see each other's profiles.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from pathlib import Path
from urllib.parse import urlsplit

from newsarchive.config import profile_paths, timezones
from newsarchive.sites.base import Site
from newsarchive.sites.generic import GenericParser
from newsarchive.sites.profiles import PACKAGE_PROFILES, ProfileError, load_profiles
from newsarchive.sites.urls import host

__all__ = ["Profiles", "generic_site"]


def generic_site(url: str) -> Site:
    """A site with no profile: named after its host, read by the generic parser."""
    parts = urlsplit(url if "://" in url else f"https://{url}")
    hostname = (parts.hostname or "").lower()
    bare = hostname.removeprefix("www.")
    return Site(
        name=bare,
        canonical_origin=f"{parts.scheme}://{parts.netloc}",
        hosts=frozenset({hostname, bare, f"www.{bare}"}),
        # Unknown: a zoneless time is not taken for UTC (extraction/dates.py).
        timezone=None,
        editions=("",),
        default_edition="",
        url_forms=(),
        parser=GenericParser,
    )


class Profiles(Mapping[str, Site]):
    """Sites by name, read-only once built."""

    def __init__(self, sites: Mapping[str, Site], zones: Mapping[str, str] | None = None):
        self._zones = dict(zones or {})
        self._sites = {name: self._zoned(site) for name, site in sites.items()}
        #: Sites without a profile met so far, by host: each built once.
        self._generic: dict[str, Site] = {}

    @classmethod
    def load(cls, *locations: str | Path, zones: Mapping[str, str] | None = None) -> Profiles:
        """The package's profiles and those in ``locations`` (files or
        folders of ``.toml``). One named like a package profile replaces it
        only when it says ``overrides = true``: else another outlet's
        stories would be stored under that name."""
        sites = load_profiles(PACKAGE_PROFILES)
        package = frozenset(sites)
        for name, site in load_profiles(*locations).items():
            if name in package and not site.overrides:
                raise ProfileError(
                    f"{site.profile}: name {name!r} is taken by the package's profile;"
                    " rename it, or set overrides = true to replace that profile"
                )
            sites[name] = site
        return cls(sites, zones)

    @classmethod
    def from_settings(cls, settings) -> Profiles:
        """Profiles as a job's settings name them (``NEWSARCHIVE_PROFILES``,
        ``NEWSARCHIVE_TIMEZONES``). Raises :class:`ProfileError` or
        :class:`~newsarchive.config.BadSetting` with one line."""
        return cls.load(*profile_paths(settings), zones=timezones(settings))

    def _zoned(self, site: Site) -> Site:
        override = self._zones.get(site.name)
        return dataclasses.replace(site, timezone=override) if override and override != site.timezone else site

    # -- the mapping ----------------------------------------------------------

    def __getitem__(self, name: str) -> Site:
        try:
            return self._sites[name]
        except KeyError:
            raise KeyError(f"unknown site {name!r}; known: {', '.join(sorted(self._sites))}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._sites)

    def __len__(self) -> int:
        return len(self._sites)

    # -- finding a site ---------------------------------------------------------

    def for_url(self, url: str) -> Site | None:
        """The profile whose hosts include the URL's host."""
        hostname = host(url)
        return next((site for site in self._sites.values() if site.is_site_host(hostname)), None)

    def generic(self, url: str) -> Site:
        """The site of a host without a profile (with its zone override, if any)."""
        hostname = (urlsplit(url if "://" in url else f"https://{url}").hostname or "").lower()
        site = self._generic.get(hostname)
        if site is None:
            site = self._generic[hostname] = self._zoned(generic_site(url))
        return site

    def resolve(self, reference: str) -> Site:
        """A profile by name, the profile of a URL's host, or a generic site.
        Raises ValueError for a reference that is neither a known profile nor
        a web address (``https://host...`` or a host name with a dot)."""
        reference = reference.strip()
        if reference in self._sites:
            return self._sites[reference]
        url = reference if "://" in reference else f"https://{reference}"
        try:
            parts = urlsplit(url)
            hostname = parts.hostname or ""
            parts.port  # noqa: B018  (a port that is not a number raises)
        except ValueError:
            hostname = ""
        if parts.scheme not in ("http", "https") or not ("." in hostname or hostname == "localhost"):
            raise ValueError(
                f"site: {reference!r} is neither a known profile ({', '.join(sorted(self._sites))}) "
                "nor a site's address like https://www.example.com"
            )
        return self.for_url(url) or self.generic(url)

    def named(self, name: str) -> Site:
        """The site a capture or a stored row names: a profile, or a site
        without one (named by its host)."""
        try:
            return self.resolve(name)
        except ValueError:
            return self.generic(f"https://{name}")

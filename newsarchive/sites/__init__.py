"""Site profiles (URL rules, time zone, start points, parser), loaded from
the TOML files in ``profiles/`` and from the user's ``NEWSARCHIVE_PROFILES``."""

from __future__ import annotations

from pathlib import Path

from newsarchive.sites.base import Site, host
from newsarchive.sites.profiles import PACKAGE_PROFILES, load_profiles

SITES: dict[str, Site] = load_profiles(PACKAGE_PROFILES)
ISLAM_TIMES = SITES["islamtimes"]


def register_profiles(*locations: str | Path) -> dict[str, Site]:
    """Add (or replace) profiles from files or folders of ``.toml`` files."""
    added = load_profiles(*locations)
    SITES.update(added)
    return added


def get_site(name: str) -> Site:
    try:
        return SITES[name]
    except KeyError:
        raise KeyError(f"unknown site {name!r}; known: {', '.join(sorted(SITES))}") from None


def site_for_url(url: str) -> Site | None:
    """The profile whose hosts include the URL's host."""
    hostname = host(url)
    return next((site for site in SITES.values() if site.is_site_host(hostname)), None)


def generic_site(url: str) -> Site:
    """A site with no profile: named after its host, read by the generic parser."""
    from urllib.parse import urlsplit

    from newsarchive.sites.generic import GenericParser

    parts = urlsplit(url if "://" in url else f"https://{url}")
    hostname = (parts.hostname or "").lower()
    bare = hostname.removeprefix("www.")
    return Site(
        name=bare,
        canonical_origin=f"{parts.scheme}://{parts.netloc}",
        hosts=frozenset({hostname, bare, f"www.{bare}"}),
        timezone="UTC",
        editions=("",),
        default_edition="",
        url_forms=(),
        parser=GenericParser,
    )


def resolve_site(reference: str) -> Site:
    """A profile by name, the profile of a URL's host, or a generic site."""
    if reference in SITES:
        return SITES[reference]
    url = reference if "://" in reference else f"https://{reference}"
    return site_for_url(url) or generic_site(url)

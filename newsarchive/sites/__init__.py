"""Site profiles (URL rules, time zone, start points, parser), loaded from
the TOML files in ``profiles/`` and from the user's ``NEWSARCHIVE_PROFILES``."""

from __future__ import annotations

from pathlib import Path

from newsarchive.sites.base import Site
from newsarchive.sites.urls import host
from newsarchive.sites.profiles import PACKAGE_PROFILES, ProfileError, load_profiles

SITES: dict[str, Site] = load_profiles(PACKAGE_PROFILES)
ISLAM_TIMES = SITES["islamtimes"]
PACKAGE_SITES = frozenset(SITES)


def register_profiles(*locations: str | Path) -> dict[str, Site]:
    """Add profiles from files or folders of ``.toml`` files. One named like
    a package profile replaces it only when it says ``overrides = true``:
    else another outlet's stories would be stored under that name."""
    added = load_profiles(*locations)
    for name, site in added.items():
        if name in PACKAGE_SITES and not site.extra.get("overrides"):
            raise ProfileError(
                f"{site.extra.get('profile')}: name {name!r} is taken by the package's profile;"
                " rename it, or set overrides = true to replace that profile"
            )
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
    """A profile by name, the profile of a URL's host, or a generic site.
    Raises ValueError for a reference that is neither a known profile nor
    a web address (``https://host...`` or a host name with a dot)."""
    from urllib.parse import urlsplit

    reference = reference.strip()
    if reference in SITES:
        return SITES[reference]
    url = reference if "://" in reference else f"https://{reference}"
    try:
        parts = urlsplit(url)
        hostname = parts.hostname or ""
        parts.port  # noqa: B018  (a port that is not a number raises)
    except ValueError:
        hostname = ""
    if parts.scheme not in ("http", "https") or not ("." in hostname or hostname == "localhost"):
        raise ValueError(
            f"site: {reference!r} is neither a known profile ({', '.join(sorted(SITES))}) "
            "nor a site's address like https://www.example.com"
        )
    return site_for_url(url) or generic_site(url)

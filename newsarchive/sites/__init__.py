"""Site profiles: URL rules, time zone, start points and the page parser."""

from newsarchive.sites.base import Site
from newsarchive.sites.islamtimes import ISLAM_TIMES

SITES: dict[str, Site] = {site.name: site for site in (ISLAM_TIMES,)}


def get_site(name: str) -> Site:
    try:
        return SITES[name]
    except KeyError:
        raise KeyError(f"unknown site {name!r}; known: {', '.join(sorted(SITES))}") from None

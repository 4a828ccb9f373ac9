"""Site profiles: a site described by data, in TOML.

The package's profiles are in ``newsarchive/sites/profiles/``; a user adds or
overrides profiles with a file or folder of ``.toml`` files named by the
``NEWSARCHIVE_PROFILES`` setting. A profile that does not validate is an
error naming the file and the field.

Fields::

    name                 the site's name in the archive (required)
    parser               "newsstudio" (the CMS family's parser) or "generic"
    canonical_origin     https://host where canonical URLs live (required)
    hosts                every host name the site has used
    timezone             IANA zone for dates that state none (default UTC)
    editions, default_edition   language editions, e.g. ["en", "ur"], "en"
    feeds, listings, sitemaps   start points, paths with {lang}
    title_suffixes, lead_prefixes, fallback_encodings, publisher_names
    [story_code] paths   URL path regexes naming groups id (and lang, kind, rest, old)
    [selectors]          per-field CSS selectors, most specific first, replacing the parser's
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cssselect import GenericTranslator, SelectorError
from dateutil import tz

from newsarchive.sites.base import Site

PACKAGE_PROFILES = Path(__file__).resolve().parent / "profiles"

STRING_LISTS = (
    "hosts", "editions", "feeds", "listings", "sitemaps", "title_suffixes", "lead_prefixes",
    "fallback_encodings", "publisher_names",
)
KNOWN = {"name", "parser", "canonical_origin", "timezone", "default_edition", "story_code", "selectors", *STRING_LISTS}


class ProfileError(ValueError):
    pass


def _parsers() -> dict[str, Any]:
    from newsarchive.sites.generic import GenericParser
    from newsarchive.sites.newsstudio import NewsStudioParser

    return {"newsstudio": NewsStudioParser, "generic": GenericParser}


def _string_list(where: str, field: str, value) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProfileError(f"{where}: {field} must be a list of strings")
    return tuple(value)


def build_site(data: dict, where: str) -> Site:
    """A :class:`Site` from a profile's data; ``where`` names it in errors."""
    unknown = set(data) - KNOWN
    if unknown:
        raise ProfileError(f"{where}: unknown field {sorted(unknown)[0]!r}")
    for field in ("name", "canonical_origin"):
        if not isinstance(data.get(field), str) or not data[field]:
            raise ProfileError(f"{where}: {field} is required (a string)")
    name = data["name"]
    if not re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", name):
        raise ProfileError(f"{where}: name {name!r} must be lowercase letters, digits, '.', '_' or '-'")
    origin = urlsplit(data["canonical_origin"])
    if origin.scheme not in ("http", "https") or not origin.hostname or origin.path not in ("", "/"):
        raise ProfileError(f"{where}: canonical_origin must be like https://www.example.com")
    parsers = _parsers()
    parser_name = data.get("parser", "generic")
    if parser_name not in parsers:
        raise ProfileError(f"{where}: parser must be one of {sorted(parsers)}, not {parser_name!r}")
    zone = data.get("timezone", "UTC")
    if not isinstance(zone, str) or tz.gettz(zone) is None:
        raise ProfileError(f"{where}: timezone {zone!r} is not an IANA time zone")
    lists = {field: _string_list(where, field, data.get(field, [])) for field in STRING_LISTS}
    hosts = {h.lower() for h in lists["hosts"]} | {origin.hostname.lower()}
    editions = lists["editions"] or ("",)
    default_edition = data.get("default_edition", editions[0])
    if default_edition not in editions:
        raise ProfileError(f"{where}: default_edition {default_edition!r} is not one of editions")
    paths = []
    story_code = data.get("story_code", {})
    if not isinstance(story_code, dict):
        raise ProfileError(f"{where}: story_code must be a table with paths")
    for index, pattern in enumerate(_string_list(where, "story_code.paths", story_code.get("paths", []))):
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            raise ProfileError(f"{where}: story_code.paths[{index}]: {exc}") from None
        if "id" not in compiled.groupindex:
            raise ProfileError(f"{where}: story_code.paths[{index}] must name a group (?P<id>...)")
        paths.append(compiled)
    selectors = data.get("selectors", {})
    if not isinstance(selectors, dict):
        raise ProfileError(f"{where}: selectors must be a table")
    known_fields = parsers[parser_name].SELECTOR_FIELDS
    for field, value in selectors.items():
        if field not in known_fields:
            raise ProfileError(f"{where}: selectors.{field} is not a field of the {parser_name} parser")
        for css in _string_list(where, f"selectors.{field}", value):
            try:
                GenericTranslator().css_to_xpath(css.split("::")[0])
            except SelectorError as exc:
                raise ProfileError(f"{where}: selectors.{field}: {css!r} is not CSS ({exc})") from None
    return Site(
        name=name,
        canonical_origin=f"{origin.scheme}://{origin.netloc}",
        hosts=frozenset(hosts),
        timezone=zone,
        editions=editions,
        default_edition=default_edition,
        article_paths=tuple(paths),
        feed_paths=lists["feeds"],
        listing_paths=lists["listings"],
        sitemap_paths=lists["sitemaps"],
        title_suffixes=lists["title_suffixes"],
        lead_prefixes=lists["lead_prefixes"],
        parser=parsers[parser_name],
        fallback_encodings=lists["fallback_encodings"],
        selectors={k: tuple(v) for k, v in selectors.items()},
        extra={"publisher_names": lists["publisher_names"]},
    )


def load_profile(path: str | Path) -> Site:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProfileError(f"{path}: cannot be read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path}: not valid TOML ({exc})") from None
    return build_site(data, str(path))


def load_profiles(*locations: str | Path) -> dict[str, Site]:
    """Profiles from files or folders of ``.toml`` files; later ones override."""
    sites: dict[str, Site] = {}
    for location in locations:
        location = Path(location)
        files = sorted(location.glob("*.toml")) if location.is_dir() else [location]
        for path in files:
            site = load_profile(path)
            sites[site.name] = site
    return sites

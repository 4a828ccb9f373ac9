"""Site profiles: a site described by data, in TOML.

The package's profiles are in ``newsarchive/sites/profiles/``; a user adds or
overrides profiles with a file or folder of ``.toml`` files named by the
``NEWSARCHIVE_PROFILES`` setting. A profile that does not validate is an
error naming the file and the field.

Fields::

    name                 the site's name in the archive (required)
    parser               a CMS family's parser by the name it is installed under (the
                         ``newsarchive.parsers`` entry points: "newsstudio", "wordpress",
                         "generic", or another package's), or by dotted path
                         ("package.module:ParserClass"); default "generic"
    canonical_origin     https://host where canonical URLs live (required)
    hosts                every host name the site has used
    timezone             IANA zone for dates that state none (default UTC)
    editions, default_edition   language editions, e.g. ["en", "ur"], "en"
    feeds, listings, sitemaps   start points, paths with {lang}
    title_suffixes, lead_prefixes, fallback_encodings, publisher_names
    [story_code]         the site's story URLs (none: the generic rule, see ``urls``):
      paths              path regexes, newest form first, naming the group id (and lang
                         when the site has several editions; kind, rest if useful)
      canonical          per path, the template of a story's canonical path from the
                         groups, e.g. "/{lang}/{kind}/{id}/{rest}" (default: the path as found)
      variants           path endings of other versions of a story's page, e.g. '/print/?$'
    [selectors]          per-field CSS selectors, most specific first, replacing the parser's
    overrides            true: this user profile replaces the package's profile of the same name
"""

from __future__ import annotations

import importlib.resources as resources
import importlib.resources.abc
import re
import string
import tomllib
from functools import cache
from importlib import import_module
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from urllib.parse import urlsplit

from cssselect import GenericTranslator, SelectorError
from dateutil import tz

from newsarchive.sites.base import DatedRules, Site, UrlForm
from newsarchive.sites.engine import Parser

#: The package's profiles: a folder, or a folder inside a zipped egg (scrapyd).
PACKAGE_PROFILES = resources.files("newsarchive.sites") / "profiles"

STRING_LISTS = (
    "hosts", "editions", "feeds", "listings", "sitemaps", "title_suffixes", "lead_prefixes",
    "fallback_encodings", "publisher_names",
)
KNOWN = {
    "name", "parser", "canonical_origin", "timezone", "default_edition", "story_code", "selectors", "overrides",
    "rules",
    *STRING_LISTS,
}
STORY_CODE_KEYS = {"paths", "canonical", "variants"}


class ProfileError(ValueError):
    pass


#: The entry point group a package registers its CMS parsers in (the
#: package registers its own there too: pyproject.toml).
PARSER_GROUP = "newsarchive.parsers"


#: The package's own, as its pyproject.toml registers them: found even when
#: the installed metadata predates them (a checkout updated, not reinstalled).
PACKAGE_PARSERS = {
    "newsstudio": "newsarchive.sites.newsstudio:NewsStudioParser",
    "wordpress": "newsarchive.sites.wordpress:WordPressParser",
    "drupal": "newsarchive.sites.drupal:DrupalParser",
    "generic": "newsarchive.sites.generic:GenericParser",
}


@cache
def installed_parsers() -> dict[str, EntryPoint]:
    """Parsers by the name they are installed under (read once: scanning
    the installed packages' entry points takes milliseconds a profile)."""
    package = {name: EntryPoint(name, value, PARSER_GROUP) for name, value in PACKAGE_PARSERS.items()}
    return {**package, **{entry.name: entry for entry in entry_points(group=PARSER_GROUP)}}


def load_parser(reference: str, where: str = "") -> type:
    """The parser class a profile names: an installed parser's name, or a
    dotted path (``package.module:Class``, or ``package.module.Class``)."""
    installed = installed_parsers()
    try:
        if reference in installed:
            parser = installed[reference].load()
        elif "." in reference or ":" in reference:
            module, _, name = reference.partition(":") if ":" in reference else reference.rpartition(".")
            parser = getattr(import_module(module), name)
        else:
            raise ProfileError(f"{where}: parser must be one of {sorted(installed)} or a dotted path "
                               f"like package.module:Parser, not {reference!r}")
    except (ImportError, AttributeError) as exc:
        raise ProfileError(f"{where}: parser {reference!r} cannot be loaded ({exc})") from None
    if not (isinstance(parser, type) and issubclass(parser, Parser)):
        raise ProfileError(f"{where}: parser {reference!r} is not a parser (a subclass of sites.engine.Parser)")
    return parser


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
    overrides = data.get("overrides", False)
    if not isinstance(overrides, bool):
        raise ProfileError(f"{where}: overrides must be true or false")
    parser_name = data.get("parser", "generic")
    if not isinstance(parser_name, str):
        raise ProfileError(f"{where}: parser must be a name or a dotted path, not {parser_name!r}")
    parser = load_parser(parser_name, where)
    zone = data.get("timezone", "UTC")
    if not isinstance(zone, str) or tz.gettz(zone) is None:
        raise ProfileError(f"{where}: timezone {zone!r} is not an IANA time zone")
    lists = {field: _string_list(where, field, data.get(field, [])) for field in STRING_LISTS}
    hosts = {h.lower() for h in lists["hosts"]} | {origin.hostname.lower()}
    editions = lists["editions"] or ("",)
    default_edition = data.get("default_edition", editions[0])
    if default_edition not in editions:
        raise ProfileError(f"{where}: default_edition {default_edition!r} is not one of editions")
    url_forms, variants = _url_rules(data.get("story_code", {}), where, editions)
    selectors = _selectors(data.get("selectors", {}), parser, parser_name, where, "selectors")
    dated_rules = _dated_rules(data.get("rules", []), parser, parser_name, where)
    return Site(
        name=name,
        canonical_origin=f"{origin.scheme}://{origin.netloc}",
        hosts=frozenset(hosts),
        timezone=zone,
        editions=editions,
        default_edition=default_edition,
        url_forms=url_forms,
        variants=variants,
        feed_paths=lists["feeds"],
        listing_paths=lists["listings"],
        sitemap_paths=lists["sitemaps"],
        title_suffixes=lists["title_suffixes"],
        lead_prefixes=lists["lead_prefixes"],
        parser=parser,
        fallback_encodings=lists["fallback_encodings"],
        selectors=selectors,
        publisher_names=lists["publisher_names"],
        profile=where,
        overrides=overrides,
        dated_rules=dated_rules,
    )


def _selectors(table, parser, parser_name: str, where: str, name: str) -> dict[str, tuple[str, ...]]:
    """A ``[selectors]`` table checked against the parser's fields and CSS."""
    if not isinstance(table, dict):
        raise ProfileError(f"{where}: {name} must be a table")
    for field, value in table.items():
        if field not in parser.SELECTOR_FIELDS:
            raise ProfileError(f"{where}: {name}.{field} is not a field of the {parser_name} parser")
        for css in _string_list(where, f"{name}.{field}", value):
            try:
                GenericTranslator().css_to_xpath(css.split("::")[0])
            except SelectorError as exc:
                raise ProfileError(f"{where}: {name}.{field}: {css!r} is not CSS ({exc})") from None
    return {k: tuple(_string_list(where, f"{name}.{k}", v)) for k, v in table.items()}


def _dated_rules(entries, parser, parser_name: str, where: str) -> tuple[DatedRules, ...]:
    """``[[rules]]``: the rules of older layouts, each valid until a day."""
    if not isinstance(entries, list):
        raise ProfileError(f"{where}: rules must be an array of tables ([[rules]])")
    found = []
    for index, entry in enumerate(entries):
        name = f"rules[{index}]"
        if not isinstance(entry, dict) or set(entry) - {"until", "parser", "selectors"}:
            raise ProfileError(f"{where}: {name} takes until, parser and selectors only")
        until = entry.get("until")
        if not isinstance(until, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", until):
            raise ProfileError(f"{where}: {name}.until must be a day as \"YYYY-MM-DD\", not {until!r}")
        own_parser, own_name = parser, parser_name
        if "parser" in entry:
            own_name = entry["parser"]
            if not isinstance(own_name, str):
                raise ProfileError(f"{where}: {name}.parser must be a name or a dotted path")
            own_parser = load_parser(own_name, where)
        selectors = _selectors(entry.get("selectors", {}), own_parser, own_name, where, f"{name}.selectors")
        found.append(DatedRules(until, selectors, own_parser if "parser" in entry else None))
    days = [rules.until for rules in found]
    if len(set(days)) != len(days):
        raise ProfileError(f"{where}: two [[rules]] end on the same day")
    return tuple(sorted(found, key=lambda rules: rules.until))


def _compile(where: str, field: str, pattern: str) -> re.Pattern:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ProfileError(f"{where}: {field}: {exc}") from None


def _url_rules(story_code, where: str, editions: tuple[str, ...]) -> tuple[tuple[UrlForm, ...], tuple[re.Pattern, ...]]:
    """The story URL forms and variants of a profile's [story_code] table,
    checked for what the code needs of them."""
    if not isinstance(story_code, dict):
        raise ProfileError(f"{where}: story_code must be a table with paths")
    unknown = set(story_code) - STORY_CODE_KEYS
    if unknown:
        raise ProfileError(f"{where}: unknown field story_code.{sorted(unknown)[0]}")
    paths = _string_list(where, "story_code.paths", story_code.get("paths", []))
    templates = _string_list(where, "story_code.canonical", story_code.get("canonical", []))
    if templates and len(templates) != len(paths):
        raise ProfileError(f"{where}: story_code.canonical needs one template per path ({len(paths)}), not {len(templates)}")
    forms = []
    for index, pattern in enumerate(paths):
        field = f"story_code.paths[{index}]"
        compiled = _compile(where, field, pattern)
        if "id" not in compiled.groupindex:
            raise ProfileError(f"{where}: {field} must name a group (?P<id>...)")
        if len([e for e in editions if e]) > 1 and "lang" not in compiled.groupindex:
            raise ProfileError(f"{where}: {field} must name a group (?P<lang>...): the profile has several editions")
        template = templates[index] if templates else None
        if template is not None:
            if not template.startswith("/"):
                raise ProfileError(f"{where}: story_code.canonical[{index}] must be a path starting with /")
            try:
                names = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
            except ValueError as exc:
                raise ProfileError(f"{where}: story_code.canonical[{index}]: {exc}") from None
            missing = names - set(compiled.groupindex)
            if missing:
                raise ProfileError(
                    f"{where}: story_code.canonical[{index}] uses {{{sorted(missing)[0]}}},"
                    f" which story_code.paths[{index}] does not name"
                )
        forms.append(UrlForm(compiled, template))
    variants = tuple(
        _compile(where, f"story_code.variants[{index}]", pattern)
        for index, pattern in enumerate(_string_list(where, "story_code.variants", story_code.get("variants", [])))
    )
    return tuple(forms), variants


def load_profile(path) -> Site:
    """A profile from a ``.toml`` file (a path, or a package resource)."""
    path = path if isinstance(path, resources.abc.Traversable) else Path(path)
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
        location = location if isinstance(location, resources.abc.Traversable) else Path(location)
        if location.is_dir():
            files = sorted((f for f in location.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)
        else:
            files = [location]
        for path in files:
            site = load_profile(path)
            sites[site.name] = site
    return sites

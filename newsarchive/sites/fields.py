"""The field-rule table: for each field of a story, the site's rule, the
page's URL, the fallbacks that read its visible text, and the finisher that
makes a candidate ready for the item.

The engine tries a field's sources in order — the site's rule (and the
URL's reading, before or after it), the page's metadata (``metadata``),
then these fallbacks — and keeps the first value its finisher accepts. A
parser for a CMS replaces an entry's site rule where CSS is not enough
(:func:`with_site_rules`); every other part of the entry stays.
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from w3lib.url import safe_url_string

from newsarchive.sites.css import first_attr, first_text, select, select_first, text_list
from newsarchive.sites.main_text import MAIN_TEXT, main_text_body
from newsarchive.sites.page_data import page_data_body
from newsarchive.sites.date_lines import dated_line
from newsarchive.sites.text import (
    STORY_CODE_LABEL, VISIBLE_DATE, clean_ws, element_text, markup_to_text, name_key, text_lines,
)
from newsarchive.sites.titles import headline_of_title_tag, without_site_name, without_suffix
from newsarchive.sites.urls import normalize_story_code, normalize_url, same_site, url_story_code

if TYPE_CHECKING:
    from newsarchive.sites.engine import Extraction, Parser

#: The source name of a site's own rules.
SITE = "site"
#: The entry of ``field_sources`` that names the CMS family whose rules read
#: a page of a site without a profile (see ``cms``).
CMS = "cms"
#: A line that gives the story code: ``Story Code : 1023423``, ``کد خبر : ۱۰۲۳۴۲۳``,
#: ``رمز الخبر: ...``, ``خبر کا کوڈ : ...`` (``\d`` takes every script's digits).
STORY_CODE_TEXT = re.compile(STORY_CODE_LABEL + r"\s*:\s*(\d+)", re.I)

#: A source's reading of a field on a page (a value, or something falsy).
Rule = Callable[["Parser", "Extraction"], Any]
#: A candidate made ready for the item, or None to try the next source.
Finisher = Callable[["Parser", Any, str, "Extraction"], Any]


def keep(parser: Parser, value: Any, source: str, extraction: Extraction) -> Any:
    return value


@dataclass(frozen=True)
class FieldRule:
    #: The site's own rule; by default, what the parser's selectors for the field find.
    site: Rule | None = None
    #: What the page's URL says, tried before the site's rule (after it for a
    #: parser whose pages state better: ``Parser.story_code_from_page``).
    by_url: tuple[tuple[str, Rule], ...] = ()
    #: Before the page's metadata: what the page shows, where it outranks it.
    shown: tuple[tuple[str, Rule], ...] = ()
    #: After the page's metadata: what its visible text says.
    fallbacks: tuple[tuple[str, Rule], ...] = ()
    finish: Finisher = keep


def with_site_rules(rules: Mapping[str, FieldRule], **site: Rule) -> dict[str, FieldRule]:
    """``rules`` with the site rule of each named field replaced."""
    return {field: replace(rule, site=site[field]) if field in site else rule for field, rule in rules.items()}


# -- the parser's selectors ----------------------------------------------------

def _selectors(field: str, read: Callable[[Parser, Extraction, tuple[str, ...]], Any]) -> Rule:
    def rule(parser: Parser, extraction: Extraction) -> Any:
        selectors = getattr(parser, field)
        return read(parser, extraction, selectors) if selectors else None

    rule.__name__ = f"{field}_by_selectors"
    return rule


def _text(parser, extraction, selectors):
    return first_text(extraction.page, selectors)


def _texts(parser, extraction, selectors):
    return text_list(extraction.page, selectors)


def _last_text(parser, extraction, selectors):
    names = text_list(extraction.page, selectors)
    return names[-1] if names else None


def _attr(parser, extraction, selectors):
    return first_attr(extraction.page, selectors)


def _date(parser, extraction, selectors):
    for css in selectors:
        for found in select(extraction.page, css):
            text = clean_ws(found) if isinstance(found, str) else element_text(found)
            if text:
                match = VISIBLE_DATE.search(text)
                return match.group(0) if match else text
    return None


def _body(parser, extraction, selectors) -> list[str]:
    for css in selectors:
        for node in select(extraction.page, css):
            skip = [n for clutter in parser.body_clutter for n in select(node, clutter)]
            lines = text_lines(node, skip=skip)
            if lines:
                return lines
    return []


def _story_code(parser, extraction, selectors):
    text = first_text(extraction.page, selectors) or ""
    found = STORY_CODE_TEXT.search(text)
    return found.group(1) if found else text  # "Story Code : N", or the bare number


# -- the page's URL ------------------------------------------------------------

def canonical_story_url(parser: Parser, extraction: Extraction) -> str | None:
    """With URL rules: the story's canonical URL, from the page's canonical
    link, its og:url or its own URL, whichever has the story's code in the
    site's newest URL form."""
    site = parser.site
    if not site.url_forms:
        return None
    code = extraction.get("story_code")
    best = None
    for candidate in (
        select_first(extraction.page, 'link[rel="canonical"]::attr(href)'),
        select_first(extraction.page, 'meta[property="og:url"]::attr(content)'),
        extraction.url,
    ):
        if not candidate:
            continue
        parsed = site.article_url(urljoin(extraction.url, candidate.strip()))
        if parsed is not None and parsed.story_code == code and (best is None or parsed.form < best.form):
            best = parsed
    if best is None:
        return safe_url_string(extraction.url)
    return safe_url_string(site.canonical_origin + best.canonical_path)


def edition_in_url(parser: Parser, extraction: Extraction) -> str | None:
    """The edition the story's URL names."""
    parsed = parser.url_parts(extraction)
    return parsed.language if parsed and parser.site.url_forms else None


def code_in_url(parser: Parser, extraction: Extraction) -> str | None:
    """With URL rules: the code in the URL the page was fetched from. (Without,
    the canonical URL's reading below stands for the page: the URL a story
    was requested by is only one of its URLs.)"""
    return parser.site.story_code(extraction.url) if parser.site.url_forms else None


def code_of_canonical_url(parser: Parser, extraction: Extraction) -> str | None:
    """No URL rules: the id in the canonical URL, else its hash (as discovery keys it)."""
    return None if parser.site.url_forms else url_story_code(extraction.get("url"))


# -- the visible text ----------------------------------------------------------

def story_code_in_text(parser: Parser, extraction: Extraction) -> str | None:
    for css in parser.story_code:
        found = STORY_CODE_TEXT.search(" ".join(select(extraction.page, f"{css} ::text")))
        if found:
            return found.group(1)
    found = STORY_CODE_TEXT.search(" ".join(select(extraction.page, "body ::text")))
    return found.group(1) if found else None


def date_in_text(parser: Parser, extraction: Extraction) -> str | None:
    """A dated line with a time (``Tuesday 8 November 2022 - 09:18``,
    ``یکشنبه ۲۹ اسفند ۱۴۰۰ ساعت ۲۳:۳۰``) in the article's container, else
    anywhere in the page, in the page's language (see ``date_lines``)."""
    page = extraction.page
    language = extraction.get("language")
    scope = (select(page, ", ".join(parser.container)) if parser.container else []) or select(page, "body")
    for text in (text for node in scope for text in select(node, "::text")):
        found = dated_line(text, language)
        if found:
            return found
    return None


def date_by_htmldate(parser: Parser, extraction: Extraction) -> str | None:
    """htmldate's (trafilatura's own date library) reading of the page's
    markup and URL, when nothing else dated it — read without the page's
    lists of other stories, whose dates are not this story's; its
    extensive search of free text stays off for the same reason."""
    from htmldate import find_date  # on first use: only undated pages need it

    logging.getLogger("htmldate").setLevel(logging.CRITICAL)
    tree = copy.deepcopy(extraction.page.root)
    for node in parser.story_lists(tree):
        if node.getparent() is not None:
            node.getparent().remove(node)
    try:
        # The tree itself: htmldate reads a parsed page as it is, not parsed again from its markup.
        return find_date(tree, url=extraction.url, extensive_search=False, original_date=True)
    except (ValueError, TypeError):
        return None


def headline(parser: Parser, extraction: Extraction) -> str:
    return clean_ws(" ".join(select(extraction.page, "h1 ::text")))


def confirmed_headline(parser: Parser, extraction: Extraction) -> str | None:
    """The headline the reader sees (an ``<h1>``) where another of the
    page's own titles (OpenGraph, Twitter, Dublin Core, ``itemprop``) names
    it too: a JSON-LD headline that differs is then an alternative written
    for search engines, not the one shown."""
    meta = extraction.meta
    rival = name_key(meta.ld("headline", "name") or "")
    if not rival:
        return None
    stated = {name_key(markup_to_text(value) or "")
              for value in (meta.meta("og:title"), meta.meta("twitter:title"), meta.meta("dc.title", "dcterms.title"),
                            meta.meta("itemprop:headline")) if value}
    stated.discard("")
    if not stated:
        return None
    for heading in extraction.page.root.iter("h1"):
        text = clean_ws(heading.text_content())
        if text and name_key(text) in stated and name_key(text) != rival:
            return text
    return None


def shown_lines(extraction: Extraction) -> frozenset[str]:
    """The page's visible lines, case folded."""
    return extraction.memo("shown_lines", lambda: frozenset(
        line.casefold() for line in text_lines(extraction.page.root) if line.count(" ") < 40))


def title_tag(parser: Parser, extraction: Extraction) -> str | None:
    title = markup_to_text(select_first(extraction.page, "title::text"))
    return headline_of_title_tag(title, parser.site.title_suffixes, extraction.meta.site_name, extraction.url,
                                 parser.site.publisher_names, lambda: shown_lines(extraction))


def body_image(parser: Parser, extraction: Extraction) -> str | None:
    scopes = (*parser.container, *parser.body, "article", "main")
    return select_first(extraction.page, ", ".join(f"{c} img::attr(src)" for c in scopes))


# -- finishers -----------------------------------------------------------------

def _finish_story_code(parser, value, source, extraction):
    if source == "url" and not parser.site.url_forms:
        return value  # the generic rule's own id or hash
    return normalize_story_code(value)


def _finish_url(parser, value, source, extraction):
    if source == SITE:
        return value
    # A candidate (rel=canonical, og:url, the page's URL) is the story's only on the page's site.
    candidate = normalize_url(urljoin(extraction.url, value.strip()))
    return candidate if same_site(candidate, extraction.url) else None


def _finish_title(parser, value, source, extraction):
    title = without_suffix(value, parser.site.title_suffixes)
    if source == SITE or not title:
        return title
    return without_site_name(title, (extraction.meta.site_name, *parser.site.publisher_names), extraction.url,
                             lambda: shown_lines(extraction))


def _finish_lead(parser, value, source, extraction):
    for prefix in parser.site.lead_prefixes:
        if value.startswith(prefix):
            return value[len(prefix):].strip() or None
    return value


def _finish_authors(parser, value, source, extraction):
    return [a for a in value if a.casefold() not in parser.publisher_names] or None


def _finish_image_url(parser, value, source, extraction):
    return safe_url_string(urljoin(extraction.url, value.strip()))


def _finish_language(parser, value, source, extraction):
    return value.replace("_", "-").split("-")[0].strip().lower() or None


def _finish_body(parser, value, source, extraction):
    if isinstance(value, str):  # text the page holds as data
        return [line for line in (clean_ws(p) for p in value.splitlines()) if line]
    return value


#: Every field whose source is recorded, with its rule.
FIELD_RULES: dict[str, FieldRule] = {
    "story_code": FieldRule(
        site=_selectors("story_code", _story_code),
        by_url=(("url", code_in_url), ("url", code_of_canonical_url)),
        fallbacks=(("text_pattern", story_code_in_text),),
        finish=_finish_story_code,
    ),
    "url": FieldRule(site=canonical_story_url, fallbacks=(("url", lambda parser, extraction: extraction.url),),
                     finish=_finish_url),
    "title": FieldRule(site=_selectors("title", _text), shown=(("heading", confirmed_headline),), fallbacks=(("heading", headline), ("title_tag", title_tag)),
                       finish=_finish_title),
    "lead": FieldRule(site=_selectors("lead", _text), finish=_finish_lead),
    "body": FieldRule(
        site=_selectors("body", _body),
        fallbacks=(
            (MAIN_TEXT, lambda parser, extraction: main_text_body(extraction)),
            # Last: text that the page holds only as data.
            ("json_ld", lambda parser, extraction: extraction.meta.article_body()),
            ("page_data", lambda parser, extraction: page_data_body(extraction.page.root)),
        ),
        finish=_finish_body,
    ),
    "published": FieldRule(site=_selectors("published", _date),
                           fallbacks=(("text_pattern", date_in_text), ("htmldate", date_by_htmldate))),
    "modified": FieldRule(site=_selectors("modified", _date)),
    "authors": FieldRule(site=_selectors("authors", _texts), finish=_finish_authors),
    "tags": FieldRule(site=_selectors("tags", _texts)),
    "section": FieldRule(site=_selectors("section", _last_text)),
    "image_url": FieldRule(site=_selectors("image_url", _attr), fallbacks=(("body_image", body_image),),
                           finish=_finish_image_url),
    "language": FieldRule(site=edition_in_url, finish=_finish_language),
}
#: Fields whose source is recorded (``field_sources``).
FIELDS = tuple(FIELD_RULES)

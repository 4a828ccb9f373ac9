"""Body extraction on real article pages: ours against trafilatura.

    python benchmarks/extraction.py [--pages ../shared/extraction/aeb] [--fundus DIR] [--rounds N]

The pages and ground truth are scrapinghub's article-extraction-benchmark
(not part of this project: pass their folder). ``--fundus`` adds a second
set: the publisher pages of Fundus's parser tests with their reviewed
output (``tests/resources/parser/test_data`` of a Fundus checkout), each
page's body being its summary, section headlines and paragraphs in order.
Prints body precision, recall and F1 with the benchmark's own metric (4-token shingles, per-page
normalized), pages/s, and how many pages' bodies still hold a list of
related-story headlines (two or more lines that are headline-long link texts
of the same page).

Ours is the body a crawl stores for a page of a site without a profile: the
generic parser (trafilatura's fast mode on the page's tree, its full
cascade for a reading in doubt, layout tables unwrapped and split bodies
joined, JSON-LD ``articleBody`` and page data last), then the sidebar rules
with the page's headline links (``extraction``), every other field of the
item read too. trafilatura runs twice: with its defaults (the body alone),
and with its metadata (title, date, authors), as ours reads them. Each page
is read by the three in turn, who goes first rotating, each from its
markup (parsed inside the clock): a change in the machine's load over a
run falls on all three alike. With ``--rounds N`` every page is read N
times (ours forgetting what it remembers of the pages between rounds), and
each extractor's time for a page is its least, as ``timeit`` advises: the
run least disturbed by the rest of the machine.

The benchmark's pages come without titles, so titles are checked on the
pages that have one: every article page of the project's fixtures, parsed
as a site without a profile (the generic parser), against the reviewed
title in its expected output; trafilatura's metadata title alongside.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402
from newsarchive.extraction import Rejection, extract_page  # noqa: E402
from newsarchive.sites import generic_site  # noqa: E402
from newsarchive.sites.engine import Extraction  # noqa: E402
from newsarchive.sites.local_dates import parse_local  # noqa: E402
from newsarchive.sites.page import Page  # noqa: E402
from newsarchive.sites.text import clean_ws  # noqa: E402
from newsarchive.sites.urls import host, normalize_url  # noqa: E402

TOKEN = re.compile(r"\w+")
DEFAULT_PAGES = ROOT.parent / "shared" / "extraction" / "aeb"
FIXTURES = ROOT / "fixtures"


def shingles(text: str) -> Counter:
    tokens = TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + 4]) for i in range(max(0, len(tokens) - 3)))


def score(pairs: list[tuple[str, str]]) -> tuple[float, float, float]:
    precisions, recalls = [], []
    for predicted, truth in pairs:
        p, t = shingles(predicted), shingles(truth)
        tp = sum((p & t).values())
        fp = sum(p.values()) - tp
        fn = sum(t.values()) - tp
        total = tp + fp + fn
        if total == 0:
            precisions.append(1.0)
            recalls.append(1.0)
            continue
        tp, fp, fn = tp / total, fp / total, fn / total
        if tp + fp > 0:
            precisions.append(tp / (tp + fp))
        elif fn == 0:
            precisions.append(1.0)
        if tp + fn > 0:
            recalls.append(tp / (tp + fn))
        elif fp == 0:
            recalls.append(1.0)
    precision = sum(precisions) / len(precisions)
    recall = sum(recalls) / len(recalls)
    return precision, recall, 2 * precision * recall / (precision + recall)


def headline_links(page: Page) -> set[str]:
    parser = generic_site(page.url).page_parser
    return {entry["title"] for entry in parser.headline_links(Extraction(parser, page))}


def has_related_list(body: str, headlines: set[str]) -> bool:
    lines = {clean_ws(line) for line in (body or "").splitlines()}
    return len(lines & headlines) >= 2


def fundus_pages(folder: Path) -> tuple[dict[str, Page], dict[str, dict]]:
    """Fundus's test pages and their reviewed output: a publisher's pages
    (``Name_YYYY_MM_DD.html.gz``) in date order are its parser versions in
    order (``V1``, ``V1_1``, ``V2`` in ``Name.json``), as Fundus pairs them."""
    pages, truth = {}, {}
    for expected_file in sorted(folder.glob("*/*.json")):
        meta = json.loads((expected_file.parent / "meta.info").read_text(encoding="utf-8"))
        expected = json.loads(expected_file.read_text(encoding="utf-8"))
        versions = sorted(expected, key=lambda v: tuple(int(n) for n in re.findall(r"\d+", v)))
        htmls = sorted(expected_file.parent.glob(f"{expected_file.stem}_*.html.gz"))
        for version, html in zip(versions, htmls):
            entry = expected[version]
            body = entry.get("body") or {}
            lines = list(body.get("summary") or [])
            for section in body.get("sections") or []:
                lines += list(section.get("headline") or []) + list(section.get("paragraphs") or [])
            page_id = f"{expected_file.parent.name}/{html.name}"
            url = meta[html.name]["url"]
            # Fundus stores every page as UTF-8, whatever charset its markup names.
            pages[page_id] = Page.from_http(url, {"Content-Type": "text/html; charset=utf-8"},
                                            gzip.decompress(html.read_bytes()))
            truth[page_id] = {"url": url, "articleBody": "\n".join(lines), "title": entry.get("title")}
    return pages, truth


def trafilatura_body(page: Page) -> str:
    return trafilatura.extract(page.html, url=page.url) or ""


def trafilatura_with_metadata(page: Page) -> str:
    """Its body with the page's title, date and authors read too, as ours are."""
    document = trafilatura.bare_extraction(page.html, url=page.url, with_metadata=True)
    return (document.text if document is not None else None) or ""


def our_body(page: Page) -> str:
    """The body a crawl would store for the page: extraction with the generic parser."""
    extracted = extract_page(generic_site(page.url), page)
    return "" if isinstance(extracted, Rejection) else extracted.item.body or ""


def titled_pages() -> list[tuple[Page, str]]:
    """(page, reviewed title) for every fixture article page with a title."""
    from newsarchive.replay.pages import SavedSite

    pages = []
    for manifest in sorted(FIXTURES.glob("*/pages.json")):
        for saved in SavedSite(manifest.parent):
            if saved.expected is None or not saved.expected.is_file():
                continue
            title = json.loads(saved.expected.read_text(encoding="utf-8")).get("title")
            if title:
                pages.append((saved.page(), title))
    return pages


def check_titles(pages: list[tuple[Page, str]], heading: str) -> None:
    """How many of the pages' titles each extractor gets exactly right."""
    ours = sum(our_title(page) == title for page, title in pages)
    theirs = sum(clean_ws(getattr(trafilatura.extract_metadata(page.html), "title", None)) == title for page, title in pages)
    print(f"titles exactly right on {len(pages)} {heading}:")
    print(f"{'trafilatura metadata':<34} {theirs / len(pages):>6.3f} ({theirs})")
    print(f"{'newsarchive (generic parser)':<34} {ours / len(pages):>6.3f} ({ours})")


def our_title(page: Page) -> str | None:
    """The title the generic parser resolves (also for a page that it then
    refuses as too short for an article: the fixtures' bodies are short)."""
    return Extraction(generic_site(page.url).page_parser, page).get("title")


def forget_pages() -> None:
    """Empty what ours remembers of the pages it read (their URLs and date
    lines): a round reads the pages as the first did."""
    normalize_url.cache_clear()
    host.cache_clear()
    parse_local.cache_clear()


def compare(responses: dict[str, Page], truth: dict[str, dict], rounds: int) -> None:
    headlines = {page_id: headline_links(r) for page_id, r in responses.items()}
    print(f"{len(responses)} pages; ground truth with a related-story list: "
          f"{sum(has_related_list(truth[i]['articleBody'], headlines[i]) for i in responses)}")
    print(f"{'extractor':<34} {'P':>6} {'R':>6} {'F1':>6} {'pages/s':>8} {'related lists':>14}")
    extractors = (("trafilatura 2.x (defaults)", trafilatura_body),
                  ("trafilatura 2.x (with metadata)", trafilatura_with_metadata),
                  ("newsarchive (generic parser)", our_body))
    bodies: dict[str, dict[str, str]] = {name: {} for name, _ in extractors}
    best: dict[str, dict[str, float]] = {name: {} for name, _ in extractors}
    for _ in range(rounds):
        forget_pages()  # the count of related lists above resolved the pages' links too
        # Page by page, each extractor in turn (who goes first rotating): the
        # machine's load changes over a run, and all meet the same.
        for n, (page_id, response) in enumerate(responses.items()):
            for name, extract in extractors[n % 3:] + extractors[:n % 3]:
                # A fresh page: a tree parsed before (for the related lists above) is not reused.
                fresh = dataclasses.replace(response)
                started = time.perf_counter()
                bodies[name][page_id] = extract(fresh)
                took = time.perf_counter() - started
                best[name][page_id] = min(took, best[name].get(page_id, took))
    for name, _ in extractors:
        p, r, f1 = score([(bodies[name][i], truth[i]["articleBody"]) for i in responses])
        lists = sum(has_related_list(bodies[name][i], headlines[i]) for i in responses)
        rate = len(responses) / sum(best[name].values())
        print(f"{name:<34} {p:>6.3f} {r:>6.3f} {f1:>6.3f} {rate:>8.1f} {lists:>14}")


def warm_up(responses: dict[str, Page]) -> None:
    """Both extractors once over a few pages: their imports and first-use
    caches are not part of either's rate."""
    for page in list(responses.values())[:5]:
        trafilatura_body(page)
        our_body(page)
    # dateparser compiles each of its languages' patterns once a process,
    # the first time a line in an unknown language is read (about 5 s), and
    # builds a reader for each list of languages it is asked in; the dates
    # reader learns which scripts its languages write in once, the first
    # time a page's language does not read a line.
    parse_local("sábado, 1 de enero de 2000 às 10:00", None)
    parse_local("Saturday, January 1, 2000, 10:00 AM", "en")
    parse_local("sábado, 1 de enero de 2000 às 10:00", "en")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    parser.add_argument("--fundus", type=Path, help="a Fundus checkout's tests/resources/parser/test_data")
    parser.add_argument("--rounds", type=int, default=1,
                        help="read every page this many times; each extractor's time for a page is its least")
    args = parser.parse_args()
    truth = json.loads((args.pages / "ground-truth.json").read_text(encoding="utf-8"))
    responses = {}
    for page_id, entry in truth.items():
        body = gzip.decompress((args.pages / "html" / f"{page_id}.html.gz").read_bytes())
        # Decoded up front: not part of either extractor's time.
        responses[page_id] = Page.from_http(entry["url"], {"Content-Type": "text/html"}, body)
    warm_up(responses)
    print("article-extraction-benchmark:")
    compare(responses, truth, args.rounds)
    if args.fundus:
        pages, fundus_truth = fundus_pages(args.fundus)
        print("\nFundus's publisher test pages:")
        compare(pages, fundus_truth, args.rounds)
        check_titles([(pages[i], clean_ws(t["title"])) for i, t in fundus_truth.items() if t.get("title")],
                     "of them")
    print()
    check_titles(titled_pages(), "fixture article pages parsed without a profile")


if __name__ == "__main__":
    main()

"""Parse a story's capture into an item, in this process or in a pool of
parser processes.

Parsing is the slow part of a reparse (the archive's writer is ~20 times
faster), so it runs in worker processes, one per core, while this process
reads the WARC files. Captures are handed out in windows, a few in flight
at a time, so that memory does not grow with the number of stories.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import islice

from newsarchive.capture.reader import read_record
from newsarchive.items import ArticleItem
from newsarchive.pipelines.dates import NormalizeDatesPipeline
from newsarchive.pipelines.sidebar import StripSidebarPipeline
from newsarchive.reparse.captures import StoryCapture, known_site
from newsarchive.sites.page import Page, PageRejected

#: Captures handed to a worker at a time; windows of captures in flight.
CHUNK = 16
WINDOW_CHUNKS_PER_WORKER = 4
WINDOWS_IN_FLIGHT = 2


@lru_cache(maxsize=None)
def _pipelines() -> tuple:
    return NormalizeDatesPipeline(), StripSidebarPipeline()


@lru_cache(maxsize=256)
def _site(name: str):
    return known_site(name)


def parse_capture(story: StoryCapture) -> ArticleItem | str:
    """The story's item after the date and sidebar pipelines, or the reason
    its page was rejected."""
    site = _site(story.site)
    headers, body = read_record(story.file, story.offset)
    try:
        item = site.parse(Page.from_http(story.site_url, headers, body, site.fallback_encodings))
    except PageRejected as rejected:
        return rejected.reason
    item.fetched_at = story.date
    item.capture_file = os.path.basename(story.file)
    item.capture_offset = story.offset
    item.aliases = [story.site_url] if story.site_url != item.url else []
    for pipeline in _pipelines():
        item = pipeline.process_item(item)
    return item


def pickled_parse(story: StoryCapture) -> bytes:
    """:func:`parse_capture`'s result as the store keeps it: pickled where
    it is made, so that the reading process only files it away."""
    return pickle.dumps(parse_capture(story), pickle.HIGHEST_PROTOCOL)


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def parsed(stories: Iterable[StoryCapture], workers: int) -> Iterator[tuple[StoryCapture, bytes]]:
    """Each story with its pickled parse, in the stories' order. The
    stories are read (here) while earlier windows of them are parsed (in
    the pool)."""
    stories = iter(stories)
    if workers <= 1:
        for story in stories:
            yield story, pickled_parse(story)
        return
    size = CHUNK * WINDOW_CHUNKS_PER_WORKER * workers
    # Forked: the workers know the sites registered here (--profiles) without being told.
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        in_flight: list[tuple[list, multiprocessing.pool.AsyncResult]] = []
        while window := list(islice(stories, size)):
            in_flight.append((window, pool.map_async(pickled_parse, window, chunksize=CHUNK)))
            if len(in_flight) >= WINDOWS_IN_FLIGHT:
                done, job = in_flight.pop(0)
                yield from zip(done, job.get())
        for done, job in in_flight:
            yield from zip(done, job.get())

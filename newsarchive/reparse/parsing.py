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
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from itertools import islice
from typing import Any, TypeVar

from newsarchive.capture.reader import read_record
from newsarchive.extraction import Fetched, Rejection, extract
from newsarchive.items import ArticleItem
from newsarchive.reparse.captures import StoryCapture
from newsarchive.sites import Profiles

T = TypeVar("T")

#: Captures handed to a worker at a time; windows of captures in flight.
CHUNK = 16
WINDOW_CHUNKS_PER_WORKER = 4
WINDOWS_IN_FLIGHT = 2


def parse_capture(story: StoryCapture, profiles: Profiles) -> ArticleItem | str:
    """The story's finished item (``extraction``), or the reason its page
    was rejected, read by the site ``profiles`` give it."""
    site = profiles.named(story.site)
    headers, body = read_record(story.file, story.offset)
    extracted = extract(site, Fetched(story.site_url, headers, body, story.date))
    if isinstance(extracted, Rejection):
        return extracted.reason
    item = extracted.item
    item.fetched_at = story.date
    item.capture_file = os.path.basename(story.file)
    item.capture_offset = story.offset
    item.aliases = [story.site_url] if story.site_url != item.url else []
    return item


def pickled_parse(story: StoryCapture, profiles: Profiles) -> bytes:
    """:func:`parse_capture`'s result as the store keeps it: pickled where
    it is made, so that the reading process only files it away."""
    return pickle.dumps(parse_capture(story, profiles), pickle.HIGHEST_PROTOCOL)


#: A parser process's profiles, received once when the pool starts it.
_received: Profiles | None = None


def _receive(profiles: Profiles) -> None:
    global _received
    _received = profiles


def _parse_received(parse: Callable[[Any, Profiles], bytes], task: Any) -> bytes:
    assert _received is not None, "a parser process starts with the job's profiles"
    return parse(task, _received)


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def parsed(stories: Iterable[T], workers: int, profiles: Profiles,
           parse: Callable[[T, Profiles], bytes] = pickled_parse) -> Iterator[tuple[T, bytes]]:
    """Each story with its pickled parse (``parse``, a module-level
    function: :func:`pickled_parse` for a capture of the WARC folder), in
    the stories' order. The stories are read (here) while earlier windows
    of them are parsed (in the pool), each process reading sites by the
    job's ``profiles``."""
    stories = iter(stories)
    if workers <= 1:
        for story in stories:
            yield story, parse(story, profiles)
        return
    size = CHUNK * WINDOW_CHUNKS_PER_WORKER * workers
    parse = partial(_parse_received, parse)
    # Each process is handed the profiles once, when it starts, rather than with every chunk.
    with multiprocessing.get_context("fork").Pool(workers, initializer=_receive, initargs=(profiles,)) as pool:
        in_flight: list[tuple[list, multiprocessing.pool.AsyncResult]] = []
        while window := list(islice(stories, size)):
            in_flight.append((window, pool.map_async(parse, window, chunksize=CHUNK)))
            if len(in_flight) >= WINDOWS_IN_FLIGHT:
                done, job = in_flight.pop(0)
                yield from zip(done, job.get())
        for done, job in in_flight:
            yield from zip(done, job.get())

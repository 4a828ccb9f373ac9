"""Other archives' WARC files into the archive: CC-NEWS, another crawler's.

Each file is read as a stream (``sources``); its status-200 HTML responses
of the hosts wanted (a profile's, ``--site``'s, or every host with the
generic parser) are parsed by the same ``extract()`` as a crawl, in a
process per core, and stored like a crawl: each copy dated by its record's
``WARC-Date``, so that the archive places it among the story's versions by
time (``archive.history``), and referenced by the file and offset it was
read from (nothing is copied). A file read to its end is recorded with its
last stories (``imported_files``): a rerun of the same files or listing
skips it, and resumes a file an earlier run was stopped in.
"""

from __future__ import annotations

import logging
import pickle
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from newsarchive import settings as defaults
from newsarchive.archive import Archive
from newsarchive.capture.records import RecordCut, responses
from newsarchive.extraction import Fetched, Rejection, extract
from newsarchive.items import ArticleItem, CaptureSource, Outcome
from newsarchive.reparse.captures import StoredCounts
from newsarchive.reparse.parsing import parsed
from newsarchive.reparse.sources import WarcSource
from newsarchive.sites import Profiles, Site
from newsarchive.sites.urls import host

__all__ = ["ANY_SITE", "ImportCounts", "import_warc"]

logger = logging.getLogger(__name__)

#: ``--site any``: every host, read by the generic parser where no profile names it.
ANY_SITE = "any"
#: The job's name in the run ledger.
JOB = "warc-import"


@dataclass
class ImportCounts(StoredCounts):
    """What an import did."""

    files: int = 0
    #: Files read before, skipped; files cut short or corrupt (read up to the cut); files that could not be read.
    files_done_before: int = 0
    files_cut: int = 0
    files_failed: int = 0
    records: int = 0
    #: Records left out by reason (``capture.records.Skip``, ``not_story``).
    skipped: Counter = field(default_factory=Counter)


@dataclass(frozen=True)
class RecordTask:
    """A response to parse: the site it is read by (None: the generic parser), and where it came from."""

    site: str | None
    url: str
    headers: list[tuple[str, str]]
    body: bytes
    date: str
    file: str
    offset: int


@dataclass(frozen=True)
class FileDone:
    """The end of a file's records: its counts, recorded once its stories are stored."""

    name: str
    records: int
    skipped: dict
    cut: str | None = None


class HostSites:
    """Which site a response's host belongs to: exactly one of a profile's
    hosts (a URL that merely holds the host in its query is not its), or,
    with ``any_site``, any host."""

    def __init__(self, profiles: Profiles, names: tuple[str, ...] = ()):
        self.any_site = ANY_SITE in names
        chosen = [profiles[name] for name in names if name != ANY_SITE] or (
            [] if self.any_site else list(profiles.values()))
        self.by_host: dict[str, Site] = {h.lower(): site for site in chosen for h in site.hosts}
        if self.any_site:
            # A profiled host is still read by its profile.
            self.by_host.update({h.lower(): site for site in profiles.values() for h in site.hosts})

    def wanted(self, url: str) -> bool:
        return self.any_site or _host(url) in self.by_host

    def site_of(self, url: str) -> Site | None:
        return self.by_host.get(_host(url))


def _host(url: str) -> str:
    try:
        return host(url)
    except ValueError:  # not a URL (a bad port, a broken IPv6 address): no host of ours
        return ""


def parse_record(task: RecordTask | FileDone, profiles: Profiles) -> bytes:
    """A record's finished item, or the reason its page was rejected,
    pickled where it is made (see ``parsing``); a file's end passes through."""
    if isinstance(task, FileDone):
        return pickle.dumps(task, pickle.HIGHEST_PROTOCOL)
    site = profiles.named(task.site) if task.site else profiles.generic(task.url)
    extracted = extract(site, Fetched(task.url, task.headers, task.body, task.date))
    if isinstance(extracted, Rejection):
        return pickle.dumps(extracted.reason, pickle.HIGHEST_PROTOCOL)
    item = extracted.item
    item.fetched_at = task.date
    item.source = CaptureSource.WARC_IMPORT.value
    item.capture_file, item.capture_offset = task.file, task.offset
    item.aliases = [task.url] if task.url != item.url else []
    return pickle.dumps(item, pickle.HIGHEST_PROTOCOL)


def _tasks(sources: list[WarcSource], sites: HostSites, counts: ImportCounts,
           user_agent: str) -> Iterator[RecordTask | FileDone]:
    """Every wanted response of every file, then the file's end; a file cut
    short ends at the cut with one line, one that cannot be read with one."""
    for source in sources:
        skipped: Counter = Counter()
        records = 0
        cut = None
        try:
            with source.opened(user_agent) as stream:
                for response in responses(stream, sites.wanted, skipped):
                    records += 1
                    site = sites.site_of(response.url)
                    url = site.site_url(response.url) if site else response.url
                    if site is not None and not site.story_code(url):
                        skipped["not_story"] += 1
                        continue
                    yield RecordTask(site.name if site else None, url, response.headers, response.body, response.date,
                                     source.name, response.offset)
        except RecordCut as exc:
            cut = str(exc)
            counts.files_cut += 1
            logger.warning("%s is cut short or corrupt %s: read up to there", source.name, cut)
        except OSError as exc:  # a file or a download that cannot be read: not recorded, so a rerun tries it again
            counts.files_failed += 1
            logger.error("%s cannot be read (%s): skipped", source.name, exc)
            counts.records += records + sum(skipped.values())
            counts.skipped.update(skipped)
            continue
        total = records + sum(skipped.values())
        counts.records += total
        counts.skipped.update(skipped)
        yield FileDone(source.name, total, dict(skipped), cut)


def import_warc(
    archive: Archive,
    sources: list[WarcSource],
    profiles: Profiles,
    sites: tuple[str, ...] = (),
    workers: int = 1,
    batch_size: int = defaults.NEWSARCHIVE_BATCH_SIZE,
    user_agent: str = defaults.USER_AGENT,
    progress: Callable[[ImportCounts], None] | None = None,
) -> ImportCounts:
    """Import ``sources`` into ``archive``; return what happened
    (:class:`ImportCounts`). ``sites``: profile names to keep (``any``:
    every host), by default every profile's hosts. One ``runs`` row
    records the job (``warc-import``, the files' names)."""
    for name in sites:
        if name != ANY_SITE:
            profiles[name]  # a clear error for an unknown site
    counts = ImportCounts(files=len(sources))
    done_before = archive.imported(source.name for source in sources)
    todo = [source for source in sources if source.name not in done_before]
    counts.files_done_before = len(sources) - len(todo)
    run_id = archive.start_run(JOB, None, {"files": [source.name for source in sources], "sites": list(sites)})
    staged: Counter = Counter()
    finish_reason = "failed"
    #: Stories staged of each file not yet recorded as read.
    stored_in: Counter = Counter()
    try:
        tasks = _tasks(todo, HostSites(profiles, sites), counts, user_agent)
        for task, result in parsed(tasks, workers, profiles, parse_record):
            found = pickle.loads(result)
            if isinstance(found, FileDone):
                archive.stage_imported_file(found.name, run_id, found.records, stored_in.pop(found.name, 0),
                                            found.skipped, found.cut)
            elif isinstance(found, ArticleItem):
                staged[archive.stage_article(found)] += 1
                archive.stage_aliases(found.site, found.story_code, [found.url, *found.aliases])
                stored_in[found.capture_file] += 1
            else:
                counts.rejected[found] += 1
            if isinstance(found, FileDone) or archive.largest_pending_batch >= batch_size:
                archive.flush()
                counts.outcomes.update(staged)
                staged.clear()
                if progress is not None:
                    progress(counts)
        archive.flush()
        counts.outcomes.update(staged)
        finish_reason = "finished" if not counts.files_failed else "failed"
    except KeyboardInterrupt:
        finish_reason = "interrupted"
        raise
    finally:
        archive.finish_run(
            run_id, finish_reason=finish_reason,
            items_new=counts.outcomes[Outcome.NEW], items_updated=counts.outcomes[Outcome.UPDATED],
            items_unchanged=counts.outcomes[Outcome.UNCHANGED],
            dropped_by_reason=dict(counts.rejected),
            stats={"files": counts.files, "files_done_before": counts.files_done_before, "files_cut": counts.files_cut,
                   "files_failed": counts.files_failed, "records": counts.records, "skipped": dict(counts.skipped)},
        )
    return counts

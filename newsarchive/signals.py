"""newsarchive's own Scrapy signals (sent with ``crawler.signals``): how
the crawl's components tell each other what happened, without reading it
back from the stats."""

#: Asks the store pipeline to commit its staged rows now.
archive_flush_requested = object()

#: Sent by the store pipeline once a batch is committed. Arguments:
#: ``urls``, the site URLs of the stories (with their aliases) and dropped
#: pages in it; ``outcomes``, a Counter of the stories' ``items.Outcome``.
archive_committed = object()

#: Sent by the spider for each page that became a story. Arguments:
#: ``field_sources`` (field -> the source that gave it) and ``counts``
#: (what extraction counted on the way: dates, sidebar entries, encodings).
page_extracted = object()

#: Sent by the spider for each page that did not become a story. Argument:
#: ``reason``, a ``items.DropReason`` (or ``http_<status>``).
page_dropped = object()

#: The run cannot do its work. Arguments: ``failure`` (``items.RunFailure``)
#: and ``detail``. The run report stops the crawl with that reason; the first
#: failure is the run's.
run_failed = object()

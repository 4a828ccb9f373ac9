"""newsarchive's own Scrapy signals (sent with ``crawler.signals``)."""

#: Asks the store pipeline to commit its staged rows now.
archive_flush_requested = object()

#: Sent by the store pipeline once a batch is committed. Argument ``urls``:
#: the site URLs of the stories (with their aliases) and dropped pages in it.
archive_committed = object()

"""Raw captures: every response the crawl receives, kept in WARC files.

``writer``: the downloader middleware that writes them (warcio).
``reader``: iterate and index captures, tolerating a file cut short by a
killed process.
"""

"""Default settings. Override any of them with ``-s NAME=VALUE``; the README's
settings table lists the ``NEWSARCHIVE_*`` ones."""

import os

BOT_NAME = "newsarchive"
SPIDER_MODULES = ["newsarchive.spiders"]
NEWSPIDER_MODULE = "newsarchive.spiders"
# `crawl` with exit codes that tell the truth (newsarchive/commands/crawl.py).
COMMANDS_MODULE = "newsarchive.commands"

USER_AGENT = "newsarchive/0.1 (news archiving crawler; obeys robots.txt)"

# Politeness: obey robots.txt, one request at a time per site, adaptive delay.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Scrapy 2.19 opens a localhost code-execution endpoint unless told not to.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False

COOKIES_ENABLED = False
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

# -- newsarchive ------------------------------------------------------------

#: The SQLite archive file.
NEWSARCHIVE_DB = os.environ.get("NEWSARCHIVE_DB", "archive.db")
#: Articles and aliases written per transaction.
NEWSARCHIVE_BATCH_SIZE = 1000
#: Seconds after which staged rows are committed, however few: a killed
#: crawl loses about this much of its work (and the pages in flight).
NEWSARCHIVE_BATCH_SECONDS = 2.0
#: A folder of saved pages (with pages.json) to crawl instead of the network.
NEWSARCHIVE_REPLAY = os.environ.get("NEWSARCHIVE_REPLAY", "")
#: A .toml site profile, or a folder of them, added to the package's profiles.
NEWSARCHIVE_PROFILES = os.environ.get("NEWSARCHIVE_PROFILES", "")
#: Per-site time zone overrides, e.g. {"islamtimes": "Asia/Tehran"} (in the
#: environment as JSON: crawls and ``newsarchive reparse`` then read the same).
NEWSARCHIVE_TIMEZONES = os.environ.get("NEWSARCHIVE_TIMEZONES") or {}
#: The "already archived?" decision of discovery (see discovery/known.py).
NEWSARCHIVE_KNOWN_STORIES = "newsarchive.discovery.known.KnownStories"
#: Record each crawl in the runs table.
NEWSARCHIVE_LEDGER_ENABLED = True

ITEM_PIPELINES = {
    "newsarchive.pipelines.dedupe.DeduplicateStoriesPipeline": 300,
    "newsarchive.pipelines.store.StoreArchivePipeline": 900,
}

#: Seconds between progress lines in the log (0: none).
NEWSARCHIVE_PROGRESS_INTERVAL = 60.0
# Our progress line says what Scrapy's LogStats says, and what was stored.
LOGSTATS_INTERVAL = 0

#: A run whose stories needed a fallback for a field the site has rules for
#: more often than this (a share) raises the drift alarm ...
NEWSARCHIVE_DRIFT_FALLBACK_SHARE = 0.2
#: ... as does one where more than this share of article pages was unusable ...
NEWSARCHIVE_DRIFT_DROPPED_SHARE = 0.1
#: ... provided at least this many stories were concerned.
NEWSARCHIVE_DRIFT_MIN_STORIES = 3

EXTENSIONS = {
    # Before anything: settings that make no sense stop the crawl with one line.
    "newsarchive.extensions.settings_check.SettingsCheck": -100,
    # The crawl's archive writer, opened under the site's lock before anything else touches it
    # (after distributed mode's worker, -50, has found its Redis: a refused crawl leaves no file).
    "newsarchive.archive.component.CrawlArchive": -40,
    # Counts, drift and the verdict of the run, which the ledger and the progress summary give.
    "newsarchive.extensions.run_report.RunReport": -20,
    # Writes the runs table.
    "newsarchive.extensions.run_ledger.RunLedger": 0,
    "newsarchive.extensions.progress.CrawlProgress": 10,
    # Before the scheduler opens JOBDIR's request queue.
    "newsarchive.extensions.resume.KilledJobGuard": 20,
    # A failed download in one line: no traceback for a refused connection.
    "newsarchive.discovery.failures.NetworkErrorLog": 30,
}

#: A shared crawl on Redis, ``redis://host:port/db``: this crawl becomes one
#: of its workers (README: "Distributed crawls"). Each worker writes its own
#: archive; ``newsarchive merge --redis`` makes one of them.
NEWSARCHIVE_REDIS_URL = os.environ.get("NEWSARCHIVE_REDIS_URL", "")
#: Seconds between a worker's heartbeats.
NEWSARCHIVE_REDIS_HEARTBEAT = 1.0
#: Seconds without a heartbeat after which a worker is taken for dead and its
#: unfinished work is queued again (at least 3 heartbeats and 3 s: see
#: extensions/settings_check.py).
NEWSARCHIVE_REDIS_REQUEUE_AFTER = 5.0
#: Seconds an idle worker waits with the shared queue empty before it stops.
NEWSARCHIVE_REDIS_IDLE_CLOSE = 30.0
#: The first part of every Redis key.
NEWSARCHIVE_REDIS_PREFIX = "newsarchive"
#: The other workers' archives (shards) a worker can see, a glob relative to
#: the folder of its own: before it takes work, it publishes what they and
#: its own hold, so that no story a shard holds is fetched again.
NEWSARCHIVE_REDIS_SHARDS = "*.db"
ADDONS = {"newsarchive.distributed.DistributedMode": 0}

#: Keep every response in WARC files.
NEWSARCHIVE_WARC_ENABLED = True
#: Where the WARC files go (default: warc/ beside the archive).
NEWSARCHIVE_WARC_DIR = os.environ.get("NEWSARCHIVE_WARC_DIR", "")
#: Start a new WARC file past this size, in bytes.
NEWSARCHIVE_WARC_MAX_SIZE = 1_000_000_000
#: gzip level of WARC records: 1 is fast, 9 is smallest.
NEWSARCHIVE_WARC_GZIP_LEVEL = 1
#: Also fetch each story's lead image once and keep it in the captures, so
#: that its reading page shows it from the archive (never from the outlet).
NEWSARCHIVE_WARC_ASSETS = True

#: Common Crawl's files: the paths of a listing (``warc.paths.gz``, for
#: ``newsarchive import-warc``) and the WARC files whose records a backfill
#: fetches by byte range.
NEWSARCHIVE_CC_DATA_URL = os.environ.get("NEWSARCHIVE_CC_DATA_URL", "https://data.commoncrawl.org/")
#: Common Crawl's index server: ``collinfo.json`` names each main crawl's CDX API.
NEWSARCHIVE_CC_INDEX_URL = os.environ.get("NEWSARCHIVE_CC_INDEX_URL", "https://index.commoncrawl.org/")
#: The Wayback Machine's CDX server, and where its captures are.
NEWSARCHIVE_WAYBACK_CDX_URL = os.environ.get("NEWSARCHIVE_WAYBACK_CDX_URL", "https://web.archive.org/cdx/search/cdx")
NEWSARCHIVE_WAYBACK_URL = os.environ.get("NEWSARCHIVE_WAYBACK_URL", "https://web.archive.org/web")
#: Requests a minute to one web archive, its index and its captures
#: together: the Wayback Machine allows 24 (a client that goes past it is
#: blocked for an hour, doubling each time).
NEWSARCHIVE_WEB_ARCHIVE_RATE = 20
#: Seconds a backfill stops asking a web archive anything after it answers
#: 429 (more than the minute the Wayback Machine asks for), or its
#: Retry-After if longer.
NEWSARCHIVE_WEB_ARCHIVE_PAUSE = 90.0

#: Longest Retry-After (seconds) honoured within a run.
NEWSARCHIVE_RETRY_AFTER_MAX = 300.0
DOWNLOAD_TIMEOUT = 60
RETRY_TIMES = 2

DOWNLOADER_MIDDLEWARES = {
    # Scrapy's, raising refusals of a type of their own (see discovery/failures.py).
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "newsarchive.discovery.failures.RobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "newsarchive.discovery.failures.RedirectMiddleware": 600,
    # Before RetryMiddleware (550) on the way back: slow down as asked first.
    "newsarchive.politeness.retry_after.RetryAfterMiddleware": 560,
    # Before both: a web archive's 429 pauses the whole backfill.
    "newsarchive.politeness.web_archive_pause.WebArchivePauseMiddleware": 570,
    # Closest to the network: records what the server sent, before
    # decompression and redirects.
    "newsarchive.capture.writer.WarcCaptureMiddleware": 980,
    # Last before the download handlers: everything else runs as in a live crawl.
    "newsarchive.replay.middleware.ReplayMiddleware": 990,
}

#: The web only: a page naming a file:, ftp: or s3: address never makes the
#: crawl read the machine's files or other stores into its captures.
DOWNLOAD_HANDLERS = {"file": None, "ftp": None, "s3": None}

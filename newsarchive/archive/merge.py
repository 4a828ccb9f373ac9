"""Merge archives into one through the archive's own write path.

Shards — archives written by separate crawls or machines — are merged
story by story as if their fetches had been made into the target: each
version of a story (rebuilt from its revisions) is staged in the order it
was fetched, so that the target keeps revisions, first and last seen,
aliases and the full-text index right, as a plain ``INSERT … ON CONFLICT``
would not. Versions, refetches and drops the target already holds (not
newer than its own) are skipped, so merging a shard twice changes nothing.

The counts account for every row of the shard: each version of each story
is new, updated, unchanged or already held (``versions`` is their sum);
each drop is merged or already held (``drops_seen``); each run is added or
already held (``runs_seen``); each captured image is merged or already held
(``assets_seen``: its capture stays in the shard's WARC file, by name).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from newsarchive import settings as defaults
from newsarchive.archive import ARTICLE_COLUMNS, Archive
from newsarchive.archive.history import versions
from newsarchive.archive.queries import _has, decoded, open_readonly
from newsarchive.archive.schema import ALIASES, ARTICLES, ASSETS, DROPPED, REVISIONS, RUNS
from newsarchive.items import ArticleItem, StoryAsset


def merge(target: Archive, shard: str | Path, batch_size: int = defaults.NEWSARCHIVE_BATCH_SIZE) -> Counter:
    """Merge one shard into ``target``; return counts of what was staged
    and skipped (see the module's docstring)."""
    conn = open_readonly(shard)
    counts: Counter = Counter()
    try:
        for row in conn.execute(f"SELECT * FROM {ARTICLES} ORDER BY first_seen, rowid"):
            _merge_story(target, conn, decoded(row), counts)
            counts["stories"] += 1
            if target.largest_pending_batch >= batch_size:
                target.flush()
        # URLs met for stories another shard holds (a worker of a shared
        # crawl that lost the story's claim to another records the URL it met).
        for url, site, code in conn.execute(
            f"SELECT url, site, story_code FROM {ALIASES} a WHERE NOT EXISTS"
            f" (SELECT 1 FROM {ARTICLES} s WHERE s.site = a.site AND s.story_code = a.story_code)"
        ):
            target.stage_aliases(site, code, [url])
            counts["aliases"] += 1
            if target.largest_pending_batch >= batch_size:
                target.flush()
        for row in conn.execute(f"SELECT * FROM {DROPPED} ORDER BY last_seen"):
            drop = dict(row)
            known = target.drop_last_seen(drop["url"])
            counts["drops_seen"] += 1
            if known is None or (drop["last_seen"] or "") > known:
                target.stage_drop(drop["site"], drop["story_code"], drop["url"], drop["reason"],
                                  drop["detail"] or "", seen=drop["last_seen"])
                counts["drops"] += 1
        if _has(conn, ASSETS):
            for row in conn.execute(f"SELECT * FROM {ASSETS} ORDER BY fetched_at, url"):
                counts["assets_seen"] += 1
                if not target.has_asset(row["url"]):
                    target.stage_asset(StoryAsset(row["site"], row["story_code"], row["url"], row["content_type"],
                                                  row["capture_file"], row["capture_offset"]), row["fetched_at"])
                    counts["assets"] += 1
        target.flush()
        if _has(conn, RUNS):
            for row in conn.execute(f"SELECT * FROM {RUNS} ORDER BY id"):
                counts["runs_seen"] += 1
                counts["runs"] += target.import_run(dict(row))
    finally:
        conn.close()
    return counts


def _merge_story(target: Archive, conn, story: dict[str, Any], counts: Counter) -> None:
    key = [story["site"], story["story_code"]]
    revisions = [
        {"fetched_at": r["fetched_at"], "previous": json.loads(r["previous"]),
         # An older shard's revisions do not say where the replaced version came from.
         "previous_provenance": json.loads(r["previous_provenance"] or "null") if "previous_provenance" in r.keys()
         else None}
        for r in conn.execute(
            f"SELECT * FROM {REVISIONS} WHERE site = ? AND story_code = ? ORDER BY id", key
        )
    ] if _has(conn, REVISIONS) else []
    times = target.story_times(*key)
    have_fetched, have_seen = times if times else (None, None)
    for version in versions(story, revisions):
        fetched_at, fields = version.seen, version.fields
        counts["versions"] += 1
        if have_fetched is not None and (fetched_at or "") <= have_fetched:
            counts["held"] += 1  # the target holds this version, or a later one
            continue
        counts[target.stage_article(ArticleItem(**{**fields, "fetched_at": fetched_at}))] += 1
    last_seen = story.get("last_seen")
    if last_seen and last_seen > (story.get("fetched_at") or "") and last_seen > (have_seen or ""):
        # Refetched later and found unchanged: only its last-seen time moves.
        target.stage_article(ArticleItem(**{**{c: story.get(c) for c in ARTICLE_COLUMNS}, "fetched_at": last_seen}))
        counts["refetches"] += 1
    urls = [r[0] for r in conn.execute(f"SELECT url FROM {ALIASES} WHERE site = ? AND story_code = ?", key)]
    target.stage_aliases(*key, urls)
    if story.get("gone_at"):
        target.stage_gone(*key, story["gone_at"])

"""The ``newsarchive`` command: read and maintain an archive outside a crawl.

    newsarchive stats                      what the archive holds, per site
    newsarchive search QUERY               full-text search, best first
    newsarchive show STORY_CODE            a story with its aliases and revisions
    newsarchive export --format jsonl|csv  every story, streamed
    newsarchive runs                       the run ledger
    newsarchive health                     per site: fallbacks, drops, drift of the last runs
    newsarchive reparse                    today's extraction over the WARC captures
    newsarchive import-warc PATH|URL...    other archives' WARC files (CC-NEWS) into the archive
    newsarchive backfill SITE              a site's past from the Wayback Machine and Common Crawl
    newsarchive serve                      the archive in Datasette (extra: web)
    newsarchive crawl SITE...              crawl sites into the archive, from any directory
    newsarchive merge SHARD... --into DB   merge archives into one, revisions and all

``--db`` everywhere, defaulting to the crawl's default (``NEWSARCHIVE_DB``
or ``archive.db``).
"""

from __future__ import annotations

import csv
import json
import sys
from datetime import date
from pathlib import Path

import click
from tabulate import tabulate

from newsarchive.archive import Archive, ArchiveBusy, StorageError
from newsarchive.archive import queries
from newsarchive.config import warc_folder
from newsarchive.items import Outcome
from newsarchive.settings import NEWSARCHIVE_CC_DATA_URL, NEWSARCHIVE_DB, NEWSARCHIVE_REDIS_PREFIX
from newsarchive.sites import Profiles
from newsarchive.sites.profiles import ProfileError

SPARKS = "▁▂▃▄▅▆▇█"

db_option = click.option(
    "--db",
    "db_path",
    default=NEWSARCHIVE_DB,
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The archive file (the crawl's NEWSARCHIVE_DB).",
)
class Day(click.ParamType):
    """A day as YYYY-MM-DD (kept as that text: archives store ISO dates)."""

    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        try:
            return date.fromisoformat(str(value)).isoformat()
        except ValueError:
            self.fail(f"{value!r} is not a date as YYYY-MM-DD", param, ctx)


FTS5_SYNTAX = (
    "FTS5 queries are words (all must match), \"a phrase\", prefix*, AND / OR / NOT, NEAR(a b, 5) and (groups);"
    " quote anything else"
)

site_option = click.option("--site", help="Only this site's stories.")
since_option = click.option("--since", type=Day(), help="Only stories published on or after this date (YYYY-MM-DD).")
limit_option = click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1_000_000),
                            help="At most this many.")


def connect(db_path: Path):
    """The archive, read-only, closed when the command ends."""
    try:
        conn = queries.open_readonly(db_path)
    except queries.ArchiveUnreadable as exc:
        raise click.ClickException(str(exc)) from None
    click.get_current_context().call_on_close(conn.close)
    return conn


def sparkline(values: list[int]) -> str:
    top = max(values, default=0)
    if not top:
        return "·" * len(values)
    return "".join("·" if v == 0 else SPARKS[min(len(SPARKS) - 1, (v * len(SPARKS) - 1) // top)] for v in values)


@click.group()
@click.version_option(package_name="newsarchive")
def cli():
    """Read and maintain a newsarchive SQLite archive."""


@cli.command()
@db_option
@click.option("--days", default=14, show_default=True, type=click.IntRange(1, 3660),
              help="Days in the stories-per-day chart.")
def stats(db_path: Path, days: int):
    """What the archive holds, per site."""
    conn = connect(db_path)
    sites = queries.site_stats(conn, days)
    if not sites:
        click.echo(f"{db_path}: no stories yet")
        return
    for entry in sites:
        run = entry["last_run"]
        per_day = [count for _, count in entry["per_day"]]
        click.echo(f"{entry['site']}: {entry['stories']} stories" + (f" ({entry['undated']} undated)" if entry["undated"] else ""))
        click.echo(f"  published  {entry['first'] or '-'} .. {entry['last'] or '-'}")
        if entry["gone"]:
            click.echo(f"  gone       {entry['gone']} stories the site no longer serves (their last text kept)")
        if run:
            click.echo(f"  last run   #{run['id']} {run['started_at']} .. {run['finished_at'] or '-'} ({run['finish_reason'] or 'running'})")
        else:
            click.echo("  last run   -")
        first_day, last_day = entry["per_day"][0][0], entry["per_day"][-1][0]
        click.echo(f"  per day    {sparkline(per_day)}  {first_day} .. {last_day}: {sum(per_day)} stories, at most {max(per_day)} a day")


@cli.command("search")
@db_option
@click.argument("query")
@site_option
@since_option
@limit_option
@click.option("--rank", is_flag=True,
              help="Best matches first (every match is scored first: slower for a common word).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def search_command(db_path: Path, query: str, site, since, limit: int, rank: bool, as_json: bool):
    """Full-text search (SQLite FTS5 syntax) over titles, leads and bodies:
    the most recently archived stories first, or the best first (--rank)."""
    conn = connect(db_path)
    try:
        found = queries.search(conn, query, site=site, since=since, limit=limit, rank=rank)
    except queries.BadSearch as exc:
        raise click.UsageError(f"{query!r} is not a search FTS5 understands ({exc}). {FTS5_SYNTAX}") from None
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    if not found:
        click.echo("no story matches")
        return
    for hit in found:
        click.echo(f"{hit['site']}/{hit['story_code']}  {(hit['published'] or '')[:10]}  {hit['title']}")
        click.echo(f"    {hit['snippet']}")


@cli.command("show")
@db_option
@click.argument("story_code")
@site_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--diff", "as_diff", is_flag=True,
              help="Print each edit as a word diff, newest first: [-removed-] and {+added+} (changed paragraphs only).")
def show_command(db_path: Path, story_code: str, site, as_json: bool, as_diff: bool):
    """A stored story, with its aliases and revisions."""
    conn = connect(db_path)
    stories = queries.show(conn, story_code, site=site)
    if not stories:
        raise click.ClickException(f"no story {story_code}" + (f" on {site}" if site else "") + f" in {db_path}")
    if as_diff:
        for story in stories:
            print_edits(story)
        return
    if as_json:
        click.echo(json.dumps(stories if len(stories) > 1 else stories[0], ensure_ascii=False, indent=2))
        return
    for story in stories:
        click.echo(f"{story['title']}\n{'=' * min(len(story['title'] or ''), 78)}")
        for field in ("site", "story_code", "url", "kind", "language", "section", "kicker", "published",
                      "published_raw", "published_tz_source", "modified", "authors", "tags", "image_url",
                      "fetched_at", "first_seen", "last_seen", "source", "capture_file", "capture_offset"):
            value = story.get(field)
            if value not in (None, "", []):
                click.echo(f"{field:>20}: {', '.join(value) if isinstance(value, list) else value}")
        sources = story.get("field_sources")
        if sources:
            click.echo(f"{'field sources':>20}: " + ", ".join(f"{f} {s}" for f, s in sources.items()))
        if story.get("lead"):
            click.echo(f"\n{story['lead']}")
        click.echo(f"\n{story['body']}\n")
        click.echo("aliases:")
        for url in story["aliases"]:
            click.echo(f"  {url}")
        print_versions(story)
        click.echo(f"revisions: {len(story['revisions'])}")
        for revision in story["revisions"]:
            click.echo(f"  {revision['fetched_at']}: changed {', '.join(revision['changed'])}")
            for field, value in revision["previous"].items():
                click.echo(f"    was {field}: {value}")


def print_versions(story: dict) -> None:
    from newsarchive.revisions import versions

    found = versions(story)
    click.echo(f"versions: {len(found)}")
    for version in found:
        click.echo(f"  {version.seen or '-'}: {version.origin.describe()}")


def print_edits(story: dict) -> None:
    from newsarchive.revisions import edits, plain

    found = edits(story)
    click.echo(f"{story['site']} {story['story_code']}: {story['title']} ({len(found)} edit(s))")
    print_versions(story)
    for edit in found:
        click.echo(f"\nedit seen {edit.fetched_at} in the {edit.origin.describe()}:")
        for field in edit.fields:
            click.echo(f"  {field.field}:")
            for line in plain(field.runs).splitlines():
                click.echo(f"    {line}")


@cli.command("export")
@db_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet"]), default="jsonl", show_default=True,
              help="parquet: a folder of stories.parquet, aliases.parquet and revisions.parquet (needs the "
                   "'analysis' extra).")
@site_option
@since_option
@click.option("--until", type=Day(), help="Only stories published before this date (YYYY-MM-DD).")
@click.option("-o", "--output", default="-", help="File to write (default: stdout); for parquet, the folder.")
def export_command(db_path: Path, fmt: str, site, since, until, output: str):
    """Every story, one after the other: constant memory however large the archive."""
    conn = connect(db_path)
    if fmt == "parquet":
        export_parquet_files(conn, output, site, since, until)
        return
    with click.open_file(output, "w", encoding="utf-8") as stream:
        write_rows(conn, fmt, stream, site, since, until)


def export_parquet_files(conn, output: str, site, since, until) -> None:
    from newsarchive.archive.parquet import FILES, ParquetUnavailable, export_parquet

    if output == "-":
        raise click.UsageError("--format parquet writes a folder of files: give it with -o FOLDER")
    folder = Path(output)
    if folder.exists() and not folder.is_dir():
        raise click.UsageError(f"-o {output}: a file, not a folder")
    mine = {f"{name}.parquet" for name in FILES}
    if folder.is_dir() and any(p.name not in mine for p in folder.iterdir()):
        raise click.UsageError(f"-o {output}: a folder holding other files; give a new or empty one")
    try:
        counts = export_parquet(conn, folder, site=site, since=since, until=until)
    except ParquetUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(", ".join(f"{counts[name]} {name}" for name in FILES) + f" in {folder}/", err=True)


def write_rows(conn, fmt: str, output, site, since, until) -> None:
    columns, rows = queries.export_rows(conn, site=site, since=since, until=until)
    if fmt == "csv":
        writer = csv.writer(output)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(row)
    else:
        for row in rows:
            output.write(json.dumps(queries.decoded(row), ensure_ascii=False) + "\n")


@cli.command("runs")
@db_option
@limit_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def runs_command(db_path: Path, limit: int, as_json: bool):
    """The run ledger, newest first."""
    conn = connect(db_path)
    rows = queries.runs(conn, limit)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("no runs recorded")
        return
    table = [
        [r["id"], r["spider"], r["started_at"], r["finished_at"] or "-", r["finish_reason"] or "running",
         r["requests"], r["items_new"], r["items_updated"], r["items_unchanged"], r["dropped_by_reason"] or "", r["errors"]]
        for r in rows
    ]
    headers = ["id", "spider", "started", "finished", "reason", "requests", "new", "updated", "unchanged", "dropped", "errors"]
    click.echo(tabulate(table, headers=headers))


@cli.command("health")
@db_option
@site_option
@click.option("--runs", "last", default=5, show_default=True, type=click.IntRange(1, 1000),
              help="Runs shown per site.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def health_command(db_path: Path, site, last: int, as_json: bool):
    """Per site, its last runs: fallbacks, drops, drift. Exits 1 when the
    last run of a site drifted (its rules no longer fit its pages) or failed."""
    conn = connect(db_path)
    sites = queries.health(conn, site=site, last=last)
    if as_json:
        click.echo(json.dumps(sites, ensure_ascii=False, indent=2))
    elif not sites:
        click.echo(f"{db_path}: no runs recorded" + (f" for {site}" if site else ""))
    else:
        table = []
        for name, runs_of_site in sites.items():
            for run in runs_of_site:
                drift = run["drift"] or {}
                fallback = drift.get("fallback", {})
                table.append([
                    name, run["id"], run["started_at"], run["finish_reason"] or "running",
                    (run["items_new"] or 0) + (run["items_updated"] or 0) + (run["items_unchanged"] or 0),
                    *(_share(fallback.get(field)) for field in ("title", "body", "published")),
                    _share(sum(drift.get("dropped", {}).values()) if drift else None),
                    run["verdict"].upper() if run["verdict"] != "ok" else "ok",
                ])
        headers = ["site", "run", "started", "finish", "stories", "title fb", "body fb", "date fb", "dropped", "health"]
        click.echo(tabulate(table, headers=headers))
        for name, runs_of_site in sites.items():
            for alarm in (runs_of_site[0]["drift"] or {}).get("alarms", ()):
                click.echo(f"{name}: {alarm}")
    unhealthy = [name for name, runs_of_site in sites.items() if runs_of_site[0]["verdict"] in ("drifted", "failed")]
    if unhealthy:
        click.echo(f"unhealthy: {', '.join(unhealthy)}", err=True)
        sys.exit(1)


def _share(value) -> str:
    return "-" if value is None else f"{value:.0%}"


@cli.command("reparse")
@db_option
@click.option("--warc-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of WARC captures (default: warc/ beside the archive).")
@site_option
@click.option("--since", type=Day(), help="Only captures made on or after this date (YYYY-MM-DD).")
@click.option("--profiles", envvar="NEWSARCHIVE_PROFILES",
              help="A .toml site profile or a folder of them, as for the crawl (env: NEWSARCHIVE_PROFILES).")
@click.option("--timezones", envvar="NEWSARCHIVE_TIMEZONES", metavar="JSON",
              help='Per-site zone overrides, as the crawl\'s NEWSARCHIVE_TIMEZONES: \'{"islamtimes": "UTC"}\' '
                   "(env: NEWSARCHIVE_TIMEZONES).")
@click.option("-j", "--workers", type=click.IntRange(min=1), show_default="one per core",
              help="Parser processes (the archive is written by one more).")
def reparse_command(db_path: Path, warc_dir: Path | None, site: str | None, since: str | None, profiles: str | None,
                    timezones: str | None, workers: int):
    """Run today's extraction over the archived captures.

    Stories come out new, updated (a revision keeps what changed) or
    unchanged. No network is used.
    """
    from newsarchive.reparse import ProgressPrinter, default_workers, reparse

    warc_dir = warc_folder(db_path, warc_dir)
    if not warc_dir.is_dir():
        raise click.ClickException(f"no WARC folder at {warc_dir}")
    sites = _profiles(profiles, timezones)
    archive = _writer(db_path)
    try:
        counts = reparse(
            archive, warc_dir, site=site, since=since, workers=workers or default_workers(), profiles=sites,
            progress=ProgressPrinter(lambda line: click.echo(line, err=True)),
        )
    except KeyError as unknown:
        raise click.ClickException(str(unknown.args[0])) from None
    except StorageError as exc:  # a full disk, an I/O error: the batch in flight was rolled back
        archive.discard_pending()
        raise click.ClickException(f"writing {db_path} failed ({exc}): it keeps the batches stored before") from None
    finally:
        archive.close()
    rejected, outcomes = counts.rejected, counts.outcomes
    click.echo(
        f"stored {counts.stored} of {counts.stories} stories from {counts.captures} captures: "
        f"{outcomes[Outcome.NEW]} new, {outcomes[Outcome.UPDATED]} updated, {outcomes[Outcome.UNCHANGED]} unchanged"
        + (f"; rejected {sum(rejected.values())} ({', '.join(f'{n} {r}' for r, n in sorted(rejected.items()))})"
           if rejected else "")
        + (f"; {counts.truncated_files} file(s) cut short, read up to the cut" if counts.truncated_files else "")
    )


def _profiles(profiles: str | None, timezones: str | None) -> Profiles:
    from newsarchive.config import BadSetting

    try:
        return Profiles.from_settings({"NEWSARCHIVE_PROFILES": profiles, "NEWSARCHIVE_TIMEZONES": timezones})
    except (ProfileError, BadSetting) as exc:
        raise click.ClickException(str(exc)) from None


def _writer(db_path: Path) -> Archive:
    """The archive opened to write it alone, or a one-line error."""
    if db_path.exists():
        connect(db_path).close()  # a clear error for a foreign file, before writing to it
    try:
        return Archive(db_path, lock=True)
    except ArchiveBusy as busy:
        raise click.ClickException(str(busy)) from None


@cli.command("import-warc")
@db_option
@click.argument("inputs", nargs=-1, required=True, metavar="PATH|URL...")
@click.option("--site", "sites", multiple=True,
              help="Only this profile's hosts (repeatable); 'any': every host, by the generic parser where no "
                   "profile names it. Default: every profile's hosts.")
@click.option("--from", "since", type=Day(), help="Of a listing, only files of this day (YYYY-MM-DD) or later.")
@click.option("--to", "until", type=Day(), help="Of a listing, only files of this day (YYYY-MM-DD) or earlier.")
@click.option("--data-url", envvar="NEWSARCHIVE_CC_DATA_URL", default=NEWSARCHIVE_CC_DATA_URL, show_default=True,
              help="Where a listing's paths are fetched from (env: NEWSARCHIVE_CC_DATA_URL).")
@click.option("--profiles", envvar="NEWSARCHIVE_PROFILES",
              help="A .toml site profile or a folder of them, as for the crawl (env: NEWSARCHIVE_PROFILES).")
@click.option("--timezones", envvar="NEWSARCHIVE_TIMEZONES", metavar="JSON",
              help="Per-site zone overrides, as the crawl's NEWSARCHIVE_TIMEZONES (env: NEWSARCHIVE_TIMEZONES).")
@click.option("-j", "--workers", type=click.IntRange(min=1), show_default="one per core",
              help="Parser processes (the files are read and the archive written by one more).")
def import_warc_command(db_path: Path, inputs: tuple[str, ...], sites: tuple[str, ...], since: str | None,
                        until: str | None, data_url: str, profiles: str | None, timezones: str | None,
                        workers: int | None):
    """Import WARC files of other archives: CC-NEWS, another crawler's.

    PATH|URL: .warc or .warc.gz files, local or on the web (read as
    streams, not saved), or a listing of them (a month's warc.paths.gz of
    CC-NEWS, its paths on --data-url). The status-200 HTML responses of
    the sites' hosts are parsed as a crawl parses pages and stored with
    the record's WARC-Date as their fetch time: an older copy becomes an
    earlier version of its story. A file read to its end is recorded, so
    a rerun skips it.
    """
    from newsarchive.reparse.imports import import_warc
    from newsarchive.reparse.parsing import default_workers
    from newsarchive.reparse.sources import SourceError, warc_sources

    known = _profiles(profiles, timezones)
    try:
        sources = warc_sources(list(inputs), since, until, data_url=data_url)
    except (SourceError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    archive = _writer(db_path)

    def progress(counts) -> None:
        click.echo(f"read {counts.records} records: stored {counts.stored}", err=True)

    try:
        counts = import_warc(archive, sources, known, sites=sites, workers=workers or default_workers(),
                             progress=progress)
    except KeyError as unknown:
        raise click.ClickException(str(unknown.args[0])) from None
    except StorageError as exc:
        archive.discard_pending()
        raise click.ClickException(f"writing {db_path} failed ({exc}): it keeps the batches stored before") from None
    finally:
        archive.close()
    outcomes = counts.outcomes
    click.echo(
        f"{counts.files} file(s)" + (f" ({counts.files_done_before} read before, skipped)" if counts.files_done_before
                                     else "")
        + f": {counts.records} records, stored {counts.stored}: {outcomes[Outcome.NEW]} new, "
        f"{outcomes[Outcome.UPDATED]} updated, {outcomes[Outcome.UNCHANGED]} unchanged"
        + (f"; skipped {', '.join(f'{n} {r}' for r, n in sorted(counts.skipped.items()))}" if counts.skipped else "")
        + (f"; rejected {', '.join(f'{n} {r}' for r, n in sorted(counts.rejected.items()))}" if counts.rejected
           else "")
        + (f"; {counts.files_cut} file(s) cut short or corrupt, read up to the cut" if counts.files_cut else "")
    )
    if counts.files_failed:
        raise click.ClickException(f"{counts.files_failed} file(s) could not be read; a rerun tries them again")


@cli.command("merge")
@click.argument("shards", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--into", "into", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The archive to merge into (created if missing).")
@click.option("--redis", "redis_url", metavar="URL",
              help="Then publish INTO's story state to this Redis (redis://host:port/db), so that the next "
                   "distributed crawl skips archived stories.")
@click.option("--redis-prefix", default=NEWSARCHIVE_REDIS_PREFIX, show_default=True,
              help="The first part of every Redis key.")
def merge_command(shards: tuple[Path, ...], into: Path, redis_url: str | None, redis_prefix: str):
    """Merge archives (shards from separate crawls or machines) into one.

    Each story's versions are stored in the order they were fetched, so
    revisions, aliases, first and last seen, dropped pages, runs and the
    search index come out as if the crawls had written INTO; what INTO
    already holds is skipped, so merging a shard twice changes nothing.
    Each shard's line accounts for every version of every story it holds
    (new, updated, unchanged or already held), every drop and every run.
    With --redis, what INTO then knows of each story (published, first
    seen, why it was dropped) and of each URL is published for the workers
    of the next distributed crawl.
    """
    from newsarchive.archive.merge import merge

    for shard in shards:
        if shard.resolve() == into.resolve():
            raise click.UsageError(f"{shard} is the archive merged into")
        connect(shard).close()  # a clear error for a file that is not an archive
    if into.exists():
        connect(into).close()
    try:
        target = Archive(into, lock=True)
    except ArchiveBusy as busy:
        raise click.ClickException(str(busy)) from None
    try:
        for shard in shards:
            try:
                counts = merge(target, shard)
            except StorageError as exc:  # a full disk, an I/O error: the batch in flight was rolled back
                target.discard_pending()
                raise click.ClickException(
                    f"merging {shard} failed ({exc}): {into} keeps what was merged before it") from None
            # Every version, drop and run of the shard is accounted for: the parts add up to each total.
            click.echo(f"{shard}: {counts['versions']} story versions ({counts['stories']} stories) = "
                       f"{counts['new']} new + {counts['updated']} updated + {counts['unchanged']} unchanged + "
                       f"{counts['held']} already held; {counts['refetches']} refetches; "
                       f"{counts['drops_seen']} drops = {counts['drops']} merged + "
                       f"{counts['drops_seen'] - counts['drops']} already held; "
                       f"{counts['runs_seen']} runs = {counts['runs']} added + "
                       f"{counts['runs_seen'] - counts['runs']} already held; "
                       f"{counts['assets_seen']} images = {counts['assets']} merged + "
                       f"{counts['assets_seen'] - counts['assets']} already held; "
                       f"{counts['aliases']} URLs of stories other shards hold")
    finally:
        target.close()
    if redis_url:
        _publish(into, redis_url, redis_prefix)


def _publish(archive: Path, redis_url: str, prefix: str) -> None:
    import redis

    from newsarchive.distributed.state import publish

    conn = connect(archive)
    try:
        server = redis.Redis.from_url(redis_url, socket_timeout=30, socket_connect_timeout=10)
        counts = publish(conn, server, prefix)
    except (redis.RedisError, ValueError) as exc:
        raise click.ClickException(f"publishing to {redis_url} failed ({exc}): {archive} is merged, "
                                   "its state is not published; run the merge again to publish it") from None
    click.echo(f"Published to {redis_url}: {counts['stories']} stories and {counts['urls']} URLs "
               f"of {counts['sites']} sites")


@cli.command("serve")
@db_option
@click.option("-h", "--host", default="127.0.0.1", show_default=True)
@click.option("-p", "--port", default=8001, show_default=True, type=int)
@click.option("--warc-dir", envvar="NEWSARCHIVE_WARC_DIR", type=click.Path(file_okay=False, path_type=Path),
              help="The crawl's WARC captures, which the stories' images are shown from "
                   "(default: warc/ beside the archive; env: NEWSARCHIVE_WARC_DIR).")
def serve_command(db_path: Path, host: str, port: int, warc_dir: Path | None):
    """Browse and search the archive in Datasette, read-only (extra: web)."""
    try:
        from newsarchive.web import serve
    except ImportError:
        raise click.ClickException("Datasette is not installed: pip install 'newsarchive[web]'") from None
    connect(db_path).close()
    serve(db_path, host=host, port=port, warc_dir=warc_dir)


@cli.command("crawl", context_settings={"ignore_unknown_options": False})
@click.argument("sites", nargs=-1, required=True)
@click.option("-a", "arguments", multiple=True, metavar="NAME=VALUE", help="A spider argument (as scrapy crawl -a).")
@click.option("-s", "settings", multiple=True, metavar="NAME=VALUE", help="A setting (as scrapy crawl -s).")
# Not a click.Path with checks: the crawl checks the archive path itself,
# and refuses a bad one with one line and exit 1, as `scrapy crawl` does.
@click.option("--db", "db_path", type=Path, help="The archive file (default: NEWSARCHIVE_DB, or archive.db here).")
def crawl_command(sites: tuple[str, ...], arguments: tuple[str, ...], settings: tuple[str, ...], db_path: Path | None):
    """Crawl each SITE (a profile's name, or a site's URL) into the archive.

    The package's own settings are used, so this works in any directory
    (``scrapy crawl`` needs the checkout's scrapy.cfg). One site with a
    spider of its own (islamtimes) is crawled by it, any other by the
    ``news`` spider; several sites are crawled side by side in one process
    (``news -a site=a,b``: each with its own politeness, stats and run).
    The exit status is the crawl's: 0 finished, 1 refused or failed (any
    site), 2 bad command line. ``all`` is every profile.

    The crawl runs in this process, so signals reach it as they reach
    ``scrapy crawl``: the first SIGINT (Ctrl-C), SIGTERM or SIGHUP stops it
    gracefully, a second one at once.
    """
    import os

    from scrapy.cmdline import execute

    for pair in (*arguments, *settings):
        if "=" not in pair:
            raise click.UsageError(f"{pair!r}: -a and -s take NAME=VALUE")
    if len(sites) > 1 and any("," in site for site in sites):
        raise click.UsageError("give sites as separate arguments, not joined by commas")
    os.environ["SCRAPY_SETTINGS_MODULE"] = "newsarchive.settings"
    spider, site_args = crawl_spider(sites[0]) if len(sites) == 1 else ("news", [f"site={','.join(sites)}"])
    argv = ["scrapy", "crawl", spider,
            *[arg for pair in settings for arg in ("-s", pair)],
            *(["-s", f"NEWSARCHIVE_DB={db_path}"] if db_path is not None else []),
            *[arg for pair in (*site_args, *arguments) for arg in ("-a", pair)]]
    try:
        execute(argv)  # ends the process with the crawl's exit code
    except KeyboardInterrupt:  # Ctrl-C before the crawl took over the signals
        click.echo("Interrupted before the crawl started: nothing was crawled", err=True)
        sys.exit(130)


@cli.command("backfill")
@click.argument("site")
@click.option("--source", type=click.Choice(["wayback", "commoncrawl", "both"]), default="both", show_default=True,
              help="Which web archive to read.")
@click.option("--from", "since", metavar="YYYY[MM[DD]]", help="Only captures made then or later.")
@click.option("--to", "until", metavar="YYYY[MM[DD]]", help="Only captures made then or earlier.")
@click.option("--limit", type=click.IntRange(min=1), help="Fetch at most this many captures.")
@click.option("--lang", help="Editions to list, comma-separated (default: every edition of the profile).")
@click.option("--dry-run", is_flag=True, help="List only: per year, how many stories and captures each source holds.")
@click.option("--no-live-check", is_flag=True, help="Do not ask the live site for the stories backfilled.")
@click.option("-s", "settings", multiple=True, metavar="NAME=VALUE", help="A setting (as scrapy crawl -s).")
@click.option("--db", "db_path", type=Path, help="The archive file (default: NEWSARCHIVE_DB, or archive.db here).")
def backfill_command(site: str, source: str, since: str | None, until: str | None, limit: int | None,
                     lang: str | None, dry_run: bool, no_live_check: bool, settings: tuple[str, ...],
                     db_path: Path | None):
    """A SITE's past from web archives: the Wayback Machine and Common Crawl.

    Lists the site's story captures through the archives' CDX indexes, then
    fetches each once, at most NEWSARCHIVE_WEB_ARCHIVE_RATE requests a
    minute to each archive (a 429 pauses the backfill), and stores it as a
    copy of its story dated by the capture: older copies become earlier
    versions. Each story backfilled is then asked of the live site once: one
    it no longer serves is marked gone. A second run goes on where the
    first stopped; a later one asks only for newer captures. The exit
    status is the crawl's (see `newsarchive crawl`).
    """
    import os

    from scrapy.cmdline import execute

    for pair in settings:
        if "=" not in pair:
            raise click.UsageError(f"{pair!r}: -s takes NAME=VALUE")
    arguments = {"site": site, "source": source, "since": since, "until": until, "limit": limit, "lang": lang,
                 "dry_run": "1" if dry_run else None, "live_check": "0" if no_live_check else None}
    os.environ["SCRAPY_SETTINGS_MODULE"] = "newsarchive.settings"
    argv = ["scrapy", "crawl", "backfill",
            *[arg for pair in settings for arg in ("-s", pair)],
            *(["-s", f"NEWSARCHIVE_DB={db_path}"] if db_path is not None else []),
            *(["-s", "LOG_LEVEL=WARNING"] if dry_run else []),
            *[arg for name, value in arguments.items() if value is not None for arg in ("-a", f"{name}={value}")]]
    try:
        execute(argv)
    except KeyboardInterrupt:
        click.echo("Interrupted before the backfill started: nothing was fetched", err=True)
        sys.exit(130)


def crawl_spider(site: str) -> tuple[str, list[str]]:
    """The spider that crawls a site, and the arguments that name the site to it."""
    from scrapy.settings import Settings
    from scrapy.spiderloader import get_spider_loader

    from newsarchive import settings

    spiders = set(get_spider_loader(Settings({"SPIDER_MODULES": settings.SPIDER_MODULES})).list())
    return (site, []) if site in spiders - {"news", "backfill"} else ("news", [f"site={site}"])


def main() -> None:  # console script entry point
    cli(prog_name="newsarchive")


if __name__ == "__main__":
    sys.exit(main())

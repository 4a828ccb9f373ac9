"""The ``newsarchive`` command: work with an archive outside a crawl.

    newsarchive reparse [--db archive.db] [--warc-dir DIR] [--site S] [--since DATE]
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from newsarchive.archive import Archive, ArchiveBusy
from newsarchive.reparse import ProgressPrinter, reparse
from newsarchive.settings import NEWSARCHIVE_DB

db_option = click.option(
    "--db",
    "db_path",
    default=NEWSARCHIVE_DB,
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The archive file (the crawl's NEWSARCHIVE_DB).",
)


@click.group()
@click.version_option(package_name="newsarchive")
def cli():
    """Read and maintain a newsarchive SQLite archive."""


@cli.command("reparse")
@db_option
@click.option("--warc-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of WARC captures (default: warc/ beside the archive).")
@click.option("--site", help="Only this site's stories.")
@click.option("--since", help="Only captures made on or after this date (YYYY-MM-DD).")
def reparse_command(db_path: Path, warc_dir: Path | None, site: str | None, since: str | None):
    """Run today's parsers and pipelines over the archived captures.

    Stories come out new, updated (a revision keeps what changed) or
    unchanged. No network is used.
    """
    warc_dir = warc_dir or db_path.parent / "warc"
    if not warc_dir.is_dir():
        raise click.ClickException(f"no WARC folder at {warc_dir}")
    try:
        archive = Archive(db_path, lock=True)
    except ArchiveBusy as busy:
        raise click.ClickException(str(busy)) from None
    try:
        counts = reparse(
            archive, warc_dir, site=site, since=since,
            progress=ProgressPrinter(lambda line: click.echo(line, err=True)),
        )
    except KeyError as unknown:
        raise click.ClickException(str(unknown.args[0])) from None
    finally:
        archive.close()
    rejected = {k.split("/", 1)[1]: v for k, v in counts.items() if k.startswith("rejected/")}
    click.echo(
        f"{counts['stories']} stories from {counts['captures']} captures: {counts['new']} new, "
        f"{counts['updated']} updated, {counts['unchanged']} unchanged"
        + (f", rejected {rejected}" if rejected else "")
        + (f"; {counts['truncated_files']} file(s) cut short, read up to the cut" if counts["truncated_files"] else "")
    )


def main() -> None:  # pragma: no cover - console script entry point
    cli(prog_name="newsarchive")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""The archive in Datasette: read-only, with titles, search, facets,
canned queries, and the reading pages of the ``reading`` plugin (a front
page, a page per story, recent edits). Needs the ``web`` extra
(``pip install 'newsarchive[web]'``).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from newsarchive.archive.queries import canned_queries

TEMPLATES = Path(__file__).parent / "templates"


def metadata(db_path: Path, warc_dir: Path | None = None) -> dict:
    name = db_path.stem
    return {
        "plugins": {"newsarchive-reading": {"warc_dir": str(warc_dir) if warc_dir else None}},
        "title": "newsarchive",
        "description": "News stories archived by newsarchive: one row per story, dates in UTC, "
        "bodies without sidebars, every URL that led to a story, and each edit.",
        "databases": {
            name: {
                "title": f"{name}: news archive",
                "tables": {
                    "stories": {
                        "title": "Stories",
                        "description": "Newest first; a title opens the story's page. "
                        "Search covers titles, leads and bodies.",
                        "sort_desc": "published",
                        "fts_table": "articles_fts",
                        "fts_pk": "id",
                        "facets": ["site", "section", "language", {"date": "published"}],
                        "size": 50,
                    },
                    "articles": {
                        "title": "Stories, every column",
                        "description": "One row per story (site + story code). Dates are UTC ISO 8601; "
                        "published_raw is the page's own text. Search covers title, lead and body.",
                        "sort_desc": "published",
                        "label_column": "title",
                        "facets": ["site", "section", "language", {"date": "published"}],
                        "size": 50,
                    },
                    "story_counts": {"hidden": True},
                    "aliases": {"title": "URLs", "description": "Every URL a story was reached by."},
                    "revisions": {
                        "title": "Revisions",
                        "description": "Previous values of a story's fields, each time a refetch found an edit.",
                        "sort_desc": "fetched_at",
                    },
                    "dropped": {"title": "Dropped pages", "description": "Pages that did not become a story, and why."},
                    "runs": {"title": "Runs", "description": "The run ledger: one row per crawl.", "sort_desc": "id"},
                },
                "queries": canned_queries(),
            }
        },
    }


def serve(db_path: Path, host: str = "127.0.0.1", port: int = 8001, warc_dir: Path | None = None) -> None:
    """Run Datasette on the archive until interrupted."""
    from datasette.cli import serve as datasette_serve
    from datasette.plugins import pm

    from newsarchive.web import reading

    if not pm.is_registered(reading):
        pm.register(reading, name=reading.PLUGIN)
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8", delete=False) as handle:
        json.dump(metadata(db_path, warc_dir), handle)
    try:
        datasette_serve.main(
            [str(db_path), "--metadata", handle.name, "--host", host, "--port", str(port),
             "--template-dir", str(TEMPLATES),
             "--setting", "default_page_size", "50", "--setting", "allow_download", "off"],
            prog_name="newsarchive serve",
            standalone_mode=True,
        )
    finally:
        Path(handle.name).unlink(missing_ok=True)

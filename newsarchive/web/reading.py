"""The Datasette plugin that makes the archive readable: a front page, a
page per story that reads like the article (with its edits as word
diffs), a page of recent edits, story titles that link to their pages and
URLs shown decoded. ``newsarchive serve`` registers it.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, unquote, urlencode, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup, escape

from newsarchive import config
from newsarchive.archive import queries
from newsarchive.capture.reader import read_record
from newsarchive.items import SCRIPTED_IMAGES
from newsarchive.revisions import ADDED, REMOVED, Edit, FieldEdit, Origin, edits, spaced, versions
from newsarchive.sites import PACKAGE

#: Languages written right to left (ISO 639-1).
RTL_LANGUAGES = frozenset({"ar", "fa", "ur", "he", "ps", "ku", "sd", "ug", "yi", "dv"})
#: Columns whose values are URLs: shown decoded, linked as stored.
URL_COLUMNS = frozenset({"url", "image_url"})


def text_direction(language: str | None) -> str:
    return "rtl" if (language or "").split("-")[0].lower() in RTL_LANGUAGES else "ltr"


def story_path(site: str, story_code: str) -> str:
    return f"/-/story/{quote(site, safe='')}/{quote(story_code, safe='')}"


def readable_url(url: str | None) -> str:
    """A URL as people read it: percent-encoded letters (Urdu, Persian, …) decoded."""
    return unquote(url or "")


def local_time(published: str | None, site: str) -> str | None:
    """The publication time in the site's own time zone, when its profile gives one."""
    if not published:
        return None
    try:
        zone = ZoneInfo(PACKAGE.resolve(site).timezone)
        moment = datetime.fromisoformat(published.replace("Z", "+00:00"))
    except (ValueError, KeyError, ZoneInfoNotFoundError, TypeError, AttributeError):
        return None
    if moment.tzinfo is None:
        return None  # a day alone, or a time whose zone is not known: shown as stored
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M} ({zone.key})"


def _image(conn, url: str | None, folder: Path) -> dict | None:
    """The story's image as the reading page shows it: from the archive when
    its capture is there, else only named (and linked, when it is a web
    address: never loaded from the outlet)."""
    if not url:
        return None
    found = queries.asset(conn, url)
    captured = found is not None and _capture_path(folder, found["capture_file"]) is not None
    return {"src": f"{ASSET_PATH}?{urlencode({'url': url})}" if captured else None,
            "url": url if urlsplit(url).scheme in ("http", "https") else None, "text": readable_url(url)}


def _capture_path(folder: Path, name: str | None) -> Path | None:
    """The WARC file a name from the archive stands for: only ever a file of ``folder``."""
    if not name or name != Path(name).name or name.startswith("."):
        return None
    path = folder / name
    return path if path.is_file() else None


def _story_context(conn, site: str, story_code: str, folder: Path) -> dict | None:
    found = queries.show(conn, story_code, site=site)
    if not found:
        return None
    story = found[0]
    archived = queries.archived_codes(conn, site, [entry.get("story_code") for entry in story.get("related") or []])
    related = [
        {**entry, "href": story_path(site, entry["story_code"]) if entry.get("story_code") in archived else entry.get("url"),
         "archived": entry.get("story_code") in archived}
        for entry in story.get("related") or []
    ]
    return {
        "story": story,
        "paragraphs": [p for p in (story.get("body") or "").split("\n\n") if p.strip()],
        "dir": text_direction(story.get("language")),
        "local_time": local_time(story.get("published"), site),
        "published_text": utc_text(story["published"]) if story.get("published") else None,
        "story_urls": [{"href": url, "text": readable_url(url), "canonical": url == story.get("url")}
                 for url in dict.fromkeys([story.get("url"), *story["aliases"]]) if url],
        "related": related,
        "image": _image(conn, story.get("image_url"), folder),
        "edits": [Edit(edit.fetched_at, [FieldEdit(f.field, spaced(f.runs)) for f in edit.fields], edit.origin)
                  for edit in edits(story)],
        "versions": versions(story),
        "REMOVED": REMOVED,
        "ADDED": ADDED,
    }


#: What a reading page may load: only what this server serves. Nothing
#: leaves for the outlet (which would learn who reads what) or anywhere else.
CONTENT_SECURITY_POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                           "script-src 'self' 'unsafe-inline'; connect-src 'self'; font-src 'self'; "
                           "object-src 'none'; frame-src 'none'; base-uri 'self'; form-action 'self'")
SECURITY_HEADERS = [(b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
                    (b"referrer-policy", b"no-referrer")]
#: Where a file a story shows is served from the captures.
ASSET_PATH = "/-/asset"
#: Such a file, opened on its own, runs nothing and loads nothing.
ASSET_HEADERS = [(b"content-security-policy", b"default-src 'none'; img-src 'self'; sandbox"),
                 (b"referrer-policy", b"no-referrer")]


#: The plugin's name in Datasette's metadata (``serve`` registers it so).
PLUGIN = "newsarchive-reading"


def warc_folder(datasette) -> Path:
    """The WARC captures of the archive served (``serve --warc-dir``), else ``warc/`` beside it."""
    return config.warc_folder(datasette.get_database().path, (datasette.plugin_config(PLUGIN) or {}).get("warc_dir"))


async def asset_page(datasette, request):
    """A file a story's page shows, from the WARC capture the crawl kept of it."""
    url = request.args.get("url") or ""
    db = datasette.get_database()
    found = await db.execute_fn(queries.with_named_rows(lambda conn: queries.asset(conn, url)))
    if found is None:
        raise NotFound("not archived")
    # A name from the archive, never a path: only a file of the WARC folder is read.
    path = _capture_path(warc_folder(datasette), found["capture_file"])
    if path is None or found["content_type"] in SCRIPTED_IMAGES:
        raise NotFound("capture not found")
    try:
        # Off the server's loop: a record is read and decompressed from disk.
        _, body = await asyncio.to_thread(read_record, path, found["capture_offset"])
    except Exception as exc:  # a cut or rewritten WARC file: the image is missing, the page stays up
        logging.getLogger(__name__).warning("The capture of %s in %s could not be read: %s", url, path.name, exc)
        raise NotFound("capture unreadable") from None
    return Response(body, content_type=found["content_type"] or "application/octet-stream",
                    headers={"Cache-Control": "max-age=86400", "X-Content-Type-Options": "nosniff"})


async def story_page(datasette, request):
    site, story_code = request.url_vars["site"], request.url_vars["story_code"]
    db = datasette.get_database()
    folder = warc_folder(datasette)
    context = await db.execute_fn(queries.with_named_rows(lambda conn: _story_context(conn, site, story_code, folder)))
    if context is None:
        raise NotFound(f"no story {story_code} on {site}")
    raw = f"/{db.name}/articles.json?" + urlencode({"site": site, "story_code": story_code, "_shape": "array"})
    context.update(database=db.name, raw_json=raw, title=context["story"]["title"] or story_code)
    return Response.html(await datasette.render_template("story.html", context, request=request))


async def edited_page(datasette, request):
    db = datasette.get_database()
    rows = await db.execute_fn(queries.with_named_rows(lambda conn: queries.recently_edited(conn, limit=200)))
    for row in rows:
        row["href"] = story_path(row["site"], row["story_code"])
        row["dir"] = text_direction(row["language"])
    return Response.html(await datasette.render_template(
        "edited.html", {"edits": rows, "database": db.name}, request=request))


async def deleted_page(datasette, request):
    db = datasette.get_database()
    rows = await db.execute_fn(queries.with_named_rows(lambda conn: queries.deleted_stories(conn)))
    for row in rows:
        row["href"] = story_path(row["site"], row["story_code"])
        row["dir"] = text_direction(row["language"])
        row["origin"] = Origin.of(row).describe()
    return Response.html(await datasette.render_template(
        "deleted.html", {"stories": rows, "database": db.name}, request=request))


#: A coverage chart's size, in the page's pixels.
CHART_WIDTH, CHART_HEIGHT = 600, 80
#: Run verdicts a chart marks on their day.
MARKED_VERDICTS = ("drifted", "failed")


def coverage_chart(found: dict, width: int = CHART_WIDTH, height: int = CHART_HEIGHT,
                   series: list[int] | None = None) -> dict:
    """Where each day's bar and marks go in a chart of ``found``
    (``queries.coverage``): a bar per day scaled to the busiest, a gap
    mark under a day without stories, a mark over a day of a drifted or
    failed run; each with a title a reader can hover."""
    days = found["days"]
    counts = series if series is not None else [d["stories"] for d in days]
    most = max(counts, default=0) or 1
    step = width / max(len(days), 1)
    bars = []
    for index, (day, count) in enumerate(zip(days, counts)):
        runs = [r for r in day["runs"] if r["verdict"] in MARKED_VERDICTS]
        tall = round((height - 16) * count / most, 1)
        title = f"{day['day']}: {count} {'story' if count == 1 else 'stories'}" + "".join(
            f"; run #{r['id']} {r['verdict']}" for r in day["runs"])
        bars.append({"x": round(index * step, 1), "width": max(round(step - 1, 1), 1), "y": height - 8 - tall,
                     "height": tall, "day": day["day"], "stories": count, "title": title,
                     "gap": count == 0, "marks": [r["verdict"] for r in runs]})
    return {"width": width, "height": height, "bars": bars, "most": most,
            "first": days[0]["day"] if days else None, "last": days[-1]["day"] if days else None}


async def site_page(datasette, request):
    site = request.url_vars["site"]
    try:
        days = min(max(int(request.args.get("days", 90)), 7), 3660)
    except ValueError:
        days = 90
    db = datasette.get_database()
    found = await db.execute_fn(queries.with_named_rows(lambda conn: queries.coverage(conn, site, days, editions=True)))
    if not found["days"]:
        raise NotFound(f"no stories of {site}")
    editions = [{"language": language or "(none)", "chart": coverage_chart(found, height=40, series=counts),
                 "stories": sum(counts)} for language, counts in found["editions"].items()]
    has_view = "stories" in await db.view_names()
    return Response.html(await datasette.render_template("site.html", {
        "site": site, "days": days, "coverage": found, "chart": coverage_chart(found, width=900, height=140),
        "editions": editions, "database": db.name, "stories_table": "stories" if has_view else "articles",
    }, request=request))


async def front_page(datasette, request):
    db = datasette.get_database()
    sites = await db.execute_fn(queries.with_named_rows(queries.front_page))
    coverages = await db.execute_fn(queries.with_named_rows(
        lambda conn: {entry["site"]: queries.coverage(conn, entry["site"], days=60) for entry in sites}))
    for entry in sites:
        entry["chart"] = coverage_chart(coverages[entry["site"]], width=360, height=48)
        newest = entry["newest"]
        if newest:
            newest["href"] = story_path(entry["site"], newest["story_code"])
            newest["dir"] = text_direction(newest["language"])
    has_view = "stories" in await db.view_names()
    return Response.html(await datasette.render_template(
        "front.html", {"sites": sites, "database": db.name, "stories_table": "stories" if has_view else "articles"},
        request=request))


@hookimpl
def register_routes():
    return [
        (r"^/$", front_page),
        (r"^/-/story/(?P<site>[^/]+)/(?P<story_code>[^/]+)$", story_page),
        (r"^/-/edited$", edited_page),
        (r"^/-/deleted$", deleted_page),
        (r"^/-/site/(?P<site>[^/]+)$", site_page),
        (rf"^{ASSET_PATH}$", asset_page),
    ]


def utc_text(published: str) -> str:
    """A stored time as a reader reads it: ``2022-11-08 05:48 UTC``; a day
    alone, or a time whose zone is unknown, as stored (no zone claimed)."""
    shown = published.replace("T", " ")
    if not published.endswith("Z"):
        return shown
    return f"{shown.removesuffix('Z').removesuffix(':00') if len(published) == 20 else shown[:-1]} UTC"


def published_cell(published: str, site: str | None) -> Markup:
    """A publication time as a reader scans a list: UTC, then the site's
    own time on a line of its own, neither broken mid-token."""
    local = local_time(published, site) if site else None
    html = f'<time class="when" datetime="{escape(published)}">{escape(utc_text(published))}</time>'
    if local:
        html += f'<br><span class="when local">{escape(local)}</span>'
    return Markup(html)


@hookimpl
def asgi_wrapper(datasette):
    """Every page of the server with :data:`CONTENT_SECURITY_POLICY` and no referrer."""

    def wrap(app):
        async def with_headers(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)
            is_asset = scope.get("path") == ASSET_PATH

            async def sending(message):
                if message["type"] == "http.response.start":
                    headers = [(k, v) for k, v in message.get("headers", [])
                               if k.lower() not in (b"content-security-policy", b"referrer-policy")]
                    message = {**message, "headers": headers + (ASSET_HEADERS if is_asset else SECURITY_HEADERS)}
                await send(message)

            return await app(scope, receive, sending)

        return with_headers

    return wrap


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if table in ("stories", "articles") and column == "title" and value and "story_code" in row.keys():
        return Markup(f'<a href="{escape(story_path(row["site"], row["story_code"]))}">{escape(value)}</a>')
    if table in ("stories", "articles") and column == "published" and isinstance(value, str) and value:
        return published_cell(value, row["site"] if "site" in row.keys() else None)
    if column in URL_COLUMNS and isinstance(value, str) and value.startswith(("http://", "https://")):
        return Markup(f'<a href="{escape(value)}">{escape(readable_url(value))}</a>')
    return None

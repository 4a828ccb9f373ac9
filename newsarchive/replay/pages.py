"""A folder of saved pages and the manifest (``pages.json``) that indexes it.

The manifest lists each saved URL with the file holding its body (or a
redirect), its status and content type. Pages are looked up by path and
query, whatever the host, so the same folder answers for every host a site
has used and for a local mirror. File names come from the manifest, never
from a URL, and must stay inside the folder.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.http import Headers
from scrapy.responsetypes import responsetypes
from w3lib.url import safe_url_string

MANIFEST = "pages.json"


class ManifestError(ValueError):
    pass


def page_key(url: str) -> str:
    parts = urlsplit(safe_url_string(url))
    return f"{parts.path or '/'}?{parts.query}" if parts.query else (parts.path or "/")


def host_page_key(url: str) -> str:
    """A page's key with its host: one folder may hold several sites whose
    paths are the same (``/robots.txt``, ``/en/rss/allnews``)."""
    return f"{(urlsplit(safe_url_string(url)).hostname or '').lower()}{page_key(url)}"


def build_response(url: str, status: int, headers, body: bytes, **kwargs):
    """A Scrapy response of the class its headers, URL and body call for
    (HTML, XML, text or bytes), as the download handlers would build it."""
    headers = Headers(headers)
    respcls = responsetypes.from_args(headers=headers, url=url, body=body)
    return respcls(url=url, status=status, headers=headers, body=body, **kwargs)


@dataclass
class SavedPage:
    url: str
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    file: Path | None = None
    location: str | None = None
    expected: Path | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def body(self) -> bytes:
        return self.file.read_bytes() if self.file else b""

    def response(self, url: str | None = None, **kwargs):
        """This page as a Scrapy response (at ``url``, if given)."""
        return build_response(url or self.url, self.status, self.response_headers(), self.body(), **kwargs)

    def page(self, fallback_encodings=()):
        """This page as parsers see it (raises ``PageRejected`` for one that is not text)."""
        from newsarchive.sites.page import Page

        return Page.from_http(self.url, self.response_headers(), self.body(), fallback_encodings)

    def response_headers(self) -> dict[str, str]:
        headers = {"Content-Type": self.content_type, **self.headers}
        if self.location:
            headers["Location"] = self.location
        return headers


class SavedSite:
    def __init__(self, folder: str | Path):
        self.folder = Path(folder).resolve()
        manifest_path = self.folder / MANIFEST
        if not manifest_path.is_file():
            raise ManifestError(f"{manifest_path} not found: a replay folder needs a {MANIFEST}")
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise ManifestError(f"{manifest_path} cannot be read ({exc})") from None
        except ValueError as exc:
            raise ManifestError(f"{manifest_path} is not valid JSON ({exc})") from None
        if not isinstance(manifest, dict) or not isinstance(manifest.get("pages", []), list):
            raise ManifestError(f'{manifest_path} must be a JSON object with a list of "pages", not {type(manifest).__name__}')
        self.site: str | None = manifest.get("site")
        self.pages: dict[str, SavedPage] = {}
        self.by_host: dict[str, SavedPage] = {}
        for number, entry in enumerate(manifest.get("pages", ()), 1):
            try:
                page = SavedPage(
                    url=entry["url"],
                    status=int(entry.get("status", 200)),
                    content_type=entry.get("content_type", "text/html; charset=utf-8"),
                    file=self._inside(entry.get("file")),
                    location=entry.get("location"),
                    expected=self._inside(entry.get("expected"), must_exist=False),
                    headers=dict(entry.get("headers", {})),
                )
            except KeyError as exc:
                raise ManifestError(f"{manifest_path}: page {number} has no {exc}") from None
            except (TypeError, ValueError, AttributeError) as exc:
                raise ManifestError(f"{manifest_path}: page {number}: {exc}") from None
            self.pages[page_key(page.url)] = page
            self.by_host[host_page_key(page.url)] = page

    def _inside(self, name: str | None, must_exist: bool = True) -> Path | None:
        if not name:
            return None
        path = (self.folder / name).resolve()
        if not path.is_relative_to(self.folder):
            raise ManifestError(f"{name!r} is outside {self.folder}")
        if must_exist and not path.is_file():
            raise ManifestError(f"{path} does not exist")
        return path

    def lookup(self, url: str) -> SavedPage | None:
        """The page saved for the URL: on its host, else at its path on any
        (a mirror on 127.0.0.1 asks by path)."""
        return self.by_host.get(host_page_key(url)) or self.pages.get(page_key(url))

    def __iter__(self):
        return iter(self.by_host.values())

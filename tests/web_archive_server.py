"""A stand-in for the web archives and a live site, on 127.0.0.1:

    python tests/web_archive_server.py CONFIG.json    (prints its port, then serves)

- the Wayback Machine's CDX server (``/cdx/search/cdx``): JSON tables of
  the captures in the config, ``page_size`` at a time, each page but the
  last ending with an empty row and a resume key;
- its captures (``/web/<timestamp>id_/<url>``): the capture's bytes;
- Common Crawl's index (``/collinfo.json``, ``/<crawl>-index``: pages of
  CDXJ lines with each record's file, offset and length) and data server
  (``/data/<file>``: byte ranges only — a request for a whole file is
  refused, and every request is logged to ``log``);
- a live site (any other path): the config's pages, 404 for the others;
- ``fail_once``: paths answered 429 the first time they are asked;
- ``missing``: capture times the index lists and the archive answers 404 for.
"""

from __future__ import annotations

import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit


def bare(url: str) -> str:
    """A URL as a CDX prefix matches it: no scheme, no ``www.``."""
    rest = url.split("://", 1)[-1]
    return rest.removeprefix("www.")


class Handler(BaseHTTPRequestHandler):
    config: dict = {}
    failed: set = set()

    def log_message(self, *args):
        pass

    def answer(self, status: int, body: bytes = b"", content_type: str = "text/plain", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        with open(self.config["log"], "a", encoding="utf-8") as log:
            log.write(json.dumps({"path": self.path, "range": self.headers.get("Range"), "at": time.time()}) + "\n")
        if self.path in self.config.get("fail_once", ()) and self.path not in self.failed:
            self.failed.add(self.path)
            return self.answer(429, b"Too many requests", headers=[("Retry-After", "1")])
        if parts.path == "/cdx/search/cdx":
            return self.wayback_listing(query)
        if parts.path.startswith("/web/"):
            stamp, _, url = unquote(parts.path[len("/web/"):]).partition("id_/")
            if parts.query:
                url += "?" + parts.query
            for capture in self.config["wayback"]:
                if capture["timestamp"] in self.config.get("missing", ()):
                    continue
                if capture["timestamp"] == stamp and capture["original"] == url:
                    return self.answer(200, Path(capture["file"]).read_bytes(), "text/html; charset=utf-8")
            return self.answer(404, b"not in the archive")
        if parts.path == "/collinfo.json":
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            return self.answer(200, json.dumps([{"id": crawl, "cdx-api": f"{base}/{crawl}-index"}
                                                for crawl in self.config.get("cc", {})]).encode(), "application/json")
        if parts.path.endswith("-index"):
            return self.cc_listing(parts.path[1:-len("-index")], query)
        if parts.path.startswith("/data/"):
            return self.data(parts.path[len("/data/"):])
        page = self.config.get("live", {}).get(parts.path)
        if page is None:
            return self.answer(404, b"<html><body>Not found</body></html>", "text/html")
        return self.answer(200, Path(page).read_bytes(), "text/html; charset=utf-8")

    def matching(self, rows, query, url_key):
        prefix = bare(query["url"][0])
        since, until = query.get("from", [""])[0], query.get("to", [""])[0]
        return [row for row in rows if bare(row[url_key]).startswith(prefix)
                and (not since or row["timestamp"] >= since[:14]) and (not until or row["timestamp"] <= until[:14])]

    def wayback_listing(self, query):
        rows = sorted(self.matching(self.config["wayback"], query, "original"), key=lambda r: r["timestamp"])
        fields = query["fl"][0].split(",")
        size = self.config.get("page_size", 1000)
        start = int(query.get("resumeKey", ["0"])[0])
        page = rows[start:start + size]
        table = [fields, *([capture.get(f, {"statuscode": "200", "mimetype": "text/html"}.get(f, "")) for f in fields]
                           for capture in page)]
        if start + size < len(rows):
            table += [[], [str(start + size)]]
        return self.answer(200, json.dumps(table).encode(), "application/json")

    def cc_listing(self, crawl, query):
        rows = self.matching(self.config.get("cc", {}).get(crawl, []), query, "url")
        size = self.config.get("page_size", 1000)
        if "showNumPages" in query:
            pages = (len(rows) + size - 1) // size
            return self.answer(200, json.dumps({"pages": pages, "pageSize": size, "blocks": pages}).encode(),
                               "application/json")
        page = int(query.get("page", ["0"])[0])
        lines = [json.dumps({"status": "200", "mime": "text/html", **row}) for row in rows[page * size:(page + 1) * size]]
        return self.answer(200, "\n".join(lines).encode(), "text/x-ndjson")

    def data(self, name):
        asked = self.headers.get("Range", "")
        if not asked.startswith("bytes="):
            return self.answer(416, b"a byte range, please")
        first, _, last = asked[len("bytes="):].partition("-")
        data = (Path(self.config["data_dir"]) / name).read_bytes()
        chunk = data[int(first):int(last) + 1]
        return self.answer(206, chunk, "application/octet-stream",
                           headers=[("Content-Range", f"bytes {first}-{last}/{len(data)}")])


def main() -> None:
    Handler.config = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()

"""Serve a replay folder over HTTP, as a local mirror of the site.

    python -m newsarchive.replay.server fixtures/islamtimes --port 8000
    scrapy crawl islamtimes -a start_urls=http://127.0.0.1:8000/en/rss/allnews

Used by the end-to-end tests on an ephemeral port.
"""

from __future__ import annotations

import argparse
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from newsarchive.replay.pages import SavedSite, page_key


def make_handler(server: MirrorServer):
    saved = server.saved

    class SavedPageHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # noqa: N802 (http.server's naming)
            page = saved.lookup(self.path)
            if page is None:
                status, headers, body = 404, {"Content-Type": "text/plain"}, b"not saved\n"
            else:
                status, headers, body = page.status, page.response_headers(), page.body()
                body = server.replaced.get(page_key(page.url), body)
                if server.delay and page.expected is not None:
                    time.sleep(server.delay)
            if server.latency:
                time.sleep(server.latency)
            server.requests.append((self.path, status))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):  # keep test output quiet
            pass

    return SavedPageHandler


class LocalServer:
    """An HTTP server on 127.0.0.1 (an ephemeral port by default), in a
    background thread, for the life of a ``with`` block."""

    def __init__(self, handler_class, port: int = 0):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), handler_class)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def origin(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


class MirrorServer(LocalServer):
    """A saved site on 127.0.0.1.

    ``delay`` slows article pages down (to stop a crawl half-way in tests),
    ``latency`` every answer; :meth:`replace` serves another body for a page
    (a story edited).
    """

    def __init__(self, folder, port: int = 0, delay: float = 0.0, latency: float = 0.0):
        self.saved = SavedSite(folder)
        self.delay = delay
        self.latency = latency
        self.replaced: dict[str, bytes] = {}
        #: (path, status) of every request served, in order
        self.requests: list[tuple[str, int]] = []
        super().__init__(make_handler(self), port)

    def replace(self, url: str, body: bytes) -> None:
        self.replaced[page_key(url)] = body


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    server = MirrorServer(args.folder, args.port)
    print(f"Serving {args.folder} at {server.origin} (Ctrl-C to stop)")
    try:
        server.httpd.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()

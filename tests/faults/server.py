"""A fault-injecting HTTP server on 127.0.0.1: each path misbehaves in its
own way. Articles use the Islam Times markup."""

from __future__ import annotations

import html
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler

from newsarchive.replay.server import LocalServer


def article_html(code: str, title: str, paragraphs: list[str], date_line: str = "Tuesday 8 November 2022 - 09:18",
                 head: str = "", after_body: str = "", charset_meta: str | None = "utf-8") -> str:
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    date = f'<div id="docDiv3Date">{date_line}</div>' if date_line else ""
    return f"""<!DOCTYPE html><html lang="en"><head>{meta}<title>{html.escape(title)} - Islam Times</title>{head}</head>
<body><div id="docDataRow">{date}
<h1 id="docDiv3TitrMain">{title}</h1>
<div id="docDocID">Story Code : {code}</div>
<div id="doctextarea">
{body}
</div>{after_body}</div></body></html>"""


class FaultServer(LocalServer):
    def __init__(self):
        #: path -> handler(request_handler); filled by the tests
        self.routes: dict[str, Callable[[BaseHTTPRequestHandler], None]] = {}
        #: (path, monotonic time) of every request
        self.hits: list[tuple[str, float]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802
                server.hits.append((self.path, time.monotonic()))
                route = server.routes.get(self.path)
                if route is None:
                    send(self, 404, b"not here", "text/plain")
                else:
                    route(self)

            def log_message(self, format, *args):
                pass

        super().__init__(Handler)
        # Clients that give up (timeouts, resets) are part of the test.
        self.httpd.handle_error = lambda request, client_address: None


def send(handler, status: int, body: bytes, content_type: str = "text/html; charset=utf-8", headers=()):
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    for name, value in headers:
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def page(body: bytes, content_type: str = "text/html; charset=utf-8", status: int = 200, headers=()):
    return lambda handler: send(handler, status, body, content_type, headers)


def redirect(location: str, status: int = 302):
    return lambda handler: send(handler, status, b"", "text/html", [("Location", location)])


def sleep_then(seconds: float, then):
    def route(handler):
        time.sleep(seconds)
        then(handler)

    return route


def reset_mid_body(handler):
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    handler.wfile.write(b"<html><body><h1>Half a page")
    handler.wfile.flush()
    handler.close_connection = True
    handler.connection.shutdown(2)


def first_then(first, then):
    calls = []

    def route(handler):
        calls.append(1)
        (first if len(calls) == 1 else then)(handler)

    return route

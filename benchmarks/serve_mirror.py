"""Serve a replay folder from memory with Twisted, for throughput benchmarks.

    python benchmarks/serve_mirror.py FOLDER [--latency S] [--log FILE]   # prints "port N", serves until killed

Runs in a process of its own so that serving does not compete with the
crawl for its core: the standard-library server in ``newsarchive.replay``
is fine for tests but would be the bottleneck here. ``--latency`` answers
each request that many seconds late (without blocking others), like a
distant server; ``--log`` writes a line per answer: time and path.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from twisted.internet import reactor  # noqa: E402
from twisted.web import resource, server  # noqa: E402
from twisted.web.server import NOT_DONE_YET  # noqa: E402

from newsarchive.replay.pages import SavedSite, page_key  # noqa: E402


class InMemorySite(resource.Resource):
    isLeaf = True

    def __init__(self, folder: str, latency: float = 0.0, log=None):
        super().__init__()
        saved = SavedSite(folder)
        self.pages = {key: (page.status, page.response_headers(), page.body()) for key, page in saved.pages.items()}
        self.latency = latency
        self.log = log

    def render_GET(self, request):  # noqa: N802 (Twisted's naming)
        if not self.latency:
            return self.answer(request)
        call = reactor.callLater(self.latency, self.finish, request)
        # A client that went away (a killed crawler) is answered no more.
        request.notifyFinish().addErrback(lambda _: call.active() and call.cancel())
        return NOT_DONE_YET

    def finish(self, request) -> None:
        request.write(self.answer(request))
        request.finish()

    def answer(self, request) -> bytes:
        path = request.uri.decode("latin-1")
        if self.log is not None:
            self.log.write(f"{time.time():.6f} {path}\n")
        found = self.pages.get(page_key(path))
        if found is None:
            request.setResponseCode(404)
            return b"not saved"
        status, headers, body = found
        request.setResponseCode(status)
        for name, value in headers.items():
            request.setHeader(name, value)
        return body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--log", type=Path)
    args = parser.parse_args()
    log = args.log.open("a", buffering=1, encoding="utf-8") if args.log else None
    site = server.Site(InMemorySite(args.folder, args.latency, log))
    site.log = lambda request: None  # no access log
    port = reactor.listenTCP(0, site, interface="127.0.0.1")
    print(f"port {port.getHost().port}", flush=True)
    reactor.run()


if __name__ == "__main__":
    main()

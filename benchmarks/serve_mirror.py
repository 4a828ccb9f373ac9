"""Serve a replay folder from memory with Twisted, for throughput benchmarks.

    python benchmarks/serve_mirror.py FOLDER     # prints "port N", serves until killed

Runs in a process of its own so that serving does not compete with the
crawl for its core: the standard-library server in ``newsarchive.replay``
is fine for tests but would be the bottleneck here.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from twisted.internet import reactor  # noqa: E402
from twisted.web import resource, server  # noqa: E402

from newsarchive.replay.pages import SavedSite, page_key  # noqa: E402


class InMemorySite(resource.Resource):
    isLeaf = True

    def __init__(self, folder: str):
        super().__init__()
        saved = SavedSite(folder)
        self.pages = {key: (page.status, page.response_headers(), page.body()) for key, page in saved.pages.items()}

    def render_GET(self, request):  # noqa: N802 (Twisted's naming)
        found = self.pages.get(page_key(request.uri.decode("latin-1")))
        if found is None:
            request.setResponseCode(404)
            return b"not saved"
        status, headers, body = found
        request.setResponseCode(status)
        for name, value in headers.items():
            request.setHeader(name, value)
        return body


def main() -> None:
    site = server.Site(InMemorySite(sys.argv[1]))
    site.log = lambda request: None  # no access log
    port = reactor.listenTCP(0, site, interface="127.0.0.1")
    print(f"port {port.getHost().port}", flush=True)
    reactor.run()


if __name__ == "__main__":
    main()

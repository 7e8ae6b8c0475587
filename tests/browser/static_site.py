"""A tiny site on loopback for pages the sandbox does not serve (numbered pages, page-size links, a
"Load more" table, an inbox read from its previews, a page whose texts and structure disagree).

A threaded `http.server` on a free port answers each GET with what a test's handler returns for the
path and query, and writes every request down, so a test sees from the site's side which pages the
agent fetched. The pages are real documents loaded by a real Chromium: links navigate, fetches fetch.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

Query = dict[str, list[str]]
Answer = tuple[int, str, str]
"""Status, content type, body."""
Handler = Callable[[str, Query], Answer | None]


def html(body: str, status: int = 200) -> Answer:
    return status, "text/html; charset=utf-8", f"<!doctype html><html><body>{body}</body></html>"


def json_answer(body: str) -> Answer:
    return 200, "application/json", body


@dataclass
class StaticSite:
    base_url: str
    requests: list[tuple[str, Query]] = field(default_factory=list)

    def fetched(self, path: str) -> list[Query]:
        return [query for p, query in self.requests if p == path]


@contextmanager
def static_site(handler: Handler) -> Iterator[StaticSite]:
    """Serve `handler` (None: 404) on 127.0.0.1 until the block ends."""
    log: list[tuple[str, Query]] = []

    class Answering(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            log.append((parts.path, query))
            answer = handler(parts.path, query) or (404, "text/plain", "not found")
            status, content_type, body = answer
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Answering)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield StaticSite(f"http://127.0.0.1:{server.server_address[1]}", log)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()

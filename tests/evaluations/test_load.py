"""The load benchmark's client: every request it sends carries a query the server has not seen, so the figures
include embedding each one (a repeated query would be answered from the query cache)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest

from evaluations.load import _measure_wrk


class _Recorder(BaseHTTPRequestHandler):
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        self.seen.extend(parse_qs(parts.query).get("q", []))
        ok = parts.path == "/search" and parse_qs(parts.query).get("k") == ["10"]
        body = b"{}"
        self.send_response(200 if ok else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        return None


@pytest.fixture()
def recorder() -> Iterator[tuple[str, list[str]]]:
    seen: list[str] = []
    handler = type("Handler", (_Recorder,), {"seen": seen})  # each server its own list
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def test_wrk_sends_each_query_once_across_threads_and_counts_every_request(recorder: tuple[str, list[str]]) -> None:
    url, seen = recorder
    queries = ["community energy co-op", "what did Rochdale do in 2023?", "café & lease / 50%"]

    figures = _measure_wrk(url, queries, 4, 1, salt="t")

    assert figures["errors"] == 0
    assert len(seen) >= figures["n"] > 10  # wrk counts replies; a request cut off at the end may go unreplied
    assert len(set(seen)) == len(seen)  # no query twice, though two threads send them
    assert {q.rsplit(" ", 1)[0] for q in seen} == set(queries)  # decoded as sent: spaces, &, /, ?, % and é
    assert all(q.rsplit(" ", 1)[1].startswith("t") for q in seen)

"""The per-client rate limit on /search and /evidence: 429 with Retry-After and the JSON error body."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from fastapi import HTTPException
from limits.errors import ConfigurationError

from api.ratelimit import RateLimiter
from tests.conftest import LiveServer, make_settings


def test_the_fourth_expensive_request_in_a_minute_is_refused(writable_index: Path) -> None:
    with (
        LiveServer(make_settings(writable_index, rate_limit_per_minute=3)) as server,
        httpx.Client(base_url=server.url, timeout=60) as http,
    ):
        assert http.get("/search", params={"q": "asset transfer"}).status_code == 200
        assert http.get("/search", params={"q": "net zero"}).status_code == 200
        assert http.get("/evidence", params={"principle": 3}).status_code == 200

        for path, params in (("/search", {"q": "food"}), ("/evidence", {"principle": 3})):
            refused = http.get(path, params=params)
            assert refused.status_code == 429
            retry = int(refused.headers["retry-after"])
            assert 1 <= retry <= 60
            assert refused.json() == {
                "error": {
                    "code": "rate_limited",
                    "message": f"too many requests: limit is 3 per minute; retry in {retry} s",
                    "details": [],
                }
            }

        for _ in range(10):
            assert http.get("/health").status_code == 200
        assert http.get("/principles").status_code == 200
        assert http.get("/documents/net-zero").status_code == 200


def test_a_refused_request_still_carries_cors_so_the_widget_can_read_it(writable_index: Path) -> None:
    settings = make_settings(writable_index, rate_limit_per_minute=1, cors_origins="http://allowed.example")
    with LiveServer(settings) as server, httpx.Client(base_url=server.url, timeout=60) as http:
        origin = {"Origin": "http://allowed.example"}
        assert http.get("/search", params={"q": "asset"}, headers=origin).status_code == 200
        refused = http.get("/search", params={"q": "asset"}, headers=origin)
        assert refused.status_code == 429
        assert refused.headers["access-control-allow-origin"] == "http://allowed.example"
        assert "Retry-After" in refused.headers["access-control-expose-headers"]


def test_the_limit_counts_each_client_apart() -> None:
    limiter = RateLimiter(2)
    limiter.check("10.0.0.1")
    limiter.check("10.0.0.1")
    limiter.check("10.0.0.2")
    with pytest.raises(HTTPException) as refused:
        limiter.check("10.0.0.1")
    assert refused.value.status_code == 429
    retry = int(refused.value.headers["Retry-After"])
    assert 1 <= retry <= 60
    assert refused.value.detail == f"too many requests: limit is 2 per minute; retry in {retry} s"
    limiter.check("10.0.0.2")


def test_a_limit_of_zero_turns_it_off() -> None:
    limiter = RateLimiter(0)
    for _ in range(1000):
        limiter.check("10.0.0.1")


def test_an_unknown_storage_fails_when_the_app_is_built() -> None:
    with pytest.raises(ConfigurationError, match="nosuch"):
        RateLimiter(10, "nosuch://localhost")

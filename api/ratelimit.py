"""Per-client rate limit on the expensive routes (429 with Retry-After), counted by the `limits` library.

The counts live in a `limits` storage named by URI: `memory://` (the default) counts in each worker process, so
`ccin serve --workers 4` lets a client make four times the limit; `redis://host:6379` (with the `redis` package
installed) shares one count between all workers and hosts. The strategy is the moving window: at most N hits in
any 60 seconds, with no burst at a window boundary.
"""

from __future__ import annotations

import math
import time

from fastapi import HTTPException, Request
from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter


class RateLimiter:
    def __init__(self, per_minute: int, storage_uri: str = "memory://") -> None:
        self.per_minute = per_minute
        # Built here so that an unknown scheme or a missing driver fails at start-up, not on the first search.
        self._limit = RateLimitItemPerMinute(per_minute) if per_minute > 0 else None
        self._window = MovingWindowRateLimiter(storage_from_string(storage_uri))

    def check(self, client: str) -> None:
        if self._limit is None or self._window.hit(self._limit, "ccin", client):
            return
        reset_at, _ = self._window.get_window_stats(self._limit, "ccin", client)
        retry = max(1, math.ceil(reset_at - time.time()))
        raise HTTPException(
            429,
            f"too many requests: limit is {self.per_minute} per minute; retry in {retry} s",
            headers={"Retry-After": str(retry)},
        )


def client_key(request: Request) -> str:
    return request.client.host if request.client else "unknown"

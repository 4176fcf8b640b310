"""Servers the tests start on loopback: a free port to bind, and waiting until a server (or any condition) is
ready, failing early when the thing being waited for has died."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable

import httpx


def free_port() -> int:
    """A loopback port nothing is listening on (the OS's choice; a tiny race remains until the server binds)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def answers_200(url: str) -> Callable[[], bool]:
    """A readiness check: a GET of `url` answers 200 (a refused or timed-out connection is not ready yet)."""

    def check() -> bool:
        try:
            return httpx.get(url, timeout=5).status_code == 200
        except httpx.HTTPError:
            return False

    return check


def wait_until_ready(
    ready: str | Callable[[], bool],
    timeout: float,
    *,
    alive: Callable[[], bool] = lambda: True,
    what: str = "the server",
    interval: float = 0.1,
) -> None:
    """Poll `ready` (a URL that must answer 200, or a callable) until it holds. Raise RuntimeError naming `what`
    when `alive()` turns false (the process or thread is gone: waiting longer cannot help) or after `timeout`
    seconds. The timeout is generous on purpose: a shared machine can be slow to start a model."""
    check = answers_200(ready) if isinstance(ready, str) else ready
    deadline = time.monotonic() + timeout
    while not check():
        if not alive():
            raise RuntimeError(f"{what} stopped before it was ready")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} was not ready within {timeout:g} s")
        time.sleep(interval)

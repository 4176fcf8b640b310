"""API load benchmark: the real `ccin serve` on loopback, /search at concurrency 1, 8 and 32 for a bounded time,
query embedding included (each request uses a query the server has not seen), with one worker process and with
two (one per core of the reference machine; the deployment guide's unit runs two)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from evaluations.speed import percentiles


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_load(
    data_dir: Path, queries: list[str], levels: tuple[int, ...], seconds: float, workers: tuple[int, ...] = (1, 2)
) -> dict[str, object]:
    """Per worker count, per concurrency level: latency percentiles, requests/s and errors."""
    return {
        f"{count} worker{'s' if count > 1 else ''}": _load_one_server(data_dir, queries, levels, seconds, count)
        for count in workers
    }


def _load_one_server(
    data_dir: Path, queries: list[str], levels: tuple[int, ...], seconds: float, workers: int
) -> dict[str, object]:
    port = _free_port()
    env = {
        **os.environ,
        "CCIN_DATA_DIR": str(data_dir),
        "CCIN_RATE_LIMIT_PER_MINUTE": "0",
        "CCIN_QUERY_LOG": "false",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ccin.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url, server, seconds=180)
        results: dict[str, object] = {}
        counter = iter(range(10**9))
        lock = threading.Lock()
        for level in levels:
            latencies: list[float] = []
            errors = [0]
            stop = time.monotonic() + seconds

            def worker(stop: float = stop, latencies: list[float] = latencies, errors: list[int] = errors) -> None:
                with httpx.Client(base_url=url, timeout=30) as client:
                    while time.monotonic() < stop:
                        with lock:
                            n = next(counter)
                        query = f"{queries[n % len(queries)]} {n // len(queries)}"
                        t0 = time.perf_counter()
                        try:
                            ok = client.get("/search", params={"q": query, "k": 10}).status_code == 200
                        except httpx.HTTPError:
                            ok = False
                        elapsed = time.perf_counter() - t0
                        with lock:
                            latencies.append(elapsed)
                            errors[0] += 0 if ok else 1

            started = time.perf_counter()
            threads = [threading.Thread(target=worker) for _ in range(level)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - started
            results[f"concurrency {level}"] = {
                **percentiles(latencies),
                "requests_per_s": round(len(latencies) / wall, 1),
                "errors": errors[0],
            }
        return results
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_until_serving(url: str, server: subprocess.Popen[bytes], seconds: float) -> None:
    """Until `ccin serve` at `url` answers /ready (its index loaded); fails if it exits or `seconds` pass."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(f"{url}/ready", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            raise RuntimeError("ccin serve did not start")
        time.sleep(0.3)

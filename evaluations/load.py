"""API load benchmark: the real `ccin serve` on loopback, /search at concurrency 1, 8 and 32 for a bounded time,
query embedding included (each request sends a query the server has not seen), for one worker on the PyTorch
embedder, one worker on ONNX Runtime (the default) and two workers (one per core of the reference machine; the
deployment guide's unit runs two), all with the same client in the same run.

The client is `wrk` (Debian's package), driven by a Lua script that makes each request's query unique. The
client shares the machine's two cores with the server, so it must cost little: the Python client it replaced
(httpx in threads) spent about 5 ms of CPU a request, a third of the machine at 150 requests/s, and measured the
client as much as the server. Without `wrk` the Python client still runs, and the results say which was used."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from evaluations.speed import percentiles

# (name, worker processes, embedding backend)
SERVERS = (("1 worker, PyTorch", 1, "torch"), ("1 worker", 1, "onnx"), ("2 workers", 2, "onnx"))
WARM_UP_SECONDS = 3.0

# Each wrk thread walks the query list from its own start, adding a running number so no query repeats;
# `done` prints the figures as one JSON line.
_WRK_SCRIPT = """
queries = {}
for line in io.lines(os.getenv("CCIN_LOAD_QUERIES")) do queries[#queries + 1] = line end
salt = os.getenv("CCIN_LOAD_SALT")
step = tonumber(os.getenv("CCIN_LOAD_THREADS"))
local created = 0

function setup(thread)
  thread:set("id", created)
  created = created + 1
end

function init(args)
  counter = id
end

local function encode(text)
  return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function request()
  local query = queries[(counter % #queries) + 1] .. " " .. salt .. math.floor(counter / #queries)
  counter = counter + step
  return wrk.format("GET", "/search?k=10&q=" .. encode(query))
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"p50_us": %d, "p95_us": %d, "p99_us": %d, "requests": %d, "duration_us": %d, "errors": %d}\\n',
    latency:percentile(50), latency:percentile(95), latency:percentile(99), summary.requests, summary.duration,
    errors.connect + errors.read + errors.write + errors.status + errors.timeout))
end
"""


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_load(
    data_dir: Path,
    queries: list[str],
    levels: tuple[int, ...],
    seconds: float,
    servers: tuple[tuple[str, int, str], ...] = SERVERS,
) -> dict[str, object]:
    """Per server, per concurrency level: latency percentiles, requests/s and errors; `client` says which
    client measured them."""
    client = "wrk" if shutil.which("wrk") else "python"
    results: dict[str, object] = {"client": client}
    for name, workers, backend in servers:
        with _server(data_dir, workers, backend) as url:
            measure = _measure_wrk if client == "wrk" else _measure_python
            measure(url, queries, 8, WARM_UP_SECONDS, salt="warm")  # first requests pay for lazy loading
            results[name] = {
                f"concurrency {level}": measure(url, queries, level, seconds, salt=f"c{level}") for level in levels
            }
    return results


@contextmanager
def _server(data_dir: Path, workers: int, backend: str) -> Iterator[str]:
    port = _free_port()
    env = {
        **os.environ,
        "CCIN_DATA_DIR": str(data_dir),
        "CCIN_RATE_LIMIT_PER_MINUTE": "0",
        "CCIN_QUERY_LOG": "false",
        "CCIN_EMBEDDER": backend,
    }
    command = [sys.executable, "-m", "ccin.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(
        [*command, "--workers", str(workers)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url, server, seconds=180)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def _measure_wrk(url: str, queries: list[str], level: int, seconds: float, salt: str) -> dict[str, float]:
    """`level` connections for `seconds`, each request's query `salt`ed and numbered (see _WRK_SCRIPT)."""
    with tempfile.TemporaryDirectory() as directory:
        script, listed = Path(directory) / "load.lua", Path(directory) / "queries.txt"
        script.write_text(_WRK_SCRIPT, encoding="utf-8")
        listed.write_text("\n".join(q.replace("\n", " ") for q in queries) + "\n", encoding="utf-8")
        threads = min(level, 2)
        env = {**os.environ, "CCIN_LOAD_QUERIES": str(listed), "CCIN_LOAD_SALT": salt}
        env["CCIN_LOAD_THREADS"] = str(threads)
        command = ["wrk", "-t", str(threads), "-c", str(level), "-d", f"{seconds:g}s", "--timeout", "30s"]
        finished = subprocess.run(
            [*command, "-s", str(script), url], env=env, capture_output=True, text=True, check=True
        )
    figures = json.loads(finished.stdout.strip().splitlines()[-1])
    return {
        "p50_ms": round(figures["p50_us"] / 1000, 3),
        "p95_ms": round(figures["p95_us"] / 1000, 3),
        "p99_ms": round(figures["p99_us"] / 1000, 3),
        "n": figures["requests"],
        "requests_per_s": round(figures["requests"] / (figures["duration_us"] / 1e6), 1),
        "errors": figures["errors"],
    }


def _measure_python(url: str, queries: list[str], level: int, seconds: float, salt: str) -> dict[str, float]:
    """The fallback client: httpx in one thread per connection."""
    counter = iter(range(10**9))
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]
    stop = time.monotonic() + seconds

    def worker() -> None:
        with httpx.Client(base_url=url, timeout=30) as client:
            while time.monotonic() < stop:
                with lock:
                    n = next(counter)
                query = f"{queries[n % len(queries)]} {salt}{n // len(queries)}"
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
    return {**percentiles(latencies), "requests_per_s": round(len(latencies) / wall, 1), "errors": errors[0]}


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

"""Reliability: what ingest and the API do with hostile input, a kill -9, and a writer beside readers.

Four measurements, each on freshly generated files in a temporary directory:

1. *Malformed corpus* — several hundred hostile files (evaluations/hostile_files.py) through the real
   `Ingestor` under an extraction budget, then `ccin ingest` on the same folder: every file must end indexed or
   failed with a one-line reason, none may crash the batch or fail with an unexpected exception, and every
   good file must be indexed.
2. *Linear growth* — extraction and chunking (no embedding, CPU time) of a hard-wrapped text file, a one-line
   Markdown file and nested or unclosed HTML at 1×, 4× and 16× a base size. Linear time makes t(16×)/t(1×) about 16;
   above 24 is flagged super-linear.
3. *Kill -9 trials* — `ccin ingest` in a subprocess killed with SIGKILL at a seeded random moment after its
   first commit, then run again to completion: the registry versions and the passage ids must equal a clean
   ingest of the same folder.
4. *Ingest while searching* — `ccin serve` answering /search, /documents and /documents/{id} from several
   clients while another process re-ingests changed versions into the same data directory: no 5xx, no dropped
   connection, and the new versions are served once committed.

API load at fixed concurrency is the `load` step (evaluations/load.py), not repeated here.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from click.testing import CliRunner

from ccin.app import knowledge_base
from ccin.cli import cli
from ccin.settings import load_settings
from evaluations.hostile_files import (
    good_pdf,
    hard_wrapped_text,
    hostile_corpus,
    nested_html,
    one_line_markdown,
    unclosed_html,
)
from evaluations.load import wait_until_serving
from ingest.catalogue import Catalogue
from ingest.chunk import ChunkParams, chunk
from ingest.extract import BudgetedExtractor, ExtractionBudget, extract
from ingest.pipeline import Ingestor
from ingest.report import FileOutcome

BUDGET = ExtractionBudget(seconds=30.0, memory_mb=1024)
SUPER_LINEAR = 24.0  # t(16x)/t(1x) above this is flagged; linear is 16
SEED = 20240619
ROOT = Path(__file__).resolve().parent.parent


def evaluate_reliability(quick: bool = False) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="ccin-reliability-") as scratch:
        work = Path(scratch)
        results: dict[str, Any] = {"malformed": malformed_corpus(work / "malformed", quick)}
        results["linear_growth"] = linear_growth(work / "growth", quick)
        trials = kill_trials(work / "kill", 2 if quick else 6)
        results["kill_trials"] = trials
        results["ingest_while_searching"] = ingest_while_searching(
            work / "kill" / "folder", work / "kill" / "clean", seconds=10 if quick else 45
        )
    results["load"] = "see the `load` step: `ccin serve` at concurrency 1, 8 and 32 for a bounded time"
    return results


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(data_dir: Path | None = None) -> dict[str, str]:
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
        "CCIN_QUERY_LOG": "false",
        "CCIN_EXTRACT_TIMEOUT_S": f"{BUDGET.seconds:g}",
        "CCIN_EXTRACT_MEMORY_MB": str(BUDGET.memory_mb),
    }
    if data_dir is not None:
        env["CCIN_DATA_DIR"] = str(data_dir)
    return env


# ---- 1. malformed corpus ---------------------------------------------------------------------------------


def _unexpected(outcome: FileOutcome) -> bool:
    """A failure that is not a domain error: `failure_reason` names the exception type, or the reader died."""
    reason = outcome.reason
    return outcome.status == "failed" and (
        reason.startswith("could not be ") or "the reader stopped unexpectedly" in reason
    )


def malformed_corpus(folder: Path, quick: bool) -> dict[str, Any]:
    files = hostile_corpus(folder / "inbox", quick=quick, seed=SEED)
    kinds = {f.path: f.kind for f in files}
    good = {f.path for f in files if f.good}
    kb = knowledge_base(load_settings(data_dir=folder / "data", query_log=False))
    seconds: dict[Path, float] = {}
    last = [time.perf_counter()]

    def timed(outcome: FileOutcome) -> None:
        now = time.perf_counter()
        seconds[outcome.path] = now - last[0]
        last[0] = now

    started = time.perf_counter()
    crash = ""
    try:
        report = Ingestor(kb, Catalogue.empty(), ChunkParams(), BUDGET).run([folder / "inbox"], on_outcome=timed)
        outcomes = report.outcomes
    except Exception as exc:  # the batch itself must never stop; if it does, that is the finding
        crash = f"{type(exc).__name__}: {exc}"
        outcomes = []
    total = time.perf_counter() - started

    cli_started = time.perf_counter()
    rerun = CliRunner().invoke(
        cli, ["--data-dir", str(folder / "data"), "ingest", str(folder / "inbox")], env=_env(), catch_exceptions=True
    )
    cli_seconds = time.perf_counter() - cli_started
    indexed = [o for o in outcomes if o.status == "indexed"]
    failed = [o for o in outcomes if o.status == "failed"]
    slowest = max(seconds.items(), key=lambda item: item[1]) if seconds else (folder, 0.0)
    reads = _read_times([f.path for f in files])
    slowest_read = max(reads.items(), key=lambda item: item[1])
    by_kind: dict[str, Counter[str]] = {}
    for outcome in outcomes:
        by_kind.setdefault(kinds.get(outcome.path, "unlisted"), Counter())[outcome.status] += 1
    return {
        "files": len(files),
        "indexed": len(indexed),
        "failed": len(failed),
        "crashed": (1 if crash else 0) + sum(1 for o in failed if _unexpected(o)),
        "batch_crash": crash,
        "unexpected_failures": [f"{o.path.name}: {o.reason}" for o in failed if _unexpected(o)],
        "over_budget": [f"{o.path.name}: {o.reason}" for o in failed if "budget" in o.reason],
        "unaccounted": sorted(p.name for p in kinds if p not in {o.path for o in outcomes}),
        "all_good_files_indexed": good <= {o.path for o in indexed},
        "good_files": len(good),
        # Wall time from the previous file's outcome to this one's: reading overlaps the previous file's
        # embedding, so this is mostly the file's own embedding and commit, or its time to fail.
        "slowest_file": slowest[0].name,
        "slowest_file_kind": kinds.get(slowest[0], ""),
        "slowest_file_seconds": round(slowest[1], 2),
        "slowest_extraction": slowest_read[0].name,
        "slowest_extraction_kind": kinds[slowest_read[0]],
        "slowest_extraction_seconds": round(slowest_read[1], 2),
        "read_seconds_total": round(sum(reads.values()), 1),
        "passages": sum(o.passages for o in indexed),
        "total_seconds": round(total, 1),
        "budget": {"seconds": BUDGET.seconds, "memory_mb": BUDGET.memory_mb},
        "cli_exit_code": rerun.exit_code,
        "cli_summary": (rerun.stdout.strip().splitlines() or [""])[-1],
        "cli_seconds": round(cli_seconds, 1),
        "cli_exception": repr(rerun.exception) if rerun.exception and rerun.exit_code not in (0, 1) else "",
        "by_kind": {kind: dict(counts) for kind, counts in sorted(by_kind.items())},
        "failures": {o.path.name: o.reason for o in failed},
        "indexed_with_warnings": {o.path.name: o.warnings for o in indexed if o.warnings and o.path not in good},
    }


def _read_times(paths: list[Path]) -> dict[Path, float]:
    """Each file read alone in the budgeted worker, one after another: what a file costs to read (or to fail),
    without the embedding of other files that overlaps reading in an ingest."""
    times = {}
    with BudgetedExtractor(BUDGET) as reader:
        reader.result(reader.submit(paths[0]))  # start the worker before timing
        for path in paths:
            started = time.perf_counter()
            with contextlib.suppress(Exception):  # failing is an outcome; its reason is in the ingest's report
                reader.result(reader.submit(path))
            times[path] = time.perf_counter() - started
    return times


# ---- 2. linear growth ------------------------------------------------------------------------------------


def _time_extract_and_chunk(path: Path, repeats: int) -> tuple[float, int]:
    """Best of `repeats` runs in CPU seconds of this process (a shared machine only ever adds time, and wall
    time adds the waits for a core too), and the passages made."""
    best, passages = float("inf"), 0
    for _ in range(repeats):
        started = time.process_time()
        extraction = extract(path)
        _, made = chunk("growth", "v", extraction.blocks, ChunkParams())
        best = min(best, time.process_time() - started)
        passages = len(made)
    return best, passages


def linear_growth(folder: Path, quick: bool) -> dict[str, Any]:
    folder.mkdir(parents=True, exist_ok=True)
    scale = 4 if quick else 1  # quick runs a quarter of the sizes
    kinds: dict[str, tuple[str, int, Callable[[int], str]]] = {
        "hard-wrapped text (lines)": (".txt", 500 // scale, hard_wrapped_text),
        "one-line Markdown (characters)": (".md", 312_500 // scale, one_line_markdown),
        "nested HTML (depth)": (".html", 3_125 // scale, nested_html),
        "unclosed HTML (tags)": (".html", 6_250 // scale, unclosed_html),
    }
    results: dict[str, Any] = {}
    for name, (suffix, base, make) in kinds.items():
        row: dict[str, Any] = {}
        for factor in (1, 4, 16):
            path = folder / f"{name.split()[0]}-{factor}{suffix}"
            path.write_text(make(base * factor), encoding="utf-8")
            try:
                seconds, passages = _time_extract_and_chunk(path, 2 if quick else 3)
            except Exception as exc:
                row[f"{factor}x"] = {"size": base * factor, "error": f"{type(exc).__name__}: {exc}"[:200]}
                continue
            row[f"{factor}x"] = {
                "size": base * factor,
                "bytes": path.stat().st_size,
                "seconds": round(seconds, 4),
                "passages": passages,
            }
        times = [row[f"{f}x"].get("seconds") for f in (1, 4, 16)]
        if all(times):
            ratio = times[2] / times[0]
            row["ratio_16x_over_1x"] = round(ratio, 1)
            row["super_linear"] = ratio > SUPER_LINEAR
        else:
            row["ratio_16x_over_1x"] = None
            row["super_linear"] = None
        results[name] = row
    return results


# ---- 3. kill -9 trials -----------------------------------------------------------------------------------


def documents_committed(registry: Path) -> int:
    """Documents the registry holds; 0 while it is missing or locked by the writer."""
    if not registry.exists():
        return 0
    try:
        with sqlite3.connect(registry, timeout=1) as db:
            return int(db.execute("SELECT count(*) FROM documents").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def _state(data_dir: Path) -> tuple[dict[str, str], set[str], bool]:
    """Registry versions, the snapshot's passage ids, and whether the store and the snapshot agree."""
    kb = knowledge_base(load_settings(data_dir=data_dir, query_log=False))
    versions = {d.meta.id: d.version for d in kb.documents()}
    ids = set(kb.snapshot(fresh=True).ids)
    stored = kb.store.rows(with_embeddings=False).ids
    consistent = sorted(stored) == sorted(ids) and sum(d.passage_count for d in kb.documents()) == len(ids)
    return versions, ids, consistent


def kill_trials(folder: Path, trials: int, documents: int = 6) -> dict[str, Any]:
    source = folder / "folder"
    source.mkdir(parents=True, exist_ok=True)
    for number in range(documents):
        good_pdf(source / f"doc-{number}.pdf", SEED + 100 + number, pages=3, lines=30)
    started = time.perf_counter()
    clean = folder / "clean"
    Ingestor(knowledge_base(load_settings(data_dir=clean, query_log=False)), Catalogue.empty(), ChunkParams()).run(
        [source]
    )
    clean_seconds = time.perf_counter() - started
    expected_versions, expected_ids, _ = _state(clean)
    rng = random.Random(SEED)
    rows: list[dict[str, Any]] = []
    for number in range(trials):
        data = folder / f"killed-{number}"
        process = subprocess.Popen(
            [sys.executable, "-m", "ccin.cli", "--data-dir", str(data), "ingest", str(source)],
            env=_env(),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        registry = data / "registry.sqlite3"
        deadline = time.monotonic() + 600
        while documents_committed(registry) == 0 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        # A seeded moment within the time a clean ingest spends committing the rest of the batch.
        delay = rng.uniform(0, clean_seconds * (documents - 1) / documents)
        time.sleep(delay)
        finished_first = process.poll() is not None
        if not finished_first:
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        at_kill = documents_committed(registry)
        # The re-run in this process, where the model is already loaded: the kill is what is tested.
        rerun = CliRunner().invoke(cli, ["--data-dir", str(data), "ingest", str(source)], env=_env())
        versions, ids, consistent = _state(data)
        rows.append(
            {
                "kill_after_first_commit_s": round(delay, 2),
                "killed": not finished_first and process.returncode == -signal.SIGKILL,
                "documents_at_kill": at_kill,
                "rerun_exit_code": rerun.exit_code,
                "rerun_summary": (rerun.stdout.strip().splitlines() or [""])[-1],
                "same_versions": versions == expected_versions,
                "same_passage_ids": ids == expected_ids,
                "store_matches_snapshot": consistent,
            }
        )
        shutil.rmtree(data, ignore_errors=True)
    identical = sum(1 for r in rows if r["same_versions"] and r["same_passage_ids"] and r["store_matches_snapshot"])
    return {
        "trials": trials,
        "documents": documents,
        "killed_mid_batch": sum(1 for r in rows if r["killed"] and 0 < r["documents_at_kill"] < documents),
        "identical_to_clean": identical,
        "clean_ingest_seconds": round(clean_seconds, 1),
        "runs": rows,
    }


# ---- 4. ingest while searching ---------------------------------------------------------------------------


def _rewrite(path: Path, seed: int, marker: str) -> None:
    """A changed version of a document: new prose with a marker word only this version carries."""
    good_pdf(path, seed, pages=2, lines=20)
    import pymupdf

    doc = pymupdf.open(path)
    doc[0].insert_text((60, 60), f"Revision {marker} of this document.", fontname="helv", fontsize=10)
    data = doc.tobytes(garbage=3, deflate=True)
    doc.close()
    path.write_bytes(data)


def ingest_while_searching(source: Path, data_dir: Path, seconds: float, clients: int = 4) -> dict[str, Any]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**_env(data_dir), "CCIN_RATE_LIMIT_PER_MINUTE": "0"}
    server = subprocess.Popen(
        [sys.executable, "-m", "ccin.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    statuses: Counter[str] = Counter()
    dropped: Counter[str] = Counter()
    lock = threading.Lock()
    try:
        wait_until_serving(url, server, seconds=300)
        ids = [p.stem for p in sorted(source.glob("*.pdf"))]
        stop = threading.Event()

        def client(number: int) -> None:
            rng = random.Random(SEED + number)
            with httpx.Client(base_url=url, timeout=60) as http:
                while not stop.is_set():
                    choice = rng.randrange(3)
                    try:
                        if choice == 0:
                            words = " ".join(rng.choice(("food", "club", "energy", "tenants", "repair")) for _ in "ab")
                            response = http.get("/search", params={"q": words, "k": 10})
                        elif choice == 1:
                            response = http.get("/documents")
                        else:
                            response = http.get(f"/documents/{rng.choice(ids)}")
                        with lock:
                            statuses[f"{response.status_code // 100}xx"] += 1
                    except httpx.TimeoutException:
                        with lock:
                            dropped["timeout"] += 1
                    except httpx.TransportError as exc:
                        with lock:
                            dropped[type(exc).__name__] += 1

        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        for thread in threads:
            thread.start()
        rng = random.Random(SEED)
        rounds: list[dict[str, Any]] = []
        marker = ""
        ends = time.monotonic() + seconds
        while time.monotonic() < ends or not rounds:
            marker = "".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(10))
            changed = rng.sample(ids, 3)
            for document in changed:
                _rewrite(source / f"{document}.pdf", rng.randrange(10**6), marker)
            started = time.perf_counter()
            ingest = subprocess.run(
                [sys.executable, "-m", "ccin.cli", "ingest", str(source)],
                env=_env(data_dir),
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=900,
            )
            rounds.append(
                {
                    "changed": changed,
                    "exit_code": ingest.returncode,
                    "seconds": round(time.perf_counter() - started, 1),
                    "summary": (ingest.stdout.strip().splitlines() or [""])[-1],
                }
            )
        # The last round's versions are served once committed: its marker word finds the changed documents.
        seen_after = None
        waited = time.perf_counter()
        while time.perf_counter() - waited < 30:
            response = httpx.get(f"{url}/search", params={"q": marker, "mode": "bm25", "k": 10}, timeout=60)
            found = (
                {r["citation"]["document_id"] for r in response.json().get("results", [])}
                if response.is_success
                else set()
            )
            if set(rounds[-1]["changed"]) <= found:
                seen_after = round(time.perf_counter() - waited, 2)
                break
            time.sleep(0.2)
        stop.set()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    requests = sum(statuses.values()) + sum(dropped.values())
    return {
        "seconds": seconds,
        "clients": clients,
        "requests": requests,
        "by_status": dict(sorted(statuses.items())),
        "not_2xx_or_4xx": sum(n for k, n in statuses.items() if k not in ("2xx", "4xx")),
        "5xx": statuses.get("5xx", 0),
        "dropped": sum(dropped.values()),
        "dropped_by_error": dict(dropped),
        "ingest_rounds": len(rounds),
        "ingest_exit_codes": sorted({r["exit_code"] for r in rounds}),
        "rounds": rounds,
        "new_versions_served_after_s": seen_after,
    }

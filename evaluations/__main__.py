"""One harness: `python -m evaluations [--quick] [--only NAME ...] [--train-tagger]`.

Runs retrieval quality per mode, tagging quality against baselines, ingest throughput, query latency at several
index sizes, API load and reliability (hostile files, kill -9, ingest while searching); writes
evaluations/results/<name>.json and prints one Markdown summary (also written to evaluations/results/summary.md),
which the README's results table is copied from."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

RESULTS = Path(__file__).resolve().parent / "results"
STEPS = (
    "retrieval",
    "roles",
    "weak",
    "chunking",
    "tagging",
    "principles",
    "metadata",
    "ingest",
    "latency",
    "load",
    "reliability",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluations", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="Small sizes and short runs (CI smoke).")
    parser.add_argument("--only", nargs="*", choices=STEPS, default=list(STEPS))
    parser.add_argument("--train-tagger", action="store_true", help="Refit the tagger on the dev split and save it.")
    parser.add_argument(
        "--train-document-model",
        action="store_true",
        help="Refit the document-level principles model on the network's declared principles and save it.",
    )
    args = parser.parse_args(argv)

    from evaluations.corpus_index import corpus_index
    from evaluations.data import load_queries
    from evaluations.report import summary
    from evaluations.speed import machine

    RESULTS.mkdir(parents=True, exist_ok=True)
    suffix = "-quick" if args.quick else ""
    context = {"date": dt.date.today().isoformat(), "machine": machine(), "quick": args.quick}
    kb, _ = corpus_index()
    table = kb.snapshot()
    context["corpus"] = {
        "documents": kb.document_count(),
        "pages": sum(d.pages for d in kb.documents()),
        "passages": len(table),
    }
    results: dict[str, object] = {}

    if "retrieval" in args.only:
        from evaluations.retrieval import evaluate_retrieval

        results["retrieval"] = evaluate_retrieval(kb, tune=not args.quick)
    if "roles" in args.only:
        from evaluations.roles import evaluate_roles

        results["roles"] = evaluate_roles(kb)
    if "weak" in args.only:
        from evaluations.weak_match import evaluate_weak_match

        results["weak"] = evaluate_weak_match(kb)
    if "chunking" in args.only and not args.quick:  # three extra ingests of the corpus: full runs only
        from evaluations.chunking import evaluate_chunking

        results["chunking"] = evaluate_chunking()
    if "tagging" in args.only:
        from evaluations.tagging import evaluate_tagging

        results["tagging"] = evaluate_tagging(kb.embedder, train=args.train_tagger)
    if "principles" in args.only:
        from evaluations.principles import evaluate_principles

        results["principles"] = evaluate_principles(kb.embedder, train=args.train_document_model)
    if "metadata" in args.only:
        from evaluations.metadata import evaluate_metadata

        results["metadata"] = evaluate_metadata()
    if "ingest" in args.only:
        from evaluations.speed import CORPUS, ingest_throughput

        files = [CORPUS / "pdfs" / "net-zero.pdf", CORPUS / "pdfs" / "sustainable-food.pdf"] if args.quick else None
        results["ingest"] = ingest_throughput(files)
    if "latency" in args.only:
        from evaluations.speed import CORPUS, embedding_backends, query_latency
        from kb.retrieve import Retriever

        queries = [q.text for q in load_queries()][: 20 if args.quick else 117]
        files = [CORPUS / "pdfs" / "net-zero.pdf", CORPUS / "pdfs" / "sustainable-food.pdf"] if args.quick else None
        results["embedding_backends"] = embedding_backends(queries, files)
        sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 100_000, 1_000_000]
        from ccin.app import fewer_garbage_collections, one_blas_thread_per_request
        from evaluations.speed import dense_paths

        one_blas_thread_per_request()  # as `ccin serve` runs
        fewer_garbage_collections()
        results["latency"] = query_latency(table, Retriever(kb.embedder), queries, sizes)
        results["dense_paths"] = dense_paths(kb, queries)
    if "load" in args.only:
        from evaluations.load import run_load

        queries = [q.text for q in load_queries()]
        levels = (1, 8) if args.quick else (1, 8, 32)
        results["load"] = run_load(kb.data_dir, queries, levels, seconds=3 if args.quick else 20)
    if "reliability" in args.only:
        from evaluations.reliability import evaluate_reliability

        results["reliability"] = evaluate_reliability(quick=args.quick)

    for name, value in results.items():
        (RESULTS / f"{name}{suffix}.json").write_text(json.dumps({"context": context, name: value}, indent=2))
    # The summary covers every step: those not run this time come from their last saved results.
    for name in (*STEPS, "dense_paths", "embedding_backends"):
        saved = RESULTS / f"{name}{suffix}.json"
        if name not in results and saved.is_file():
            results[name] = json.loads(saved.read_text())[name]
    text = summary(
        context, {name: results[name] for name in (*STEPS, "dense_paths", "embedding_backends") if name in results}
    )
    (RESULTS / f"summary{suffix}.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

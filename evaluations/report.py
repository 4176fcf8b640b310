"""The Markdown summary of a harness run."""

from __future__ import annotations

from typing import Any


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def summary(context: dict[str, Any], results: dict[str, Any]) -> str:
    corpus = context["corpus"]
    lines = [
        f"Measured {context['date']} on {context['machine']['cores']} CPU cores (no GPU), sample corpus of "
        f"{corpus['documents']} documents, {corpus['pages']} pages, {corpus['passages']} passages"
        + (" — quick run (small sizes, short timings)." if context["quick"] else "."),
        "",
    ]
    retrieval = results.get("retrieval")
    if retrieval:
        lines.append(
            f"**Retrieval** (test split, {retrieval['test_queries']} queries; fusion chosen on "
            f"{retrieval['dev_queries']} dev queries: `{retrieval['fusion']}`)"
        )
        lines.append("")
        metrics = ("nDCG@10", "MRR@10", "Recall@5", "Recall@20")
        rows = [[mode, *[retrieval["test"][mode][m] for m in metrics]] for mode in ("bm25", "dense", "hybrid")]
        lines += _table(["mode", *metrics], rows)
        authored = retrieval.get("test_author_judgments_only")
        if authored:
            lines.append("The same runs scored against the query authors' judgments alone (before pooling):")
            lines.append("")
            lines += _table(["mode", *metrics], [[mode, *[authored[mode][m] for m in metrics]] for mode in authored])
        cats = retrieval["test_nDCG@10_by_category"]
        lines += _table(
            ["test nDCG@10 by category", "bm25", "dense", "hybrid"],
            [[c, v["bm25"], v["dense"], v["hybrid"]] for c, v in cats.items()],
        )
        navigation = retrieval.get("navigation")
        if navigation:
            lines.append("Navigation passages left out by default (before: `role=any`):")
            lines.append("")
            share, quality = navigation["test_navigation_share@5"], navigation["test_nDCG@10"]
            lines += _table(
                ["mode", "navigation in top 5, before", "after", "nDCG@10 before", "after"],
                [[m, share[m]["before (role=any)"], share[m]["after (default)"], *quality[m].values()] for m in share],
            )
        ablation = retrieval.get("rerank_ablation_nDCG@10")
        if ablation:
            lines.append(
                f"Hybrid rerank by passage role and document (chosen on dev: `{retrieval['rerank']}`), nDCG@10 "
                "with and without it and without each part:"
            )
            lines.append("")
            names = list(ablation["test"])
            lines += _table(["split", *names], [[split, *[v[n] for n in names]] for split, v in ablation.items()])
        documents = retrieval.get("document_level")
        if documents:
            lines.append("Document-level nDCG@10 (each judged document once): passage list vs `group=document`:")
            lines.append("")
            scores = documents["test_document_nDCG@10"]
            lines += _table(
                ["mode", "passage list", "group=document"],
                [[m, v["passage list"], v["group=document"]] for m, v in scores.items()],
            )
    roles = results.get("roles")
    if roles:
        lines.append(
            f"**Passage roles** (kb/roles.py against {roles['test']['passages']} hand-labelled test passages from "
            f"{roles['test']['documents']} documents; accuracy {roles['test']['accuracy']}, dev "
            f"{roles['dev']['accuracy']} on {roles['dev']['passages']})"
        )
        lines.append("")
        per = roles["test"]["per_role"]
        lines += _table(
            ["role", "precision", "recall", "support"],
            [[role, v["precision"], v["recall"], v["support"]] for role, v in per.items()],
        )
    weak = results.get("weak")
    if weak:
        lines.append(
            f"**No close match** (`weak`: the closest of the top 10 passages below cosine {weak['floor']}, the "
            "floor set on the development queries alone)"
        )
        lines.append("")
        lines += _table(
            ["queries", "count", "flagged weak", "closest: min", "median", "max"],
            [
                [
                    name.replace("_", " "),
                    v["queries"],
                    v["flagged_weak"],
                    v["closest_min"],
                    v["closest_median"],
                    v["closest_max"],
                ]
                for name, v in weak.items()
                if isinstance(v, dict)
            ],
        )
    chunking = results.get("chunking")
    if chunking:
        lines.append("**Passage size** (development queries only; the product uses the best hybrid row)")
        lines.append("")
        lines += _table(
            ["target / max words", "passages", "bm25 nDCG@10", "dense nDCG@10", "hybrid nDCG@10"],
            [[size.removeprefix("target "), v["passages"], *v["dev nDCG@10"].values()] for size, v in chunking.items()],
        )
    tagging = results.get("tagging")
    if tagging:
        lines.append(
            f"**Tagging** (test split, {tagging['test_passages']} passages; "
            f"{tagging['test_excluded_as_near_duplicates_of_dev']} near-duplicates of dev passages left out)"
        )
        lines.append("")
        methods = [
            ("keywords only (baseline)", "baseline_keywords"),
            ("nearest description (baseline)", "baseline_nearest_description"),
            ("exemplar similarity", "exemplar_similarity"),
            ("tagger (product)", "tagger"),
        ]
        lines += _table(
            ["method", "macro-F1", "micro-F1"],
            [[label, tagging[key]["macro_f1"], tagging[key]["micro_f1"]] for label, key in methods],
        )
        per = tagging["tagger"]["per_principle"]
        lines += _table(
            ["principle", "precision", "recall", "F1", "support"],
            [[f"{pid} {v['name']}", v["precision"], v["recall"], v["f1"], v["support"]] for pid, v in per.items()],
        )
        training = tagging.get("training", {})
        if "cv_macro_f1_without_written_passages" in training:
            lines += [
                f"Training: {tagging['dev_passages']} dev passages plus {training['written_passages']} passages "
                f"written for training; dev cross-validated macro-F1 {training['cv_macro_f1']} "
                f"({training['cv_macro_f1_without_written_passages']} without the written passages; "
                f"{training.get('cv_macro_f1_documents_held_out', 'not measured')} with whole documents held out).",
                "",
            ]
        cost = tagging["cost"]
        lines += [
            f"Tagging cost {cost['tag_ms_per_passage']} ms/passage vs embedding "
            f"{cost['embed_ms_per_passage']} ms/passage ({cost['tag_share_of_embedding']:.1%}).",
            "",
        ]
    principles = results.get("principles")
    if principles and "all_documents" in principles:
        lines += _principles(principles)
    metadata = results.get("metadata")
    if metadata:
        lines += _metadata(metadata)
    ingest = results.get("ingest")
    if ingest:
        lines.append("**Ingest throughput**")
        lines.append("")
        lines += _table(
            [
                "documents",
                "pages",
                "passages",
                "end-to-end passages/s",
                "embedding-only passages/s",
                "tag + index + snapshot vs embed",
                "all non-embedding work vs embed",
                "extraction pages/s",
                "extraction passages/s",
            ],
            [
                [
                    ingest["documents"],
                    ingest["pages"],
                    ingest["passages"],
                    ingest["end_to_end_passages_per_s"],
                    ingest["embedding_only_passages_per_s"],
                    f"{ingest['indexing_overhead_vs_embedding']:.1%}",
                    f"{ingest['overhead_vs_embedding']:.1%}",
                    ingest["extraction_pages_per_s"],
                    ingest["extraction_passages_per_s"],
                ]
            ],
        )
    backends = results.get("embedding_backends")
    if backends:
        before, after = backends["load_average_before_after"]
        lines.append(
            "**Embedding backends** (the same model and vectors; measured side by side in one process, load "
            f"average {before} → {after}; query encoding {backends['query_encode_p50_torch_over_onnx']}× faster "
            f"on ONNX Runtime at p50, ingest end to end {backends['ingest_end_to_end_onnx_over_torch']}×)"
        )
        lines.append("")
        lines += _table(
            [
                "backend",
                "query encode p50 / p95 ms",
                "embed_query cache miss p50 / p95 ms",
                "ingest passages/s end to end",
                "embedding-only passages/s",
            ],
            [
                [
                    name,
                    f"{backends['query_encode'][name]['p50_ms']} / {backends['query_encode'][name]['p95_ms']}",
                    f"{backends['embed_query_cache_miss'][name]['p50_ms']} / "
                    f"{backends['embed_query_cache_miss'][name]['p95_ms']}",
                    backends["ingest"][name]["end_to_end_passages_per_s"],
                    backends["ingest"][name]["embedding_only_passages_per_s"],
                ]
                for name in backends["query_encode"]
            ],
        )
    latency = results.get("latency")
    if latency:
        lines.append(
            f"**Query latency** (ms, p50 / p95, query embedding excluded; dense search is exact below "
            f"{latency['ivf_from_rows']:,} passages, IVF from there on)"
        )
        lines.append("")
        sizes = {size: v for size, v in latency.items() if isinstance(v, dict)}
        keys = [k for k in next(iter(sizes.values())) if " " in k]
        rows = [
            [
                f"{int(size):,}",
                v["dense_index"],
                *[f"{v[k]['p50_ms']} / {v[k]['p95_ms']}" for k in keys],
                v["vectors_mb"],
                v["snapshot_disk_mb"],
                v["max_rss_mb"],
            ]
            for size, v in sizes.items()
        ]
        lines += _table(["passages", "dense index", *keys, "vectors MB", "disk MB", "peak RSS MB"], rows)
    paths = results.get("dense_paths")
    if paths:
        lines.append(f"**Dense retrieval path** on the corpus index (top-10 overlap {paths['top10_overlap']})")
        lines.append("")
        lines += _table(
            ["path", "p50 ms", "p95 ms"],
            [[name, v["p50_ms"], v["p95_ms"]] for name, v in paths.items() if isinstance(v, dict)],
        )
    load = results.get("load")
    if load:
        client = load.get("client", "python")
        by = "`wrk`" if client == "wrk" else "a Python client (httpx threads) on the same cores"
        lines.append(
            f"**API load** (`ccin serve`, /search with unseen queries, embedding included; measured by {by}, "
            "after a 3 s warm-up)"
        )
        lines.append("")
        # Results saved before the worker dimension hold one server's levels at the top.
        servers = {k: v for k, v in load.items() if k != "client"}
        if not all(k.split(",")[0].endswith(("worker", "workers")) for k in servers):
            servers = {"1 worker": servers}
        lines += _table(
            ["server", "concurrency", "p50 ms", "p95 ms", "p99 ms", "requests/s", "errors", "requests"],
            [
                [
                    server,
                    k.split()[-1],
                    v["p50_ms"],
                    v["p95_ms"],
                    v.get("p99_ms", "–"),
                    v["requests_per_s"],
                    v["errors"],
                    v["n"],
                ]
                for server, levels in servers.items()
                for k, v in levels.items()
            ],
        )
        torch, onnx = servers.get("1 worker, PyTorch"), servers.get("1 worker")
        if torch and onnx and "concurrency 8" in torch and "concurrency 8" in onnx:
            ratio = onnx["concurrency 8"]["requests_per_s"] / max(torch["concurrency 8"]["requests_per_s"], 1e-9)
            lines.append(f"One worker at concurrency 8: ONNX Runtime serves {ratio:.2f}× the requests/s of PyTorch.")
        lines.append("")
    reliability = results.get("reliability")
    if reliability:
        lines += _reliability(reliability)
    return "\n".join(lines)


def _reliability(reliability: dict[str, Any]) -> list[str]:
    """Hostile files, linear growth, kill -9 trials and ingest while searching (evaluations/reliability.py)."""
    bad = reliability["malformed"]
    budget = bad["budget"]
    lines = [
        f"**Reliability** (hostile files, generated and seeded; each file read under a {budget['seconds']:g} s / "
        f"{budget['memory_mb']} MB extraction budget; API load is the table above)",
        "",
    ]
    lines += _table(
        [
            "hostile files",
            "indexed",
            "failed (one-line reason)",
            "crashed",
            "good files indexed",
            "slowest file s (with embedding)",
            "slowest read alone s",
            "`ccin ingest` exit",
            "total s",
        ],
        [
            [
                bad["files"],
                bad["indexed"],
                bad["failed"],
                bad["crashed"],
                f"{'all' if bad['all_good_files_indexed'] else 'NOT all'} {bad['good_files']}",
                f"{bad['slowest_file_seconds']} ({bad['slowest_file_kind']})",
                f"{bad['slowest_extraction_seconds']} ({bad['slowest_extraction_kind']})",
                bad["cli_exit_code"],
                bad["total_seconds"],
            ]
        ],
    )
    for label, key in (("Over the budget", "over_budget"), ("Unexpected failures", "unexpected_failures")):
        if bad[key]:
            lines += [f"{label}: " + "; ".join(bad[key]) + ".", ""]
    growth = reliability["linear_growth"]
    lines.append(
        "Extraction + chunking time (CPU s, best of runs) at 1×, 4× and 16× the size; linear is t(16×)/t(1×) ≈ 16"
    )
    lines.append("")
    lines += _table(
        ["input", "1× size", "1×", "4×", "16×", "t(16×)/t(1×)"],
        [
            [
                kind,
                f"{row['1x']['size']:,}",
                *[row[f"{f}x"].get("seconds", row[f"{f}x"].get("error")) for f in (1, 4, 16)],
                f"{row['ratio_16x_over_1x']}{' super-linear' if row['super_linear'] else ''}",
            ]
            for kind, row in growth.items()
        ],
    )
    kills, live = reliability["kill_trials"], reliability["ingest_while_searching"]
    lines += _table(
        ["kill -9 trials", "killed mid-batch", "identical to a clean ingest after a re-run"],
        [[kills["trials"], kills["killed_mid_batch"], kills["identical_to_clean"]]],
    )
    lines += _table(
        [
            "ingest while searching",
            "requests",
            "5xx",
            "other non-2xx/4xx",
            "dropped",
            "re-ingests",
            "new versions served after s",
        ],
        [
            [
                f"{live['clients']} clients, {live['seconds']:g} s",
                live["requests"],
                live["5xx"],
                live["not_2xx_or_4xx"] - live["5xx"],
                live["dropped"],
                live["ingest_rounds"],
                live["new_versions_served_after_s"],
            ]
        ],
    )
    return lines


def _principles(principles: dict[str, Any]) -> list[str]:
    """Document-level principles against the network's own declarations."""
    everything, text = principles["all_documents"], principles["documents_with_text"]
    lines = [
        f"**Document-level principles** against the principles the network declared ({everything['documents']} "
        f"projects: real network pages and the seed project page, {everything['declared_per_document']} declared "
        f"per project; nested leave-one-project-out; {text['documents']} of them have more than a title)",
        "",
    ]
    methods = [
        ("document model (product)", "document_model"),
        ("all ten principles (baseline)", "baseline_all_ten"),
        ("description closeness, best bar (baseline)", "baseline_description_closeness"),
        ("previous rule: any passage tagged", "previous_rule_any_passage_tagged"),
    ]
    lines += _table(
        ["method", "macro-F1", "micro-F1", "macro-F1 (pages with text)", "met per project"],
        [
            [
                label,
                everything[key]["macro_f1"],
                everything[key]["micro_f1"],
                text[key]["macro_f1"],
                everything[key].get("met_per_document", "—"),
            ]
            for label, key in methods
        ],
    )
    model, all_ten = everything["document_model"]["per_principle"], everything["baseline_all_ten"]["per_principle"]
    lines += _table(
        ["principle", "F1 (model)", "F1 (all ten)", "declared for"],
        [[f"{pid} {v['name']}", v["f1"], all_ten[pid]["f1"], v["support"]] for pid, v in model.items()],
    )
    return lines


def _metadata(metadata: dict[str, Any]) -> list[str]:
    """Inferred metadata against the catalogue (evaluations/metadata.py): right / wrong / missing per field."""
    conditions = metadata["conditions"]

    def cell(counts: dict[str, int] | None) -> str:
        return f"{counts['right']} / {counts['wrong']} / {counts['missing']}" if counts else "–"

    lines = [
        f"**Metadata inference** ({metadata['documents']} sample documents read as if uncatalogued, and the real "
        "seed texts; right / wrong / missing against the catalogue. The sample files were generated from the "
        "catalogue, so these are plumbing checks more than accuracy)",
        "",
    ]
    rows = [[name, *[cell(conditions[name].get(f)) for f in ("title", "year", "lead_council")]] for name in conditions]
    return lines + _table(["condition", "title", "year", "lead council"], rows)

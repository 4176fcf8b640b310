"""Keeping the index current, on small private indexes of PDFs built by the tests: unchanged files skipped,
changed files replaced, pruning, uncatalogued files, a batch killed with SIGKILL, bad input, damaged PDFs,
a file whose extraction raises anything at all, deeply nested HTML, the exit code, and near-duplicate
members' packs (on the shared sample index)."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ccin.app import knowledge_base
from ccin.cli import cli
from evaluations.reliability import documents_committed
from ingest.catalogue import Catalogue, document_id_for
from ingest.chunk import ChunkParams
from ingest.extract import EXTRACTORS, ExtractionBudget, ExtractOptions
from ingest.pipeline import EMBED_SLICE, Ingestor
from kb.knowledge_base import KnowledgeBase
from kb.passage import DocumentMeta
from kb.snapshot_files import read_snapshot
from tests.conftest import CORPUS, ROOT, SEED_PACKS, SEEDS, make_settings
from tests.pdfs import (
    PdfBuilder,
    corrupt_pdf,
    empty_file,
    encrypted_pdf,
    image_only_pdf,
    latin1_text,
    malformed_variants,
    mixed_scan_pdf,
    report_pdf,
    simple_pdf,
    truncated_pdf,
    zero_page_pdf,
)
from tests.servers import wait_until_ready

CCIN = str(Path(sys.executable).with_name("ccin"))
_WORDS = (
    "council",
    "tenants",
    "energy",
    "food",
    "housing",
    "care",
    "budget",
    "residents",
    "network",
    "cooperative",
    "partnership",
    "pilot",
    "market",
    "library",
    "transport",
    "school",
    "health",
    "culture",
    "youth",
    "ward",
)


def _catalogue(folder: Path, entries: str) -> Catalogue:
    path = folder / "catalogue.yaml"
    path.write_text("documents:\n" + entries, encoding="utf-8")
    return Catalogue.load(path)


def _ingestor(data: Path, catalogue: Catalogue) -> Ingestor:
    return Ingestor(knowledge_base(make_settings(data)), catalogue, ChunkParams())


def _stored_ids(kb: KnowledgeBase) -> list[str]:
    return sorted(kb.store.rows(with_embeddings=False).ids)


def _run_cli(*args: str, data: Path) -> Result:
    """`ccin --data-dir DATA ARGS`, in-process. An exception the CLI does not turn into an exit code fails the
    test with its traceback (a separate process would have printed it to stderr)."""
    return CliRunner().invoke(cli, ["--data-dir", str(data), *args], catch_exceptions=False)


def _assert_consistent(data: Path) -> list[str]:
    """Chroma ids == snapshot ids == the registry's passage counts; no duplicates, no old versions."""
    kb = knowledge_base(make_settings(data))
    stored = _stored_ids(kb)
    snapshot = read_snapshot(kb.snapshot_dir)
    assert snapshot is not None
    assert sorted(snapshot.ids) == stored
    assert len(set(stored)) == len(stored)
    assert sum(d.passage_count for d in kb.registry.all()) == len(stored)
    assert snapshot.generation == kb.registry.generation()
    return stored


@pytest.fixture()
def library(tmp_path: Path) -> Path:
    """Three small PDFs, two of them catalogued."""
    folder = tmp_path / "library"
    simple_pdf(
        folder / "alpha.pdf",
        ["Alpha council opened a food club", "Tenants ran the club together"],
        title="Alpha From Metadata",
    )
    simple_pdf(
        folder / "beta.pdf",
        ["Beta council built community energy", "Residents own the solar panels"],
        pages=2,
    )
    report_pdf(folder / "gamma-report.pdf", title="Gamma Metadata Title", created="D:20170601000000")
    return folder


def _library_catalogue(folder: Path) -> Catalogue:
    return _catalogue(
        folder,
        (
            "  - file: alpha.pdf\n    id: alpha\n    title: Alpha Catalogued\n    year: 2021\n"
            "    lead_council: Oldham Council\n    type: report\n"
            "  - file: beta.pdf\n    id: beta\n    title: Beta Catalogued\n"
            "    year: 2022\n    type: toolkit\n"
        ),
    )


def test_unchanged_documents_are_skipped_and_nothing_moves(library: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    catalogue = _library_catalogue(library)
    first = _ingestor(data, catalogue).run([library])
    before = _assert_consistent(data)
    generation = knowledge_base(make_settings(data)).registry.generation()

    second = _ingestor(data, catalogue).run([library])

    assert [(o.path.name, o.status) for o in first.outcomes] == [
        ("alpha.pdf", "indexed"),
        ("beta.pdf", "indexed"),
        ("gamma-report.pdf", "indexed"),
    ]
    assert [(o.path.name, o.status) for o in second.outcomes] == [
        ("alpha.pdf", "unchanged"),
        ("beta.pdf", "unchanged"),
        ("gamma-report.pdf", "unchanged"),
    ]
    assert _assert_consistent(data) == before
    assert knowledge_base(make_settings(data)).registry.generation() == generation


def test_catalogue_overrides_pdf_metadata_and_an_uncatalogued_file_is_inferred_with_a_warning(
    library: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    report = _ingestor(data, _library_catalogue(library)).run([library])
    registry = knowledge_base(make_settings(data)).registry

    alpha, gamma = registry.get("alpha"), registry.get("gamma-report")
    assert alpha is not None and gamma is not None
    assert (alpha.meta.title, alpha.meta.year, alpha.meta.lead_council, alpha.meta.inferred) == (
        "Alpha Catalogued",
        2021,
        "Oldham Council",
        False,
    )
    assert (gamma.meta.title, gamma.meta.year, gamma.meta.inferred) == ("Gamma Metadata Title", 2017, True)
    assert {o.path.name: o.warnings for o in report.outcomes} == {
        "alpha.pdf": [],
        "beta.pdf": [],
        "gamma-report.pdf": ["not in the catalogue: title and year inferred"],
    }
    assert (gamma.pages, alpha.pages, registry.get("beta").pages) == (3, 1, 2)  # type: ignore[union-attr]


def test_a_changed_document_replaces_its_passages(library: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    catalogue = _library_catalogue(library)
    _ingestor(data, catalogue).run([library])
    kb = knowledge_base(make_settings(data))
    old_alpha = {i for i in _stored_ids(kb) if i.startswith("alpha:")}
    others = {i for i in _stored_ids(kb) if not i.startswith("alpha:")}

    simple_pdf(library / "alpha.pdf", ["Alpha council now runs a repair cafe", "Volunteers fix bikes"])
    report = _ingestor(data, catalogue).run([library])

    assert [o.status for o in report.outcomes] == ["indexed", "unchanged", "unchanged"]
    stored = set(_assert_consistent(data))
    new_alpha = {i for i in stored if i.startswith("alpha:")}
    assert new_alpha and not new_alpha & old_alpha
    assert stored == new_alpha | others
    table = knowledge_base(make_settings(data)).snapshot(fresh=True)
    assert [t for t, d in zip(table.texts, table.document_id, strict=True) if d == "alpha"] == [
        "Alpha council now runs a repair cafe (page 1).\n\nVolunteers fix bikes (page 1)."
    ]


def test_prune_removes_documents_whose_files_are_gone_via_the_cli(library: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    _ingestor(data, Catalogue.empty()).run([library])
    (library / "beta.pdf").unlink()

    result = _run_cli("ingest", str(library), "--prune", data=data)

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].startswith("0 indexed, 2 unchanged, 0 failed, 1 pruned · ")
    kb = knowledge_base(make_settings(data))
    assert [d.meta.id for d in kb.registry.all()] == ["alpha", "gamma-report"]
    stored = _assert_consistent(data)
    assert stored and not any(i.startswith("beta:") for i in stored)
    assert not (kb.files_dir / "beta.pdf").exists()


def test_without_prune_a_missing_file_stays_indexed(library: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    _ingestor(data, Catalogue.empty()).run([library])
    (library / "beta.pdf").unlink()

    report = _ingestor(data, Catalogue.empty()).run([library])

    assert report.pruned == []
    assert [d.meta.id for d in knowledge_base(make_settings(data)).registry.all()] == [
        "alpha",
        "beta",
        "gamma-report",
    ]


def _long_pdf(path: Path, seed: int) -> Path:
    """Four pages of distinct, seeded prose: long enough that indexing takes a noticeable moment."""
    rng = random.Random(seed)
    pdf = PdfBuilder(metadata={"title": f"Long document {seed}"})
    for _ in range(4):
        writer = pdf.page()
        for _ in range(12):
            words = [rng.choice(_WORDS) for _ in range(11)]
            writer.paragraph([" ".join(words[:6]).capitalize(), " ".join(words[6:]) + f" {rng.randrange(10**6)}."])
    return pdf.save(path)


@pytest.mark.slow
def test_sigkill_mid_ingest_then_rerun_equals_a_clean_ingest(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    for number in range(8):
        _long_pdf(folder / f"doc-{number}.pdf", number)
    killed = tmp_path / "killed"
    env = {**os.environ, "CCIN_DATA_DIR": str(killed), "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    process = subprocess.Popen(
        [CCIN, "ingest", str(folder)], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    registry = killed / "registry.sqlite3"
    try:
        wait_until_ready(
            lambda: documents_committed(registry) > 0,
            600,
            alive=lambda: process.poll() is None,
            what="ccin ingest's first commit",
            interval=0.02,
        )
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL
    with sqlite3.connect(registry) as db:
        at_kill = db.execute("SELECT count(*) FROM documents").fetchone()[0]
    assert 1 <= at_kill < 8, "the kill should land after the first commit and before the last"

    rerun = _run_cli("ingest", str(folder), data=killed)
    clean = tmp_path / "clean"
    _ingestor(clean, Catalogue.empty()).run([folder])

    assert rerun.exit_code == 0, rerun.output
    assert rerun.stdout.splitlines()[-1].startswith(f"{8 - at_kill} indexed, {at_kill} unchanged, 0 failed · ")
    assert _assert_consistent(killed) == _assert_consistent(clean)
    kb = knowledge_base(make_settings(killed))
    assert [d.meta.id for d in kb.registry.all()] == [f"doc-{n}" for n in range(8)]


def test_bad_input_batch_via_the_cli_reports_each_file_and_indexes_the_rest(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    report_pdf(folder / "good.pdf")
    mixed_scan_pdf(folder / "mixed.pdf")
    corrupt_pdf(folder / "corrupt.pdf")
    truncated_pdf(folder / "truncated.pdf", folder / "good.pdf")
    encrypted_pdf(folder / "locked.pdf")
    zero_page_pdf(folder / "zero.pdf")
    image_only_pdf(folder / "scan.pdf")
    empty_file(folder / "empty.txt")
    empty_file(folder / "empty.pdf")
    latin1_text(folder / "latin1.txt")
    (folder / "minutes.docx").write_bytes(b"PK\x03\x04 word document")
    (folder / "data.xyz").write_text("whatever", encoding="utf-8")
    data = tmp_path / "data"

    result = _run_cli("ingest", str(folder), data=data)

    assert result.exit_code == 1, result.output  # some files failed
    lines = result.stdout.splitlines()
    failed = {
        "corrupt.pdf": "corrupt PDF: Failed to open stream",
        "data.xyz": "unsupported file type '.xyz': use PDF, Word (.docx), HTML, Markdown or plain text",
        "empty.pdf": "empty file (0 bytes)",
        "empty.txt": "empty file: no text in it",
        "latin1.txt": "not UTF-8 text: byte 0xa3 at offset 10 cannot be decoded",
        "locked.pdf": "password-protected PDF: it cannot be read without its password",
        "minutes.docx": "corrupt Word document: not a complete zip package (cut short or damaged)",
        "scan.pdf": "image-only PDF: no text layer on any of its 1 page(s) and OCR found no text",
        "truncated.pdf": "truncated PDF: the file ends before its end-of-file marker",
        "zero.pdf": "PDF has no pages",
    }
    for name, reason in failed.items():
        assert lines.count(f"FAILED  {folder / name}: {reason}") == 1, name
    indexed = [ln for ln in lines if ln.startswith("indexed ")]
    assert indexed == [
        f"indexed   {folder / 'good.pdf'} → good: 3 pages, 2 passages (not in the catalogue: title and year inferred)",
        f"indexed   {folder / 'mixed.pdf'} → mixed: 3 pages, 1 passages "
        "(not in the catalogue: title "  # no year on it: the warning names only what was inferred
        "inferred; page 2 has no text layer (scanned image) and OCR found no text on it)",
    ]
    assert len(lines) == len(failed) + 3
    # Files are read several ahead of the one being indexed; each is still reported once, in discovery order.
    reported = [line.split()[1] for line in lines[:-1]]
    assert reported == sorted(reported) and len(set(reported)) == len(reported)
    assert lines[-1].startswith("2 indexed, 0 unchanged, 10 failed · 6 pages, 3 passages in ")
    assert [d.meta.id for d in knowledge_base(make_settings(data)).registry.all()] == ["good", "mixed"]


@pytest.mark.slow
def test_malformed_pdf_corpus_never_crashes_and_every_file_is_indexed_or_reported(tmp_path: Path) -> None:
    source = CORPUS / "pdfs" / "coop-option-training.pdf"
    folder = tmp_path / "variants"
    variants = malformed_variants(source, folder, count=30)
    data = tmp_path / "data"

    result = _run_cli("ingest", str(folder), "--json", data=data)

    report = json.loads(result.stdout)
    assert result.exit_code == (1 if report["failed"] else 0), result.output
    files = {Path(f["path"]).name: f for f in report["files"]}
    assert sorted(files) == sorted(p.name for p in variants)
    registry = {d.meta.id: d for d in knowledge_base(make_settings(data)).registry.all()}
    for name, outcome in files.items():
        assert outcome["status"] in ("indexed", "failed"), outcome
        if outcome["status"] == "failed":
            assert outcome["reason"].split(":")[0] in (
                "truncated PDF",
                "corrupt PDF",
                "damaged PDF",
                "PDF has no pages",
                "PDF has no text on any page",
                "image-only PDF",
                "not a PDF (no %PDF header)",
            ), outcome
            assert document_id_for(Path(name)) not in registry
        else:
            document = registry[outcome["document_id"]]
            assert document.passage_count == outcome["passages"] > 0
    truncated = [f for n, f in files.items() if int(n[8:10]) % 2 == 0]
    assert all(f["status"] == "failed" and f["reason"].startswith("truncated PDF") for f in truncated)
    assert report["failed"] + report["indexed"] == 30 and report["indexed"] >= 1
    # A readable variant that lost content says so instead of indexing half a document silently.
    damaged = [f for f in files.values() if f["status"] == "indexed"]
    assert all(any(w.startswith("damaged PDF: ") for w in f["warnings"]) for f in damaged)
    _assert_consistent(data)


def test_seed_members_packs_are_near_duplicates_sharing_dup_groups(kb: KnowledgeBase) -> None:
    first, second = (document_id_for(SEEDS / name) for name in SEED_PACKS)
    one, two = kb.registry.get(first), kb.registry.get(second)

    assert one is not None and two is not None
    assert one.near_duplicate_of == [second]
    assert two.near_duplicate_of == [first]
    table = kb.snapshot()
    groups = {
        d: {str(m["dup_group"]) for m, doc in zip(table.metas, table.document_id, strict=True) if doc == d}
        for d in (first, second)
    }
    shared = groups[first] & groups[second]
    assert len(shared) >= 0.5 * min(len(groups[first]), len(groups[second]))
    others = {
        str(m["dup_group"]) for m, doc in zip(table.metas, table.document_id, strict=True) if doc not in (first, second)
    }
    assert not shared & others


def _prose(path: Path, topic: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"{topic.capitalize()} club\n\nThe council and its tenants ran a {topic} club together for three years.\n",
        encoding="utf-8",
    )
    return path


def test_any_exception_in_one_file_is_one_failed_line_the_batch_goes_on_and_the_cli_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "inbox"
    _prose(folder / "a-food.txt", "food")
    failures: dict[str, Exception] = {
        "b-deep.md": RecursionError("maximum recursion depth exceeded while calling a Python object"),
        "c-huge.md": MemoryError(),
        "d-buggy.md": ValueError("unexpected token\n  at line 3"),
    }
    for name in failures:
        (folder / name).write_text("# Heading\n\nSome text.\n", encoding="utf-8")
    _prose(folder / "e-energy.txt", "energy")

    def extract(path: Path) -> None:
        raise failures[path.name]

    monkeypatch.setitem(EXTRACTORS, ".md", extract)
    monkeypatch.setenv("CCIN_EXTRACT_TIMEOUT_S", "0")  # read in this process, where the patched extractor is
    data = tmp_path / "data"

    result = CliRunner().invoke(cli, ["--data-dir", str(data), "ingest", str(folder)])

    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.stdout.splitlines()
    assert [ln for ln in lines if ln.startswith("FAILED")] == [
        f"FAILED  {folder / 'b-deep.md'}: could not be read: nested too deeply (RecursionError)",
        f"FAILED  {folder / 'c-huge.md'}: could not be read: too large to hold in memory (MemoryError)",
        f"FAILED  {folder / 'd-buggy.md'}: could not be read: unexpected token at line 3 (ValueError)",
    ]
    assert [ln.split(" → ")[0] for ln in lines if ln.startswith("indexed")] == [
        f"indexed   {folder / 'a-food.txt'}",
        f"indexed   {folder / 'e-energy.txt'}",
    ]
    assert lines[-1].startswith("2 indexed, 0 unchanged, 3 failed · 2 pages, 2 passages in ")
    assert [d.meta.id for d in knowledge_base(make_settings(data)).registry.all()] == ["a-food", "e-energy"]
    _assert_consistent(data)


def test_a_failure_while_chunking_is_reported_for_that_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def chunk(*args: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr("ingest.pipeline.chunk", chunk)
    outcome = _ingestor(tmp_path / "data", Catalogue.empty()).ingest_file(_prose(tmp_path / "food.txt", "food"))

    assert (outcome.status, outcome.reason) == (
        "failed",
        "could not be split into passages: nested too deeply (RecursionError)",
    )


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt, SystemExit])
def test_an_interrupt_is_not_swallowed_as_a_failed_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, interrupt: type[BaseException]
) -> None:
    def extract(path: Path) -> None:
        raise interrupt()

    monkeypatch.setitem(EXTRACTORS, ".txt", extract)
    folder = tmp_path / "inbox"
    _prose(folder / "food.txt", "food")

    with pytest.raises(interrupt):
        _ingestor(tmp_path / "data", Catalogue.empty()).run([folder])


def _record_embedding(ingestor: Ingestor, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Each call to the ingestor's embedder off the calling thread: (thread name, number of texts). (The tagger,
    built on first use, embeds its principle descriptions on the calling thread.)"""
    calls: list[tuple[str, int]] = []
    embedder = ingestor.kb.embedder
    embed = embedder.embed_passages

    def recording(texts: list[str]) -> object:
        if threading.current_thread() is not threading.main_thread():
            calls.append((threading.current_thread().name, len(texts)))
        return embed(texts)

    monkeypatch.setattr(embedder, "embed_passages", recording)
    return calls


def _wait_for_calls(calls: list[tuple[str, int]], count: int, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while len(calls) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    return len(calls) >= count


def test_the_next_document_is_embedded_while_the_one_before_it_is_committed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first document's commit waits (up to a minute) for the second's embedding to start: a pipeline that
    embedded only after committing would time out here and fail the first file's commit."""
    folder = tmp_path / "inbox"
    for topic in ("food", "energy", "housing"):
        _prose(folder / f"{topic}.txt", topic)
    ingestor = _ingestor(tmp_path / "data", Catalogue.empty())
    calls = _record_embedding(ingestor, monkeypatch)
    commits: list[str] = []
    commit = Ingestor._commit

    def waiting_commit(self: Ingestor, meta: DocumentMeta, *args: object) -> None:
        if not commits:
            assert _wait_for_calls(calls, 2), "the second document was not embedded during the first's commit"
        commits.append(meta.id)
        commit(self, meta, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Ingestor, "_commit", waiting_commit)
    report = ingestor.run([folder])

    assert [o.status for o in report.outcomes] == ["indexed"] * 3
    assert [o.document_id for o in report.outcomes] == commits == ["energy", "food", "housing"]  # file order
    assert [name for name, _ in calls] == ["ccin-embed_0"] * 3
    _assert_consistent(tmp_path / "data")


def test_an_interrupt_while_committing_stops_the_next_documents_embedding_within_a_slice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "inbox"
    _prose(folder / "a-food.txt", "food")
    long = folder / "b-long.txt"
    long.write_text(
        "\n\n".join(f"Section {i}\n\n" + " ".join(random.Random(i).choices(_WORDS, k=170)) for i in range(400)),
        encoding="utf-8",
    )
    ingestor = _ingestor(tmp_path / "data", Catalogue.empty())
    calls = _record_embedding(ingestor, monkeypatch)

    def interrupted_commit(self: Ingestor, *args: object) -> None:
        _wait_for_calls(calls, 2)  # the long document's first slice is being embedded
        raise KeyboardInterrupt()

    monkeypatch.setattr(Ingestor, "_commit", interrupted_commit)
    with pytest.raises(KeyboardInterrupt):
        ingestor.run([folder])

    long_slices = [n for _, n in calls[1:]]
    assert long_slices and all(n <= EMBED_SLICE for n in long_slices)
    assert len(long_slices) <= 2, f"{len(long_slices)} slices of the long document embedded after the interrupt"


def test_two_files_claiming_one_id_in_one_batch_index_the_first_and_report_the_second(tmp_path: Path) -> None:
    """The second file's id check runs only once the first is committed, though their work overlaps."""
    folder = tmp_path / "inbox"
    first = _prose(folder / "a" / "food-club.txt", "food")
    second = _prose(folder / "b" / "food-club.txt", "energy")
    report = _ingestor(tmp_path / "data", Catalogue.empty()).run([folder])

    assert [(o.path, o.status) for o in report.outcomes] == [(first, "indexed"), (second, "failed")]
    assert report.outcomes[1].reason == f"document id 'food-club' is already used by {first}"
    kb = knowledge_base(make_settings(tmp_path / "data"))
    assert [(d.meta.id, d.source) for d in kb.documents()] == [("food-club", str(first))]
    _assert_consistent(tmp_path / "data")


def test_deeply_nested_html_ingests_and_the_cli_exits_0(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    text = "<p>Tenants of the food club cooked together every week.</p>"
    (folder / "deep.html").write_text(
        "<html><body>" + "<div>" * 1000 + text + "</div>" * 1000 + "<p>After the nesting.</p></body></html>",
        encoding="utf-8",
    )
    (folder / "unclosed.html").write_text("<html><body>" + "<div><span>" * 5000 + text, encoding="utf-8")
    _prose(folder / "plain.txt", "energy")
    data = tmp_path / "data"

    result = CliRunner().invoke(cli, ["--data-dir", str(data), "ingest", str(folder)])

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].startswith("3 indexed, 0 unchanged, 0 failed · ")
    kb = knowledge_base(make_settings(data))
    table = kb.snapshot(fresh=True)
    texts = {d: t for t, d in zip(table.texts, table.document_id, strict=True)}
    assert texts["deep"] == "Tenants of the food club cooked together every week.\n\nAfter the nesting."
    assert texts["unclosed"] == "Tenants of the food club cooked together every week."
    assert "HTML nested more than 200 elements deep" in result.stdout


def test_a_tokenizer_change_changes_the_settings_fingerprint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tagger's word head reads stems, so a new tokenizer must re-ingest every document."""
    ingestor = Ingestor.__new__(Ingestor)
    ingestor.params = ChunkParams()
    ingestor.options = ExtractOptions()
    before = ingestor.settings_fingerprint()
    monkeypatch.setattr("ingest.pipeline.TOKENIZER_VERSION", "another-tokenizer")
    assert ingestor.settings_fingerprint() != before


@pytest.mark.slow
@pytest.mark.parametrize(
    ("budget", "size_mb", "reason"),
    [
        (ExtractionBudget(seconds=0.3, memory_mb=4096), 43, "took longer than 0.3 s to read"),
        (ExtractionBudget(seconds=600, memory_mb=256), 600, "needed more than 256 MB to read"),
    ],
    ids=["time", "memory"],
)
def test_a_file_over_its_extraction_budget_is_reported_and_the_files_after_it_still_ingest(
    tmp_path: Path, budget: ExtractionBudget, size_mb: int, reason: str
) -> None:
    """Files are read in a worker process under a time and a memory budget; a file over either is stopped and
    reported, the worker is replaced, and the files after it are indexed. The large file is real text: 43 MB
    takes seconds to read, 600 MB cannot be read in 256 MB."""
    folder = tmp_path / "inbox"
    _prose(folder / "a-food.txt", "food")
    line = "The council and its tenants ran a food club together. " * 20 + "\n"
    (folder / "b-large.txt").write_text(line * (size_mb * 1_000_000 // len(line)), encoding="utf-8")
    _prose(folder / "c-energy.txt", "energy")

    kb = knowledge_base(make_settings(tmp_path / "data"))
    report = Ingestor(kb, Catalogue.empty(), ChunkParams(), budget).run([folder])

    outcomes = {o.path.name: o for o in report.outcomes}
    assert outcomes["a-food.txt"].status == outcomes["c-energy.txt"].status == "indexed"
    assert outcomes["b-large.txt"].status == "failed"
    assert reason in outcomes["b-large.txt"].reason
    assert {d.meta.id for d in kb.documents()} == {
        outcomes["a-food.txt"].document_id,
        outcomes["c-energy.txt"].document_id,
    }


def test_an_unchanged_file_without_a_catalogue_entry_is_skipped_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "inbox"
    _prose(folder / "food.txt", "food")
    data = tmp_path / "data"
    first = _ingestor(data, Catalogue.empty()).run([folder])
    assert [o.status for o in first.outcomes] == ["indexed"]
    read: list[str] = []

    def counting(path: Path) -> object:
        read.append(path.name)
        raise AssertionError("an unchanged file must not be read again")

    monkeypatch.setitem(EXTRACTORS, ".txt", counting)
    again = _ingestor(data, Catalogue.empty()).run([folder])
    assert [(o.status, o.document_id) for o in again.outcomes] == [("unchanged", first.outcomes[0].document_id)]
    assert read == []
    _prose(folder / "food.txt", "energy")  # changed: read again
    monkeypatch.undo()
    assert [o.status for o in _ingestor(data, Catalogue.empty()).run([folder]).outcomes] == ["indexed"]

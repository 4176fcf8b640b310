"""The `ccin` command: ingest, search, serve, evaluate. Domain errors become one clear line and exit code 2."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

# Only light imports here: `ccin serve --workers N` starts each worker by importing this module again, and a
# worker that takes more than 5 s to answer uvicorn's first health check is killed (each command imports the
# app, the pipeline and the model code it needs).
from ccin.settings import Settings, load_settings
from kb.errors import CCINError
from kb.filters import ROLE_CHOICES


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except CCINError as exc:
            click.echo(f"error: {exc.message}", err=True)
            sys.exit(2)


@click.group(cls=_Group)
@click.option("--data-dir", type=click.Path(path_type=Path), default=None, help="Overrides CCIN_DATA_DIR.")
@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None) -> None:
    """CCIN Knowledge Base: search the network's policy outputs."""
    overrides = {"data_dir": data_dir} if data_dir else {}
    ctx.obj = load_settings(**overrides)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--catalogue",
    type=click.Path(path_type=Path),
    default=None,
    help="Catalogue YAML (default: catalogue.yaml in a named folder).",
)
@click.option("--prune", is_flag=True, help="Remove indexed documents whose files under PATHS are gone.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def ingest(settings: Settings, paths: tuple[Path, ...], catalogue: Path | None, prune: bool, as_json: bool) -> None:
    """Index files and folders (PDF, HTML, Markdown, text). Unchanged files are skipped.

    Exits 1 when any file failed (each is listed with its reason; the rest are still indexed)."""
    from tqdm import tqdm

    from ccin.app import chunk_params, extract_options, extraction_budget, knowledge_base
    from ingest.discovery import load_catalogue
    from ingest.pipeline import Ingestor
    from ingest.report import outcome_line, report_json

    listed = list(paths)
    ingestor = Ingestor(
        knowledge_base(settings),
        load_catalogue(catalogue, listed),
        chunk_params(settings),
        extraction_budget(settings),
        extract_options(settings),
    )
    bar: tqdm | None = None

    def progress(files: Iterable[Any]) -> Iterable[Any]:
        nonlocal bar
        bar = tqdm(list(files), unit="file", file=sys.stderr, disable=None, dynamic_ncols=True)
        return bar

    def show(outcome) -> None:  # type: ignore[no-untyped-def]
        if not as_json and (outcome.status != "unchanged" or outcome.warnings):
            (bar.write if bar is not None else click.echo)(outcome_line(outcome))

    report = ingestor.run(listed, prune=prune, on_outcome=show, progress=progress)
    if bar is not None:
        bar.close()
    click.echo(report_json(report) if as_json else report.summary())
    if report.count("failed"):
        sys.exit(1)  # the files that could be read are indexed; the exit code says some could not


@cli.command()
@click.argument("query")
@click.option("--k", default=10, show_default=True, type=int)
@click.option("--principle", type=int, default=None)
@click.option("--council", default=None)
@click.option("--year-from", type=int, default=None)
@click.option("--year-to", type=int, default=None)
@click.option("--type", "doc_type", default=None)
@click.option("--document", "document_id", default=None)
@click.option("--mode", type=click.Choice(["hybrid", "bm25", "dense"]), default="hybrid", show_default=True)
@click.option("--offset", default=0, show_default=True, type=int, help="Skip this many results (paging).")
@click.option(
    "--role",
    type=click.Choice(ROLE_CHOICES),
    default="body",
    show_default=True,
    help="Passage role: navigation (contents, reading lists, covers) is left out unless asked for; "
    "case_study, recommendation or introduction keeps only that kind.",
)
@click.option("--group", type=click.Choice(["passage", "document"]), default="passage", show_default=True)
@click.option("--sort", type=click.Choice(["relevance", "newest"]), default="relevance", show_default=True)
@click.option(
    "--interpret/--as-typed",
    default=True,
    show_default=True,
    help="Read years, a council and a document type in the query as filters (or search the words as typed).",
)
@click.option("--json", "as_json", is_flag=True, help="Print exactly the HTTP response body.")
@click.pass_obj
def search(
    settings: Settings,
    query: str,
    k: int,
    principle: int | None,
    council: str | None,
    year_from: int | None,
    year_to: int | None,
    doc_type: str | None,
    document_id: str | None,
    mode: str,
    offset: int,
    role: str,
    group: str,
    sort: str,
    interpret: bool,
    as_json: bool,
) -> None:
    """Search the index and print cited passages."""
    from api.schemas import SearchQuery
    from api.views import answer_search
    from ccin.app import existing_knowledge_base

    params = SearchQuery.model_validate(
        {
            "q": query,
            "k": k,
            "principle": principle,
            "council": council,
            "year_from": year_from,
            "year_to": year_to,
            "type": doc_type,
            "document": document_id,
            "mode": mode,
            "offset": offset,
            "role": role,
            "group": group,
            "sort": sort,
            "interpret": interpret,
        }
    )
    response = answer_search(existing_knowledge_base(settings), params, settings.public_url or "")
    if as_json:
        click.echo(response.model_dump_json(indent=2))
        return
    for notice in response.notices:
        click.echo(notice)
    if response.interpreted:
        read = ", ".join(f"{key}={value}" for key, value in response.interpreted.items())
        click.echo(f"Read from the query: {read} (--as-typed searches without them).")
    if response.weak and response.results:
        click.echo("No close match: these are the nearest passages, not answers.")
    if not response.results:
        click.echo(f"No results for “{query}”.")
    for number, result in enumerate(response.results, start=1):
        snippet = result.snippet.replace("<mark>", "\033[1m").replace("</mark>", "\033[0m")
        import html

        click.echo(f"{number}. {result.citation.label}  [{result.score:.3f}]")
        click.echo(f"   {html.unescape(snippet)}")
        if result.principles:
            click.echo("   principles: " + ", ".join(p.name for p in result.principles))
        for other in result.also_in:
            click.echo(f"   also in: {other.label}")
        for more in result.also_in_document:
            click.echo(f"   also in this document, p. {more.page}")
        click.echo(f"   {result.citation.url}")
    shown = f"{response.offset + 1}–{response.offset + len(response.results)}" if response.results else "none"
    click.echo(f"(showing {shown} of {response.total} in {response.took_ms:.0f} ms, mode {response.mode})")


@cli.command("declared-vs-found")
@click.option("--json", "as_json", is_flag=True, help="Print exactly the HTTP response body.")
@click.pass_obj
def declared_vs_found(settings: Settings, as_json: bool) -> None:
    """List documents whose text disagrees with the principles their catalogue entry declares."""
    from api.views import declared_versus_found
    from ccin.app import existing_knowledge_base

    report = declared_versus_found(existing_knowledge_base(settings))
    if as_json:
        click.echo(report.model_dump_json(indent=2))
        return

    def names(refs: list) -> str:  # type: ignore[type-arg]
        return ", ".join(f"{r.id} {r.name}" for r in refs)

    for item in report.documents:
        click.echo(f"{item.document_id}: {item.title}")
        click.echo(f"   declared: {names(item.declared)}")
        if item.declared_without_evidence:
            click.echo(f"   declared, no passage shows it: {names(item.declared_without_evidence)}")
        if item.evidenced_not_declared:
            click.echo(f"   shown strongly, not declared: {names(item.evidenced_not_declared)}")
    click.echo(
        f"({len(report.documents)} of {report.checked} documents with declared principles disagree with their text)"
    )


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the documents as JSON (as GET /documents has them).")
@click.pass_obj
def documents(settings: Settings, as_json: bool) -> None:
    """List the indexed documents, newest first: id, year, title, pages and passages."""
    from api.views import document_out
    from ccin.app import existing_knowledge_base

    kb = existing_knowledge_base(settings)
    indexed = sorted(kb.documents(), key=lambda d: (-(d.meta.year or 0), d.meta.title))
    if as_json:
        import json

        base = settings.public_url or ""
        click.echo(json.dumps([document_out(kb, d, base).model_dump(mode="json") for d in indexed], indent=2))
        return
    for document in indexed:
        meta = document.meta
        click.echo(
            f"{meta.id}  {meta.year or '—'}  {meta.title}  ({document.pages} pages, {document.passage_count} passages)"
        )
    click.echo(f"({len(indexed)} documents in {settings.data_dir.resolve()})")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
@click.option(
    "--get",
    "get_path",
    default=None,
    help="Answer one GET request (e.g. '/search?q=food') and exit; no port.",
)
@click.option(
    "--root-path",
    default=None,
    help="The path prefix a reverse proxy serves the app under and strips, e.g. /kb (default: CCIN_ROOT_PATH).",
)
@click.pass_obj
def serve(settings: Settings, host: str, port: int, workers: int, get_path: str | None, root_path: str | None) -> None:
    """Serve the HTTP API, the widget and the search page."""
    import logging
    import logging.config
    import os

    if root_path is not None:
        settings = load_settings(data_dir=settings.data_dir, root_path=root_path)
    if get_path:
        from fastapi.testclient import TestClient

        from ccin.app import service_app

        # Links in the answer start at CCIN_PUBLIC_URL, else where this command would serve (never "testserver").
        address = f"http://{host}:{port}"
        with TestClient(service_app(settings), base_url=address, root_path=settings.root_path) as client:
            response = client.get(get_path)
        click.echo(response.text)
        sys.exit(0 if response.status_code < 400 else 1)
    import uvicorn

    from ccin.logs import logging_config
    from kb.knowledge_base import KnowledgeBase

    config = logging_config(settings.log_level, settings.log_format)
    logging.config.dictConfig(config)
    logging.captureWarnings(True)  # a library's warning is a log line too (one JSON object in json format)
    if not KnowledgeBase.exists(settings.data_dir):
        from ccin.app import no_index_message

        logging.getLogger("ccin").warning(
            "starting with an empty index: %s (or upload documents to POST /admin/documents)",
            no_index_message(settings),
        )
    # The workers build the app from the environment (ccin.app:app_from_environment): pass on what the
    # command line chose.
    os.environ["CCIN_DATA_DIR"] = str(settings.data_dir)
    os.environ["CCIN_ROOT_PATH"] = settings.root_path
    uvicorn.run(
        "ccin.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        root_path=settings.root_path,
        log_config=config,
        access_log=False,  # ccin.logs.AccessLog writes the access lines, without client or query by default
    )


@cli.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def evaluate(ctx: click.Context) -> None:
    """Run the evaluation harness: `python -m evaluations` with the same arguments (see its --help)."""
    import subprocess

    sys.exit(subprocess.call([sys.executable, "-m", "evaluations", *ctx.args]))


def main() -> None:
    cli(prog_name="ccin")


if __name__ == "__main__":
    main()

"""Build the illustrative sample corpus: corpus/source/<id>.md -> corpus/pdfs/<id>.pdf or pages/<id>.html.

The command-line entry point only: it reads the catalogue, parses each source and hands the blocks to a
renderer. The work lives in one module per idea: catalogue (the catalogue loader), source (the
source-format parser), pdf_render (PDF layout and rendering, with wrap for line breaking), html_render
(web pages) and notice (the illustrative-sample wording every document carries). The output is
deterministic, so rebuilding the corpus never changes a byte unless a source or the catalogue changed.

Usage (from the repository root)::

    python -m corpus.build [--only ID ...] [--catalogue PATH] [--source-dir DIR]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import yaml

from corpus.catalogue import CatalogueError, Entry, load_catalogue
from corpus.html_render import render_html
from corpus.pdf_render import render_pdf
from corpus.source import SourceError, parse_source


def build_entry(entry: Entry, catalogue_dir: Path, source_dir: Path) -> str:
    """Build one document and return a one-line report; raises SourceError for a bad source."""
    source = source_dir / f"{entry.id}.md"
    if not source.is_file():
        return f"warning: {entry.id}: no source at {source}; skipped"
    blocks = parse_source(source.read_text(encoding="utf-8"), str(source))
    out = catalogue_dir / entry.file
    if entry.type == "web-page":
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(render_html(entry, blocks), encoding="utf-8", newline="\n")
        return f"built {entry.file} (web page)"
    pages = render_pdf(entry, blocks, out)
    return f"built {entry.file} ({pages} pages)"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m corpus.build", description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", metavar="ID", help="build only these catalogue ids")
    parser.add_argument("--catalogue", type=Path, default=Path("corpus/catalogue.yaml"))
    parser.add_argument("--source-dir", type=Path, default=Path("corpus/source"))
    args = parser.parse_args(argv)
    try:
        entries = load_catalogue(args.catalogue)
    except (OSError, CatalogueError, yaml.YAMLError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.only:
        unknown = sorted(set(args.only) - {e.id for e in entries})
        if unknown:
            print(f"error: not in the catalogue: {', '.join(unknown)}", file=sys.stderr)
            return 2
        entries = [e for e in entries if e.id in set(args.only)]
    failed = 0
    for entry in entries:
        try:
            print(build_entry(entry, args.catalogue.parent, args.source_dir))
        except SourceError as exc:
            failed += 1
            print(f"error: {entry.id}: source rejected, not built:", file=sys.stderr)
            for problem in exc.problems:
                print(f"  {problem}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

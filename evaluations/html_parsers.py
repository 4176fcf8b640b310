"""Do two BeautifulSoup parsers give the same blocks? A check to run before changing `ingest.html.PARSER`.

    python -m evaluations.html_parsers [--against lxml]

Pages compared: the sample corpus's HTML pages; every real network page (../shared/ccin-pages), its text
rendered to HTML by markdown-it and wrapped in site furniture (header, nav, cookie banner, footer) as a site
would serve it; and every HTML file of the hostile corpus (evaluations/hostile_files.py), where parsers
disagree most. Prints how many pages give identical blocks, title and warnings, and a diff of the rest.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from markdown_it import MarkdownIt

from evaluations.hostile_files import hostile_corpus
from ingest.html import PARSER, html_to_extraction
from ingest.text import decode_text

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT.parent / "shared" / "ccin-pages"
_FRAME = (
    "<!doctype html><html><head><title>{title} | Network</title><meta name='author' content='The network'></head>"
    "<body><header><nav><ul><li><a href='/'>Home</a></li><li><a href='/projects'>Projects</a></li></ul></nav>"
    "</header><div class='cookie-banner'><p>We use cookies.</p><button>Accept</button></div>"
    "<main><article><h1>{title}</h1>{body}</article></main>"
    "<footer><p>Registered office and contact details.</p></footer></body></html>"
)


def pages(scratch: Path) -> Iterator[tuple[str, str, str]]:
    """(group, name, html) for every page compared."""
    for path in sorted((ROOT / "corpus").rglob("*.htm*")):
        yield "sample corpus", path.name, decode_text(path.read_bytes())
    render = MarkdownIt("commonmark").enable("table")
    for path in sorted(PAGES.glob("*.json")):
        page = json.loads(path.read_text(encoding="utf-8"))
        body = render.render(page.get("text_rewritten") or "")
        yield "network pages", path.stem, _FRAME.format(title=page["title"], body=body)
    for hostile in hostile_corpus(scratch, quick=False):
        if hostile.path.suffix in (".html", ".htm"):
            try:
                yield "hostile corpus", hostile.path.name, decode_text(hostile.path.read_bytes())
            except Exception:  # not UTF-8 or empty: never reaches the parser
                continue


def summary(source: str, parser: str) -> list[str]:
    try:
        extraction = html_to_extraction(source, parser=parser)
    except Exception as exc:
        return [f"error {type(exc).__name__}: {exc}"]
    lines = [f"title {extraction.title!r}", f"author {extraction.author!r}"]
    lines += [f"warning {w}" for w in extraction.warnings]
    lines += [f"{b.kind}{b.level or ''} {b.text}" for b in extraction.blocks]
    return lines


def main() -> int:
    arguments = argparse.ArgumentParser()
    arguments.add_argument("--against", default="lxml")
    arguments.add_argument("--base", default=PARSER)
    options = arguments.parse_args()
    counts: dict[str, list[int]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for group, name, source in pages(Path(scratch)):
            before, after = summary(source, options.base), summary(source, options.against)
            tally = counts.setdefault(group, [0, 0])
            tally[1] += 1
            if before == after:
                tally[0] += 1
                continue
            print(f"--- {group}: {name}")
            diff = difflib.unified_diff(before, after, options.base, options.against, lineterm="", n=0)
            for line in list(diff)[2:40]:
                print("   ", line[:200])
    for group, (same, total) in counts.items():
        print(f"{group}: {same} of {total} identical ({options.base} vs {options.against})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

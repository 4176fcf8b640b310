"""The catalogue (corpus/catalogue.yaml form): document metadata keyed by file, and inference for files not in it."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from pydantic import ValidationError

from ingest.blocks import Extraction
from ingest.clean import ends_sentence
from kb.errors import CatalogueError
from kb.passage import DocumentMeta

DOCUMENT_TYPES = (
    "policy-lab",
    "policy-prototype",
    "toolkit",
    "report",
    "case-study",
    "members-pack",
    "web-page",
)


class Catalogue:
    """Entries by resolved file path. `file` in the YAML is relative to the catalogue file."""

    def __init__(self, entries: dict[Path, DocumentMeta]) -> None:
        self._entries = entries

    @classmethod
    def empty(cls) -> Catalogue:
        return cls({})

    @classmethod
    def load(cls, path: Path) -> Catalogue:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise CatalogueError(f"{path}: cannot read catalogue ({exc})") from None
        documents = data.get("documents") if isinstance(data, dict) else None
        if not isinstance(documents, list):
            raise CatalogueError(f"{path}: expected a top-level 'documents:' list")
        entries: dict[Path, DocumentMeta] = {}
        ids: set[str] = set()
        for number, raw in enumerate(documents, start=1):
            if not isinstance(raw, dict) or not raw.get("file"):
                raise CatalogueError(f"{path}: entry {number} has no 'file'")
            file = (path.parent / str(raw["file"])).resolve()
            fields = {k: v for k, v in raw.items() if v not in (None, "")}
            fields.setdefault("id", document_id_for(file))
            fields.setdefault("title", title_from_filename(file))
            fields["file"] = str(raw["file"])
            for key in ("url", "source_url"):
                if key in fields:
                    try:
                        fields[key] = checked_url(fields[key], assume_https=key == "source_url")
                    except ValueError as exc:
                        raise CatalogueError(f"{path}: entry {number} has a bad {key!r}: {exc}") from None
            if fields.get("type") and fields["type"] not in DOCUMENT_TYPES:
                raise CatalogueError(f"{path}: entry {number} has unknown type {fields['type']!r}")
            try:
                meta = DocumentMeta(**fields)
            except ValidationError as exc:
                raise CatalogueError(f"{path}: entry {number}: {exc.errors()[0]['msg']}") from None
            if meta.id in ids:
                raise CatalogueError(f"{path}: duplicate id {meta.id!r}")
            ids.add(meta.id)
            entries[file] = meta
        return cls(entries)

    def get(self, file: Path) -> DocumentMeta | None:
        return self._entries.get(file.resolve())

    def files(self) -> list[Path]:
        return list(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):(?!\d+(?:[/?#]|$))")  # "host:8080/x" is a port
_HOST_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$")


def checked_url(value: object, assume_https: bool = False) -> str:
    """`value` as an http(s) address a page can link to, or ValueError saying why not.

    Only http and https are allowed: a catalogue's addresses become links, so `javascript:`, `data:` or a
    spreadsheet formula must never reach a page. With `assume_https`, an address written without a scheme
    ("bit.ly/CCIN-x", as the network's pages print them) is taken as https; any other scheme is refused."""
    if not isinstance(value, str):
        raise ValueError(f"expected an http(s) address, not {value!r}")
    url = value.strip()
    scheme = _SCHEME_RE.match(url)
    if scheme is None and assume_https:
        url = "https://" + url
    elif scheme is None or scheme.group(1).lower() not in ("http", "https"):
        raise ValueError(f"only http(s) addresses are allowed, not {value!r}")
    parts = urlsplit(url)
    host = parts.hostname or ""
    if (
        any(ch.isspace() or ch in "\"'<>`" for ch in url)
        or not parts.netloc.lower().startswith(host)
        or not _HOST_RE.match(host)
    ):
        raise ValueError(f"not a valid web address: {value!r}")
    return url


def document_id_for(path: Path) -> str:
    """A stable id from a file name: lower-case words joined by hyphens."""
    slug = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    return slug or "document"


def title_from_filename(path: Path) -> str:
    return re.sub(r"[-_]+", " ", path.stem).strip().capitalize() or path.name


def infer_meta(path: Path, extraction: Extraction) -> DocumentMeta:
    """Metadata for a file the catalogue does not list: PDF/HTML title, else the first heading, else the
    file name; year from the document's creation date, else the most frequent plausible year in its text."""
    first_heading = next((b.text for b in extraction.blocks if b.kind == "heading"), None)
    opening = extraction.blocks[0] if extraction.blocks else None
    # A short opening paragraph before any heading is a cover line ("UK councils who are driving ..."),
    # a better title than a section heading such as "Introduction".
    cover = (
        opening.text
        if opening
        and opening.kind == "paragraph"
        and len(opening.text.split()) <= 16
        and not ends_sentence(opening.text)
        else None
    )
    title = extraction.title or cover or first_heading or title_from_filename(path)
    year = int(extraction.created[:4]) if extraction.created else _year_in_text(extraction)
    return DocumentMeta(id=document_id_for(path), title=title[:200], year=year, inferred=True)


def _year_in_text(extraction: Extraction) -> int | None:
    """The latest year on the opening blocks (a cover's date), else the most frequent year in the text."""
    years = re.compile(r"\b(20[0-4]\d|19[89]\d)\b")
    opening = [int(y) for b in extraction.blocks[:5] for y in years.findall(b.text)]
    if opening:
        return max(opening)
    counts: dict[int, int] = {}
    for block in extraction.blocks:
        for match in years.findall(block.text):
            counts[int(match)] = counts.get(int(match), 0) + 1
    return max(counts, key=lambda y: (counts[y], y)) if counts else None

"""The catalogue (corpus/catalogue.yaml form): document metadata keyed by file, and inference for files not in it."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from pydantic import ValidationError

from ingest.blocks import Extraction
from ingest.clean import ends_sentence
from ingest.councils import cover_blocks, infer_lead_council
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
_PORT_RE = re.compile(r"(?::[0-9]+)?")
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
    netloc = parts.netloc.lower()
    if (
        any(ch.isspace() or ch in "\"'<>`" for ch in url)
        or not netloc.startswith(host)
        or not _PORT_RE.fullmatch(netloc[len(host) :])  # nothing after the host but a port ("…:55*" is refused)
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


# Part of an uncatalogued file's version: a change to inference re-ingests such files (ingest/pipeline.py).
INFERENCE_VERSION = "2"  # 2: lead council, junk metadata titles, inferred_fields

_FIELD_WORDS = {"title": "title", "year": "year", "lead_council": "lead council"}


def inferred_warning(meta: DocumentMeta) -> str:
    """ "not in the catalogue: title, year and lead council inferred" (the fields inference found)."""
    words = [_FIELD_WORDS.get(f, f) for f in meta.inferred_fields] or ["nothing"]
    listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return f"not in the catalogue: {listed} inferred"


def infer_meta(path: Path, extraction: Extraction) -> DocumentMeta:
    """Metadata for a file the catalogue does not list, each field marked as inferred in `inferred_fields`.

    Title: the file's own title (PDF metadata, HTML h1/title) unless it is junk a word processor left there
    ("Microsoft Word - report.docx", "Untitled", a file name), else the cover's title (`cover_title`), else the
    file name. Year: the document's creation date, else the latest year on the cover, else the most frequent
    plausible year in its text. Lead council: from the metadata, else the cover (ingest/councils.py)."""
    metadata_title = extraction.title if extraction.title and not is_junk_title(extraction.title) else None
    title = metadata_title or cover_title(extraction) or title_from_filename(path)
    year = int(extraction.created[:4]) if extraction.created else _year_in_text(extraction)
    lead_council = infer_lead_council(extraction)
    values = {"title": title, "year": year, "lead_council": lead_council}
    return DocumentMeta(
        id=document_id_for(path),
        title=title[:200],
        year=year,
        lead_council=lead_council,
        inferred=True,
        inferred_fields=[name for name, value in values.items() if value is not None],
    )


_JUNK_TITLE_RE = re.compile(
    r"^(?:microsoft (?:word|powerpoint|excel)\b.*|untitled\b.*|no title|title|(?:new )?document\s*\d*|"
    r"presentation\s*\d*|slide\s*\d*|draft|template|powerpoint presentation|"
    r".*\.(?:docx?|pdf|pptx?|xlsx?|odt|rtf|txt|indd|pages|key))$",
    re.IGNORECASE,
)


def is_junk_title(title: str) -> bool:
    """A title a tool left in the file rather than one its author gave: a word processor's "Microsoft Word -
    report.docx", "Untitled", "Document1", a file name ("CCIN_report_final_v2"), or no letters at all."""
    text = title.strip()
    if len(re.findall(r"[A-Za-z]", text)) < 3 or _JUNK_TITLE_RE.match(text):
        return True
    return " " not in text and ("_" in text or bool(re.search(r"\d", text)))


_SECTION_NAMES = re.compile(
    r"^(?:\d+[.)]?\s*)?(?:introduction|contents|table of contents|foreword|preface|executive summary|summary|"
    r"background|overview|acknowledge?ments|about(?: this (?:report|document|toolkit))?|welcome)\b",
    re.IGNORECASE,
)


def cover_title(extraction: Extraction) -> str | None:
    """The title a reader sees on the cover: the first top-level heading of the opening blocks that is not a
    section name ("Introduction", "Contents"), else a short opening paragraph that is not a sentence (a cover
    line such as "UK councils who are driving ..."), else the first heading anywhere that is not a section name."""
    cover = cover_blocks(extraction)
    heading = next(
        (b.text for b in cover if b.kind == "heading" and b.level <= 1 and not _SECTION_NAMES.match(b.text)), None
    )
    if heading:
        return heading
    opening = extraction.blocks[0] if extraction.blocks else None
    if opening and opening.kind == "paragraph" and len(opening.text.split()) <= 16 and not ends_sentence(opening.text):
        return opening.text
    return next(
        (b.text for b in extraction.blocks if b.kind == "heading" and not _SECTION_NAMES.match(b.text)),
        next((b.text for b in extraction.blocks if b.kind == "heading"), None),
    )


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

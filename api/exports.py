"""Evidence packs as Markdown, CSV and Word, each with ready-to-paste citations and the filters that made the pack.

Every format says which filters chose its passages: Markdown and Word in a "Filters:" line under the title, CSV in
columns of their own (`topic`, `filter_council`, `filter_year_from`, `filter_year_to`, `filter_type`,
`filter_document`, empty when not set) after the existing ones. Columns, not a comment row: a comment row breaks
every CSV reader, while columns travel with each row when a spreadsheet user sorts, filters or pastes packs
together. The file name carries them too, so two packs with different filters never overwrite each other.

Links are only made to addresses a reader can safely follow: http(s) URLs, and in Markdown also the API's own
relative `/documents/...` paths. Anything else (`javascript:`, `=HYPERLINK(...)`) is written out as plain text.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any
from urllib.parse import urlsplit

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import RGBColor
from docx.text.paragraph import Paragraph

from api.schemas import EvidenceResponse

CSV_COLUMNS = [
    "principle_id",
    "principle",
    "document_id",
    "title",
    "lead_council",
    "year",
    "page",
    "passage_id",
    "score",
    "citation",
    "url",
    "text",
    "topic",
    "filter_council",
    "filter_year_from",
    "filter_year_to",
    "filter_type",
    "filter_document",
]


def filename(pack: EvidenceResponse, extension: str) -> str:
    name = _slug(pack.principle.name)
    parts = [pack.query, *_filter_words(pack.filters)]
    extra = "".join(f"-{slug}" for slug in (_slug(part or "")[:40].strip("-") for part in parts) if slug)
    return f"ccin-evidence-{pack.principle.id}-{name}{extra}.{extension}"


def describe_filters(filters: dict[str, Any]) -> str:
    """The filters other than the principle, as a reader would say them: "council Oldham · years 2020–2024"."""
    return " · ".join(_filter_words(filters, years="{}–{}"))


def _filter_words(filters: dict[str, Any], years: str = "{}-{}") -> list[str]:
    words = []
    if filters.get("council"):
        words.append(f"council {filters['council']}")
    start, end = filters.get("year_from"), filters.get("year_to")
    if start is not None and end is not None:
        words.append("years " + years.format(start, end))
    elif start is not None:
        words.append(f"from {start}")
    elif end is not None:
        words.append(f"to {end}")
    if filters.get("type"):
        words.append(f"type {filters['type']}")
    if filters.get("document_id"):
        words.append(f"document {filters['document_id']}")
    return words


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def linkable(url: str, relative: bool = False) -> bool:
    """Whether `url` may become a link: an absolute http(s) URL, or (`relative`) a path to the API's own copy
    of a document. No white space or control characters, which would end a Markdown link early."""
    if not url or any(ch.isspace() or not ch.isprintable() or ch in '<>"' for ch in url):
        return False
    if relative and url.startswith("/documents/"):
        return True
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


# ---- Markdown -------------------------------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>])")
_PARENTHESES = re.compile(r"([()])")


def _md(text: str) -> str:
    """One line of text that stays text in Markdown: characters that would open a link, emphasis, code or
    an HTML tag are backslash-escaped, line breaks become spaces."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _md_link(label: str, url: str) -> str:
    if linkable(url, relative=True):
        destination = _PARENTHESES.sub(r"\\\1", url)  # a ")" would end the link early
        return f"[{_md(label)}]({destination})"
    return f"{_md(label)} · {_md(url)}" if url else _md(label)


def to_markdown(pack: EvidenceResponse) -> str:
    lines = [f"# Evidence: {_md(pack.principle.name)} (principle {pack.principle.id})", ""]
    if pack.query:
        lines += [f"Topic: {_md(pack.query)}", ""]
    if described := describe_filters(pack.filters):
        lines += [f"Filters: {_md(described)}", ""]
    lines += [pack.principle.description, ""]
    if not pack.groups:
        lines.append("No passages found.")
    for group in pack.groups:
        who = ", ".join(str(x) for x in (group.lead_council, group.year) if x)
        lines += [f"## {_md(group.title)}" + (f" ({_md(who)})" if who else ""), ""]
        for item in group.passages:
            quoted = " ".join(item.text.split())
            lines += [f"> {quoted}", "", f"— {_md_link(item.citation.label, item.citation.url)}", ""]
    return "\n".join(lines)


# ---- CSV ------------------------------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    """Keep spreadsheet programs from running a text cell as a formula (OWASP "CSV injection"): a text cell
    starting with =, +, -, @, tab or carriage return gets a leading single quote. Numbers (score, year, page)
    are written by us, not taken from a document, so a negative score stays a number."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(pack: EvidenceResponse) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    filters = pack.filters
    chosen_by = [
        pack.query or "",
        filters.get("council", ""),
        filters.get("year_from", ""),
        filters.get("year_to", ""),
        filters.get("type", ""),
        filters.get("document_id", ""),
    ]
    for group in pack.groups:
        for item in group.passages:
            row = [
                pack.principle.id,
                pack.principle.name,
                group.document_id,
                group.title,
                group.lead_council or "",
                group.year or "",
                item.citation.page,
                item.passage_id,
                item.score,
                item.citation.label,
                item.citation.url,
                " ".join(item.text.split()),
                *chosen_by,
            ]
            writer.writerow([_cell(value) for value in row])
    return out.getvalue()


# ---- Word -----------------------------------------------------------------------------------------------------

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
LINK_STYLE = "Hyperlink"  # Word's own name for the character style of links


def _xml(text: str) -> str:
    """Word files are XML: characters XML 1.0 forbids (C0 controls, lone surrogates) would make python-docx
    refuse the whole export, so they are dropped; a document's extracted text may contain them."""
    return _NOT_XML.sub("", text)


def _link_style(document: DocxDocument) -> None:
    """python-docx's blank template has no Hyperlink style: add Word's usual one (blue, underlined)."""
    if any(style.name == LINK_STYLE for style in document.styles):
        return
    style = document.styles.add_style(LINK_STYLE, WD_STYLE_TYPE.CHARACTER)
    style.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
    style.font.underline = True


def _hyperlink(paragraph: Paragraph, text: str, url: str) -> None:
    """A real Word hyperlink: python-docx has no API for one, so a w:hyperlink element pointing at an external
    relationship wraps an ordinary run in the link style."""
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True))
    run = paragraph.add_run(_xml(text), style=LINK_STYLE)
    link.append(run._r)  # moves the run from the paragraph into the link
    paragraph._p.append(link)


def _citation(document: DocxDocument, label: str, url: str) -> None:
    """The citation line, label then URL, both linking to the cited page when the URL may be followed."""
    paragraph = document.add_paragraph()
    if linkable(url):
        _hyperlink(paragraph, label, url)
        paragraph.add_run(" — ")
        _hyperlink(paragraph, url, url)
    else:
        paragraph.add_run(_xml(f"{label} — {url}"))


def to_docx(pack: EvidenceResponse) -> bytes:
    document = Document()
    _link_style(document)
    document.add_heading(_xml(f"Evidence: {pack.principle.name}"), level=0)
    if pack.query:
        document.add_paragraph(_xml(f"Topic: {pack.query}"))
    if described := describe_filters(pack.filters):
        document.add_paragraph(_xml(f"Filters: {described}"))
    document.add_paragraph(_xml(pack.principle.description))
    if not pack.groups:
        document.add_paragraph("No passages found.")
    for group in pack.groups:
        who = ", ".join(str(x) for x in (group.lead_council, group.year) if x)
        document.add_heading(_xml(group.title + (f" ({who})" if who else "")), level=1)
        for item in group.passages:
            document.add_paragraph(_xml(" ".join(item.text.split())), style="Quote")
            _citation(document, item.citation.label, item.citation.url)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

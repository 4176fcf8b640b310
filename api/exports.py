"""Evidence packs as Markdown, CSV and Word, each with ready-to-paste citations."""

from __future__ import annotations

import csv
import io
import re

from docx import Document

from api.schemas import EvidenceResponse


def filename(pack: EvidenceResponse, extension: str) -> str:
    topic = re.sub(r"[^a-z0-9]+", "-", (pack.query or "").lower()).strip("-")[:40]
    name = re.sub(r"[^a-z0-9]+", "-", pack.principle.name.lower()).strip("-")
    return f"ccin-evidence-{pack.principle.id}-{name}{'-' + topic if topic else ''}.{extension}"


def to_markdown(pack: EvidenceResponse) -> str:
    lines = [f"# Evidence: {pack.principle.name} (principle {pack.principle.id})", ""]
    if pack.query:
        lines += [f"Topic: {pack.query}", ""]
    lines += [pack.principle.description, ""]
    if not pack.groups:
        lines.append("No passages found.")
    for group in pack.groups:
        who = ", ".join(str(x) for x in (group.lead_council, group.year) if x)
        lines += [f"## {group.title}" + (f" ({who})" if who else ""), ""]
        for item in group.passages:
            quoted = " ".join(item.text.split())
            lines += [f"> {quoted}", "", f"— [{item.citation.label}]({item.citation.url})", ""]
    return "\n".join(lines)


def to_csv(pack: EvidenceResponse) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
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
        ]
    )
    for group in pack.groups:
        for item in group.passages:
            writer.writerow(
                [
                    pack.principle.id,
                    pack.principle.name,
                    group.document_id,
                    _cell(group.title),
                    _cell(group.lead_council or ""),
                    group.year or "",
                    item.citation.page,
                    item.passage_id,
                    item.score,
                    _cell(item.citation.label),
                    item.citation.url,
                    _cell(" ".join(item.text.split())),
                ]
            )
    return out.getvalue()


def _cell(text: str) -> str:
    """Keep spreadsheet programs from treating a cell as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml(text: str) -> str:
    """Word files are XML: characters XML 1.0 forbids (C0 controls, lone surrogates) would make python-docx
    refuse the whole export, so they are dropped; a document's extracted text may contain them."""
    return _NOT_XML.sub("", text)


def to_docx(pack: EvidenceResponse) -> bytes:
    document = Document()
    document.add_heading(_xml(f"Evidence: {pack.principle.name}"), level=0)
    if pack.query:
        document.add_paragraph(_xml(f"Topic: {pack.query}"))
    document.add_paragraph(_xml(pack.principle.description))
    if not pack.groups:
        document.add_paragraph("No passages found.")
    for group in pack.groups:
        who = ", ".join(str(x) for x in (group.lead_council, group.year) if x)
        document.add_heading(_xml(group.title + (f" ({who})" if who else "")), level=1)
        for item in group.passages:
            document.add_paragraph(_xml(" ".join(item.text.split())), style="Quote")
            document.add_paragraph(_xml(f"{item.citation.label} — {item.citation.url}"))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

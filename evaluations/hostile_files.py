"""A generated corpus of hostile files for the reliability suite: damaged, encrypted and fake PDFs, empty and
binary files under text names, wrong extensions, HTML nested tens of thousands of elements deep or left
unclosed, a hard-wrapped text file of 8,000 lines, a 5 MB one-line Markdown file, and a few good files mixed
in. Seeded, so the same call writes the same bytes.

The few PDF builders the test suite has (tests/pdfs.py) are repeated here in small, so the harness does not
depend on the test tree."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import pymupdf

_WORD_LIST = (
    "council tenants food club energy community repair cafe market residents cooperative housing library "
    "transport school health culture youth ward volunteers budget pilot network neighbours solar panels "
    "training champions members priorities progress partnership place assets ownership wellbeing local"
)
WORDS = tuple(_WORD_LIST.split())


_DATE = "D:20240601000000"


@dataclass(frozen=True)
class HostileFile:
    path: Path
    kind: str
    good: bool = False  # a well-formed file that must be indexed


def prose_lines(rng: random.Random, count: int, words: int = 11) -> list[str]:
    """`count` lines of seeded prose, each a sentence of `words` words."""
    lines = []
    for _ in range(count):
        sentence = " ".join(rng.choice(WORDS) for _ in range(words))
        lines.append(f"{sentence.capitalize()} {rng.randrange(10**6)}.")
    return lines


def pdf_bytes(pages: list[list[str]], title: str) -> bytes:
    """A PDF with one line of text per entry, compressed as a producer would write it."""
    doc = pymupdf.open()
    for lines in pages:
        page = doc.new_page(width=595, height=842)
        y = 80.0
        for line in lines:
            page.insert_text((60, y), line, fontname="helv", fontsize=10)
            y += 13
    doc.set_metadata({"title": title, "creationDate": _DATE, "modDate": _DATE})
    data: bytes = doc.tobytes(garbage=3, deflate=True, no_new_id=True)  # the same bytes on every run
    doc.close()
    return data


def good_pdf(path: Path, seed: int, pages: int = 3, lines: int = 24) -> Path:
    rng = random.Random(seed)
    path.write_bytes(pdf_bytes([prose_lines(rng, lines) for _ in range(pages)], f"Good document {seed}"))
    return path


def encrypted_pdf(path: Path, seed: int, user_password: bool = True) -> Path:
    """Encrypted with AES-256, whose random salt makes the bytes differ from run to run (the text does not)."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((60, 80), " ".join(prose_lines(random.Random(seed), 3)), fontname="helv", fontsize=10)
    path.write_bytes(
        doc.tobytes(
            encryption=pymupdf.PDF_ENCRYPT_AES_256,  # type: ignore[attr-defined]
            user_pw="user-secret" if user_password else "",
            owner_pw="owner-secret",
        )
    )
    doc.close()
    return path


def zero_page_pdf(path: Path) -> Path:
    """A well-formed PDF whose page tree is empty, with a correct cross-reference table."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def hard_wrapped_text(lines: int, seed: int = 1) -> str:
    """One paragraph hard-wrapped at about 70 columns, no blank line anywhere, every 50th line ending in a
    hyphenated word break."""
    rng = random.Random(seed)
    out = []
    for number in range(lines):
        words = [rng.choice(WORDS) for _ in range(10)]
        line = " ".join(words)
        out.append(line + " co-" if number % 50 == 49 else line)
    return "\n".join(out) + "\n"


def one_line_markdown(size: int, seed: int = 2) -> str:
    """One line of Markdown prose of about `size` characters, with emphasis, code and links that open and
    close, and some that never close."""
    rng = random.Random(seed)
    parts = ["# A long line\n\n"]
    length = 0
    pieces = ("**{}**", "_{}_", "`{}`", "[{}](https://example.org/{})", "**{}", "[{}", "{}")
    while length < size:
        word = rng.choice(WORDS)
        piece = rng.choice(pieces).format(word, word) + " "
        parts.append(piece)
        length += len(piece)
    return "".join(parts) + "\n"


def nested_html(depth: int) -> str:
    text = "<p>Tenants of the food club cooked together every week.</p>"
    return "<html><body>" + "<div>" * depth + text + "</div>" * depth + "<p>After the nesting.</p></body></html>"


def unclosed_html(tags: int) -> str:
    """`tags` opening tags that are never closed, with a few words after every hundredth."""
    return "<html><body>" + ("<div><span>" * 49 + "<div><span>food club ") * (tags // 100) + "\n"


def hostile_corpus(directory: Path, quick: bool = False, seed: int = 20240601) -> list[HostileFile]:
    """Write the corpus into `directory` (several hundred files; `quick`: about seventy, the text-heavy huge
    files a quarter or a twentieth the size, as their cost is mostly embedding) and list what each file is."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    files: list[HostileFile] = []

    def add(name: str, data: bytes | str, kind: str, good: bool = False) -> None:
        path = directory / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        files.append(HostileFile(path, kind, good))

    # Good files, which must all be indexed.
    for number in range(2 if quick else 4):
        files.append(HostileFile(good_pdf(directory / f"good-pdf-{number}.pdf", seed + number), "good PDF", True))
    for number in range(1 if quick else 2):
        text = "\n\n".join(" ".join(prose_lines(random.Random(seed + 10 + number), 4)) for _ in range(5))
        add(f"good-text-{number}.txt", f"Good notes {number}\n\n{text}\n", "good text", True)
        add(f"good-markdown-{number}.md", f"# Good page {number}\n\n{text}\n", "good Markdown", True)
        add(
            f"good-html-{number}.html",
            f"<html><head><title>Good {number}</title></head><body><main><h1>Good page {number}</h1>"
            + "".join(f"<p>{line}</p>" for line in prose_lines(random.Random(seed + 20 + number), 12))
            + "</main></body></html>",
            "good HTML",
            True,
        )

    # Damaged copies of a good PDF: truncated at a random byte, or with random bits flipped.
    source = pdf_bytes([prose_lines(random.Random(seed), 24) for _ in range(3)], "Source document")
    for number in range(10 if quick else 120):
        add(f"truncated-{number:03d}.pdf", source[: rng.randrange(16, len(source) - 1)], "truncated PDF")
    for number in range(10 if quick else 120):
        damaged = bytearray(source)
        for _ in range(rng.randrange(1, 60)):
            position = rng.randrange(len(damaged))
            damaged[position] ^= 1 << rng.randrange(8)
        add(f"flipped-{number:03d}.pdf", bytes(damaged), "byte-flipped PDF")
    for number in range(2 if quick else 5):
        files.append(HostileFile(encrypted_pdf(directory / f"locked-{number}.pdf", number), "encrypted PDF"))
    files.append(
        HostileFile(encrypted_pdf(directory / "owner-only.pdf", 99, user_password=False), "encrypted PDF, no user pw")
    )
    files.append(HostileFile(zero_page_pdf(directory / "zero-pages.pdf"), "PDF with no pages"))
    for number in range(5 if quick else 30):
        add(
            f"header-garbage-{number:02d}.pdf",
            b"%PDF-1.7\n" + rng.randbytes(rng.randrange(10, 40_000)),
            "header+garbage",
        )
    for number in range(4 if quick else 20):
        add(f"garbage-{number:02d}.pdf", rng.randbytes(rng.randrange(1, 40_000)), "garbage PDF")

    # Empty and blank files of every readable type.
    for suffix in (".pdf", ".txt", ".md", ".markdown", ".html", ".htm"):
        add(f"empty{suffix}", b"", "empty file")
    for suffix in (".txt", ".md", ".html"):
        add(f"blank{suffix}", " \n\t\n" * 100, "whitespace only")

    # Structure pushed to extremes.
    add("nested-1000.html", nested_html(1_000), "HTML nested 1,000 deep")
    add("nested-50000.html", nested_html(50_000), "HTML nested 50,000 deep")
    add("unclosed-100000.html", unclosed_html(100_000), "100,000 unclosed tags")
    add("blockquotes-5000.md", ">" * 5_000 + " Deeply quoted food club.\n", "Markdown quoted 5,000 deep")
    lines = 1_000 if quick else 8_000
    add(f"hard-wrapped-{lines}.txt", hard_wrapped_text(lines), f"{lines:,} hard-wrapped lines")
    size = 250_000 if quick else 5_000_000
    add(f"one-line-{size // 1000}kb.md", one_line_markdown(size), f"{size / 1e6:g} MB one-line Markdown")

    # Binary junk under text names; text in the wrong encoding.
    for number in range(8 if quick else 40):
        suffix = (".txt", ".md", ".html", ".htm")[number % 4]
        add(f"junk-{number:02d}{suffix}", rng.randbytes(rng.randrange(1, 20_000)), "binary junk, text name")
    add("latin1.txt", "Budget of £14bn for the network.\n".encode("latin-1"), "Latin-1 text")
    add("utf16.txt", "Tenants ran the food club.\n".encode("utf-16"), "UTF-16 text")
    add("nul-bytes.md", b"# Food\x00club\n\nTenants\x00\x00 ran it.\n", "NUL bytes in Markdown")

    # Wrong extensions and types not read at all.
    add("pdf-named.txt", source, "PDF named .txt")
    add("pdf-named.md", source, "PDF named .md")
    add("pdf-named.html", source, "PDF named .html")
    add("html-named.pdf", nested_html(3), "HTML named .pdf")
    add("text-named.pdf", "Tenants ran the food club.\n", "text named .pdf")
    add("zip-named.pdf", b"PK\x03\x04" + rng.randbytes(2_000), "ZIP named .pdf")
    add("minutes.docx", b"PK\x03\x04 word document", "unsupported type")
    add("data.xyz", "whatever", "unsupported type")
    add("no-extension", "Tenants ran the food club.\n", "unsupported type")
    return files

"""Optical character recognition of PDF pages that are only an image, with Tesseract through PyMuPDF.

MuPDF carries the Tesseract engine itself; what has to be installed is Tesseract's language data (Debian:
`tesseract-ocr` and `tesseract-ocr-eng`, which put `eng.traineddata` under /usr/share/tesseract-ocr/5/tessdata).
OCR is on by default when that data is found and can be switched off (`OcrOptions(enabled=False)`).

Speed, measured on this project's two-core machine: a dense scanned A4 page (the corpus's Mondragon page 6, a
timetable) takes about 1.3 s at 100 dpi, 2.4 s at 150 dpi and 3.7 s at 300 dpi when the machine is otherwise
idle, and about twice that under heavy load; a page of a few plain paragraphs about 1.5 s at 150 dpi. 150 dpi
keeps ordinary body text legible. Reading stops once `seconds` have gone by (the caller sets it inside the
extraction time budget) and the pages left are reported.
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ingest.mupdf import pymupdf

# Where Debian, Fedora and a source build of Tesseract put the language data, newest version first.
_TESSDATA_GLOBS = (
    "/usr/share/tesseract-ocr/*/tessdata",
    "/usr/share/tesseract/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
    "/usr/local/share/tesseract-ocr/*/tessdata",
)
HOW_TO_ENABLE = "install Tesseract (Debian: apt-get install tesseract-ocr tesseract-ocr-eng) to read it"


@dataclass(frozen=True)
class OcrOptions:
    enabled: bool = True  # read image-only pages when Tesseract's language data is installed
    language: str = "eng"  # Tesseract language(s), "eng" or "eng+fra"
    dpi: int = 150  # resolution the page is rendered at for Tesseract
    seconds: float | None = None  # stop starting new pages after this long into a file; None: no limit


def find_tessdata(language: str = "eng") -> Path | None:
    """The folder holding `<language>.traineddata` for every language asked for, or None when Tesseract's data
    is not installed. `TESSDATA_PREFIX`, when set, is the only place looked in (as Tesseract itself does)."""
    return _find_tessdata(language, os.environ.get("TESSDATA_PREFIX") or None)


@lru_cache(maxsize=8)
def _find_tessdata(language: str, prefix: str | None) -> Path | None:
    needed = [f"{lang}.traineddata" for lang in language.split("+") if lang]
    candidates = (
        [prefix] if prefix else [d for pattern in _TESSDATA_GLOBS for d in sorted(glob.glob(pattern), reverse=True)]
    )
    if not prefix and not candidates:
        try:  # PyMuPDF's own search asks the tesseract program where its data is
            candidates = [pymupdf.get_tessdata()]
        except RuntimeError:
            candidates = []
    for folder in candidates:
        if all((Path(folder) / name).is_file() for name in needed):
            return Path(folder)
    return None


def ocr_text_page(page: pymupdf.Page, options: OcrOptions, tessdata: Path) -> pymupdf.TextPage:
    """The page's text as Tesseract reads it from the page rendered at `options.dpi`."""
    return page.get_textpage_ocr(flags=0, language=options.language, dpi=options.dpi, full=True, tessdata=str(tessdata))

"""PyMuPDF as ingest imports it: without the layout-analysis model PyMuPDF 2 would load on import."""

from __future__ import annotations

import subprocess
import sys

LOADED = "import sys; m = sys.modules.get('pymupdf.layout'); print(m is not None and m.__name__)"


def _fresh_interpreter(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_plain_pymupdf_loads_its_layout_model_and_ingest_does_not() -> None:
    assert _fresh_interpreter(f"import pymupdf; {LOADED}") == "pymupdf.layout"  # what ingest/mupdf.py prevents
    assert _fresh_interpreter(f"import ingest.extract; {LOADED}") == "False"


def test_finding_tables_prints_no_suggestion_to_install_layout() -> None:
    code = (
        "from ingest.mupdf import pymupdf\n"
        "page = pymupdf.open().new_page()\n"
        "page.draw_rect(pymupdf.Rect(50, 50, 200, 120))\n"
        "page.find_tables(strategy='lines', use_layout=False)\n"
    )
    assert _fresh_interpreter(code) == ""

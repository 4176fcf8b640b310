"""PyMuPDF without its page-layout model: import `pymupdf` from here.

PyMuPDF 2 brings `pymupdf_layout` with it and imports it on `import pymupdf`, which loads a layout-analysis
ONNX model and onnxruntime: 0.3 s of the 0.6 s the extraction worker took to start, and it starts again for
every `ccin ingest` before the first file is read. Nothing here asks for layout analysis (`get_text` never
uses it and tables are found with `use_layout=False`), so that import is refused before PyMuPDF tries it, and
PyMuPDF's printed suggestion to install the package is switched off.
"""

from __future__ import annotations

import sys

sys.modules.setdefault("pymupdf.layout", None)  # type: ignore[arg-type]  # None: "import pymupdf.layout" fails

import pymupdf  # noqa: E402

pymupdf.no_recommend_layout()

__all__ = ["pymupdf"]

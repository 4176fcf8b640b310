"""Citations: a link a reader can open at the cited page, and a label ready to paste."""

from __future__ import annotations

from typing import Any

from api.results import citation
from kb.filters import Filters
from kb.knowledge_base import KnowledgeBase
from tests.conftest import search

NET_ZERO: dict[str, Any] = {
    "document_id": "net-zero",
    "title": "Cooperative Approaches to Reaching Net Zero",
    "lead_council": "Kirklees Council",
    "year": 2022,
    "type": "report",
    "page": 4,
    "page_end": 4,
    "format": "pdf",
}


def test_pdf_without_catalogue_url_links_to_the_api_copy_at_the_page() -> None:
    cited = citation(NET_ZERO, None, "http://127.0.0.1:8000/")
    assert cited.url == "http://127.0.0.1:8000/documents/net-zero/file#page=4"
    assert cited.label == "Cooperative Approaches to Reaching Net Zero (Kirklees Council, 2022), p. 4"
    assert (cited.page, cited.page_end) == (4, 4)


def test_pdf_with_catalogue_url_links_there_and_a_page_span_reads_pp() -> None:
    cited = citation({**NET_ZERO, "page_end": 5}, "https://example.org/net-zero.pdf", "http://ignored")
    assert cited.url == "https://example.org/net-zero.pdf#page=4"
    assert cited.label == "Cooperative Approaches to Reaching Net Zero (Kirklees Council, 2022), pp. 4–5"


def test_web_page_has_no_page_anchor_and_no_page_in_the_label() -> None:
    page = {**NET_ZERO, "type": "web-page", "format": "html", "page": 1, "page_end": 1}
    cited = citation(page, "https://councils.coop/project/net-zero", "")
    assert cited.url == "https://councils.coop/project/net-zero"
    assert cited.label == "Cooperative Approaches to Reaching Net Zero (Kirklees Council, 2022)"


def test_text_file_has_no_page_anchor_and_missing_council_or_year_is_left_out() -> None:
    pack = {
        "document_id": "pack",
        "title": "Members' Pack",
        "year": 2022,
        "page": 1,
        "page_end": 1,
        "format": "txt",
    }
    cited = citation(pack, None, "")
    assert cited.url == "/documents/pack/file"
    assert cited.label == "Members' Pack (2022)"
    assert citation({**pack, "year": None}, None, "").label == "Members' Pack"


def test_passages_indexed_without_a_format_fall_back_to_type_and_extension() -> None:
    legacy = {k: v for k, v in NET_ZERO.items() if k != "format"}
    assert citation(legacy, None, "").url == "/documents/net-zero/file#page=4"
    assert citation(legacy, "https://example.org/net-zero.html", "").url == "https://example.org/net-zero.html"


def test_search_results_cite_pdf_pages_and_web_pages_without_pages(kb: KnowledgeBase) -> None:
    table = kb.snapshot()
    pdf = search(kb, "community energy society rooftop solar on schools", Filters(document_id="net-zero"), 3)
    for result in pdf.results:
        meta = table.metas[table.ids.index(result.passage_id)]
        page, end = meta["page"], meta["page_end"]
        assert result.citation.url == f"/documents/net-zero/file#page={page}"
        pages = f"p. {page}" if page == end else f"pp. {page}–{end}"
        assert result.citation.label == f"Cooperative Approaches to Reaching Net Zero (Kirklees Council, 2022), {pages}"
    web = search(kb, "violence against women", Filters(document_id="tackling-vawg"), 3, base_url="http://h")
    assert web.results
    for result in web.results:
        assert result.citation.url == "http://h/documents/tackling-vawg/file"
        assert result.citation.label == "Tackling Violence Against Women and Girls (Trafford Council, 2025)"
    pack = search(kb, "members pack", Filters(document_id="001-e33d7f85c6ea2c8b"), 1)
    assert pack.results[0].citation.url == "/documents/001-e33d7f85c6ea2c8b/file"

"""GET /evidence: the strongest passages for a principle (optionally on a topic), grouped by project, with
ready-to-paste citations, and the same pack downloaded as Markdown, CSV and Word."""

from __future__ import annotations

import csv
import io
import json

import docx
import httpx
import pytest

from kb.index import KnowledgeBase
from tests.conftest import LiveServer

CSV_HEADER = [
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


def _pack(http: httpx.Client, **params: str | int) -> dict:
    response = http.get("/evidence", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return response.json()


def _items(pack: dict) -> list[dict]:
    return [item for group in pack["groups"] for item in group["passages"]]


def _label(citation: dict) -> str:
    who = ", ".join(str(x) for x in (citation["lead_council"], citation["year"]) if x)
    label = f"{citation['title']} ({who})" if who else citation["title"]
    if "#page=" not in citation["url"]:  # web pages and text files have no pages to cite
        return label
    pages = citation["page"], citation["page_end"]
    return label + (f", p. {pages[0]}" if pages[0] == pages[1] else f", pp. {pages[0]}–{pages[1]}")


def test_a_pack_groups_the_strongest_tagged_passages_by_project(
    http: httpx.Client, kb: KnowledgeBase, live_server: LiveServer
) -> None:
    pack = _pack(http, principle=5)
    principles = {p["id"]: p for p in http.get("/principles").json()}
    assert pack["principle"] == principles[5]
    assert pack["query"] is None
    assert pack["groups"]
    ids = [group["document_id"] for group in pack["groups"]]
    assert len(ids) == len(set(ids)), "one group per project"

    table = kb.table()
    row_of = {pid: row for row, pid in enumerate(table.ids)}
    for group in pack["groups"]:
        assert set(group) == {"document_id", "title", "lead_council", "year", "passages"}
        assert 1 <= len(group["passages"]) <= 3
        for item in group["passages"]:
            assert set(item) == {"passage_id", "text", "score", "citation"}
            meta = table.metas[row_of[item["passage_id"]]]
            assert 5 in meta["principles"], "every passage in the pack is tagged with the principle"
            assert item["text"] == table.texts[row_of[item["passage_id"]]]
            citation = item["citation"]
            assert citation["document_id"] == group["document_id"]
            assert (citation["title"], citation["lead_council"], citation["year"]) == (
                group["title"],
                group["lead_council"],
                group["year"],
            )
            assert citation["label"] == _label(citation)
            assert citation["url"].startswith(f"{live_server.url}/documents/{group['document_id']}/file")

    # Without a topic, passages rank by their principle score: the first is the strongest of all.
    scores = [item["score"] for item in _items(pack)]
    assert scores[0] == max(scores)
    for group in pack["groups"]:
        in_group = [item["score"] for item in group["passages"]]
        assert in_group == sorted(in_group, reverse=True)


def test_without_a_topic_the_pack_opens_with_the_strongest_passage_in_the_index(
    http: httpx.Client, kb: KnowledgeBase
) -> None:
    table = kb.table()
    strongest = max(
        (json.loads(meta["scores"])[4], pid)
        for pid, meta in zip(table.ids, table.metas, strict=True)
        if 5 in (meta.get("principles") or [])
    )
    first = _pack(http, principle=5)["groups"][0]["passages"][0]
    assert (first["score"], first["passage_id"]) == (round(strongest[0], 4), strongest[1])


def test_a_topic_narrows_the_pack_to_passages_about_it(http: httpx.Client) -> None:
    pack = _pack(http, principle=3, q="  asset   transfer ")
    assert pack["query"] == "asset transfer"
    assert pack["groups"][0]["document_id"] == "beyond-asset-transfer"
    assert pack["groups"][0]["lead_council"] == "Newcastle City Council"


def test_markdown_download_carries_every_citation_label_and_link(http: httpx.Client) -> None:
    pack = _pack(http, principle=3, q="asset transfer")
    response = http.get("/evidence", params={"principle": 3, "q": "asset transfer", "format": "md"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/markdown; charset=utf-8"
    assert response.headers["content-disposition"] == (
        'attachment; filename="ccin-evidence-3-co-production-asset-transfer.md"'
    )
    text = response.text
    assert text.startswith("# Evidence: Co-production (principle 3)\n\nTopic: asset transfer\n\n")
    for group in pack["groups"]:
        who = ", ".join(str(x) for x in (group["lead_council"], group["year"]) if x)
        assert f"\n## {group['title']} ({who})\n" in text
        for item in group["passages"]:
            citation = item["citation"]
            assert f"— [{citation['label']}]({citation['url']})" in text
            assert "> " + " ".join(item["text"].split()) in text


def test_csv_download_has_one_row_per_passage_with_its_citation(http: httpx.Client) -> None:
    pack = _pack(http, principle=4)
    response = http.get("/evidence", params={"principle": 4, "format": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        'attachment; filename="ccin-evidence-4-enterprise-and-social-economy.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == CSV_HEADER
    records = [dict(zip(CSV_HEADER, row, strict=True)) for row in rows[1:]]
    items = _items(pack)
    assert len(records) == len(items)
    for record, item in zip(records, items, strict=True):
        assert record["principle_id"] == "4"
        assert record["principle"] == "Enterprise and social economy"
        assert record["passage_id"] == item["passage_id"]
        assert record["document_id"] == item["citation"]["document_id"]
        assert record["page"] == str(item["citation"]["page"])
        assert record["citation"] == item["citation"]["label"]
        assert record["url"] == item["citation"]["url"]
        assert record["text"] == " ".join(item["text"].split())
        assert float(record["score"]) == item["score"]


def test_word_download_opens_with_headings_quotes_and_citations(http: httpx.Client) -> None:
    pack = _pack(http, principle=9, q="study visit")
    response = http.get("/evidence", params={"principle": 9, "q": "study visit", "format": "docx"})
    assert response.status_code == 200
    assert response.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response.headers["content-disposition"] == (
        'attachment; filename="ccin-evidence-9-learning-study-visit.docx"'
    )
    document = docx.Document(io.BytesIO(response.content))
    paragraphs = [(p.style.name if p.style else "", p.text) for p in document.paragraphs]
    assert paragraphs[0] == ("Title", "Evidence: Learning")
    assert paragraphs[1] == ("Normal", "Topic: study visit")
    assert paragraphs[2] == ("Normal", pack["principle"]["description"])

    expected: list[tuple[str, str]] = []
    for group in pack["groups"]:
        who = ", ".join(str(x) for x in (group["lead_council"], group["year"]) if x)
        expected.append(("Heading 1", f"{group['title']} ({who})"))
        for item in group["passages"]:
            expected.append(("Quote", " ".join(item["text"].split())))
            expected.append(("Normal", f"{item['citation']['label']} — {item['citation']['url']}"))
    assert paragraphs[3:] == expected
    assert (
        "Heading 1",
        "Study Visit to Mondragon (Co-operative Councils' Innovation Network, 2022)",
    ) in paragraphs


def test_json_is_the_default_format_and_matches_format_json(http: httpx.Client) -> None:
    default = _pack(http, principle=2)
    explicit = _pack(http, principle=2, format="json")
    assert json.dumps(default, sort_keys=True) == json.dumps(explicit, sort_keys=True)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "principle: Field required"),
        ({"principle": 0}, "principle: Input should be greater than or equal to 1"),
        ({"principle": 11}, "principle: Input should be less than or equal to 10"),
        (
            {"principle": "abc"},
            "principle: Input should be a valid integer, unable to parse string as an integer",
        ),
        ({"principle": 3, "format": "pdf"}, "format: Input should be 'json', 'md', 'csv' or 'docx'"),
        ({"principle": 3, "q": "x" * 501}, "q: String should have at most 500 characters"),
    ],
)
def test_bad_evidence_requests_say_what_is_wrong(http: httpx.Client, params: dict, message: str) -> None:
    response = http.get("/evidence", params=params)
    assert response.status_code == 422
    field, text = message.split(": ", 1)
    assert response.json() == {
        "error": {
            "code": "invalid_request",
            "message": message,
            "details": [{"field": field, "message": text}],
        }
    }

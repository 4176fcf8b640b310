"""GET /evidence: the strongest passages for a principle (optionally on a topic), grouped by project, with
ready-to-paste citations, and the same pack downloaded as Markdown, CSV and Word. Packs honour every filter search
has, take a limit, never quote navigation passages, and say which filters made them."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

import docx
import httpx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT

from kb.knowledge_base import KnowledgeBase
from kb.navigation import is_navigation
from tests.api.error_bodies import error_body, field_error
from tests.conftest import SAMPLE_IDS, LiveServer

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
    "topic",
    "filter_council",
    "filter_year_from",
    "filter_year_to",
    "filter_type",
    "filter_document",
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
    assert pack["filters"] == {"principle": 5}
    assert pack["groups"]
    ids = [group["document_id"] for group in pack["groups"]]
    assert len(ids) == len(set(ids)), "one group per project"

    table = kb.snapshot()
    row_of = {pid: row for row, pid in enumerate(table.ids)}
    for group in pack["groups"]:
        assert set(group) == {"document_id", "title", "lead_council", "year", "passages"}
        assert 1 <= len(group["passages"]) <= 3
        for item in group["passages"]:
            assert set(item) == {"passage_id", "text", "score", "citation", "ocr"}
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
    table = kb.snapshot()
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
        assert [record[column] for column in CSV_HEADER[12:]] == ["", "", "", "", "", ""], "no topic, no filters"


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


# ---- filters, limit, navigation -------------------------------------------------------------------------------


def _documents(http: httpx.Client) -> dict[str, dict]:
    response = http.get("/documents", params={"limit": 200})
    assert response.status_code == 200
    return {d["id"]: d for d in response.json()["documents"]}


def _councils(document: dict) -> str:
    return " / ".join([document["lead_council"] or "", *document["partners"]]).lower()


Admits = Callable[[dict], bool]
FILTER_CASES: list[tuple[dict, dict, Admits]] = [
    ({"council": "OXFORD"}, {"council": "OXFORD"}, lambda d: "oxford" in _councils(d)),
    ({"council": "torbay"}, {"council": "torbay"}, lambda d: "torbay" in _councils(d)),  # a partner, not the lead
    ({"year_from": 2024}, {"year_from": 2024}, lambda d: d["year"] is not None and d["year"] >= 2024),
    ({"year_to": 2021}, {"year_to": 2021}, lambda d: d["year"] is not None and d["year"] <= 2021),
    (
        {"year_from": 2022, "year_to": 2022},
        {"year_from": 2022, "year_to": 2022},
        lambda d: d["year"] == 2022,
    ),
    ({"type": "report"}, {"type": "report"}, lambda d: d["type"] == "report"),
    (
        {"document": "social-value-toolkit"},
        {"document_id": "social-value-toolkit"},
        lambda d: d["id"] == "social-value-toolkit",
    ),
    (
        {"council": "oxford", "year_from": 2023, "type": "toolkit"},
        {"council": "oxford", "year_from": 2023, "type": "toolkit"},
        lambda d: "oxford" in _councils(d) and (d["year"] or 0) >= 2023 and d["type"] == "toolkit",
    ),
]


@pytest.mark.parametrize("topic", [None, "cooperative learning between councils"])
@pytest.mark.parametrize(("params", "reported", "admits"), FILTER_CASES)
def test_every_search_filter_narrows_the_pack(
    http: httpx.Client, kb: KnowledgeBase, topic: str | None, params: dict, reported: dict, admits: Admits
) -> None:
    documents = _documents(http)
    base = {"principle": 9, "limit": 200} | ({"q": topic} if topic else {})
    pack = _pack(http, **base, **params)
    assert pack["filters"] == {"principle": 9, **reported}
    assert pack["query"] == topic
    assert pack["groups"], "the filter leaves something to quote"
    assert all(admits(documents[group["document_id"]]) for group in pack["groups"])
    unfiltered = _pack(http, **base)
    assert not all(admits(documents[group["document_id"]]) for group in unfiltered["groups"]), "the filter matters"

    if topic is None:  # ranked by principle score: the pack opens with the strongest passage the filter admits
        table = kb.snapshot()
        admitted = [
            (json.loads(meta["scores"])[8], pid)
            for pid, text, meta in zip(table.ids, table.texts, table.metas, strict=True)
            if 9 in (meta.get("principles") or [])
            and admits(documents[meta["document_id"]])
            and not is_navigation(text, json.loads(meta["heading_path"]))
        ]
        first = pack["groups"][0]["passages"][0]
        assert (first["score"], first["passage_id"]) == (round(max(admitted)[0], 4), max(admitted)[1])


def test_a_topic_and_filters_combine(http: httpx.Client) -> None:
    pack = _pack(http, principle=3, q="asset transfer", council="newcastle", year_to=2021)
    assert pack["filters"] == {"principle": 3, "council": "newcastle", "year_to": 2021}
    assert [group["document_id"] for group in pack["groups"]] == ["beyond-asset-transfer"]


def test_limit_caps_the_passages_in_the_pack_and_keeps_the_strongest(http: httpx.Client) -> None:
    full = _items(_pack(http, principle=9, limit=200))
    default = _items(_pack(http, principle=9))
    assert len(default) == min(len(full), 36)
    assert len(full) > 4
    strongest = [item["passage_id"] for item in sorted(full, key=lambda item: -item["score"])]
    for limit in (1, 4):
        items = _items(_pack(http, principle=9, limit=limit))
        assert {item["passage_id"] for item in items} == set(strongest[:limit])
    pack = _pack(http, principle=9, limit=4, format="json")
    assert sum(len(group["passages"]) for group in pack["groups"]) == 4
    assert all(len(group["passages"]) <= 3 for group in _pack(http, principle=9, limit=200)["groups"])


@pytest.mark.parametrize("principle", range(1, 11))
def test_no_pack_quotes_a_navigation_passage(http: httpx.Client, kb: KnowledgeBase, principle: int) -> None:
    table = kb.snapshot()
    row_of = {pid: row for row, pid in enumerate(table.ids)}
    for topic in (None, "contents resources further reading"):
        pack = _pack(http, principle=principle, limit=200, **({"q": topic} if topic else {}))
        for item in _items(pack):
            row = row_of[item["passage_id"]]
            assert not is_navigation(table.texts[row], json.loads(table.metas[row]["heading_path"])), item["text"]


def test_navigation_passages_that_search_ranks_first_are_left_out_of_the_pack(
    http: httpx.Client, kb: KnowledgeBase
) -> None:
    """A reading list tagged with the principle is the best match for its own heading; the pack skips it."""
    query = {"q": "resources and further reading", "principle": 6}
    found = http.get("/search", params={**query, "k": 5, "role": "any"}).json()["results"]
    assert "Resources and further reading" in found[0]["heading_path"]
    pack = _pack(http, **query)
    ids = [item["passage_id"] for item in _items(pack)]
    assert ids, "the pack still quotes body passages on the topic"
    assert found[0]["passage_id"] not in ids


@pytest.mark.parametrize(
    ("params", "status", "body"),
    [
        (
            {"principle": 3, "year_from": 2024, "year_to": 2020},
            422,
            error_body("invalid_query", "year_from (2024) is after year_to (2020)"),
        ),
        (
            {"principle": 3, "year_from": 1066},
            422,
            field_error("year_from", "Input should be greater than or equal to 1900"),
        ),
        (
            {"principle": 3, "year_to": "soon"},
            422,
            field_error("year_to", "Input should be a valid integer, unable to parse string as an integer"),
        ),
        ({"principle": 3, "limit": 0}, 422, field_error("limit", "Input should be greater than or equal to 1")),
        ({"principle": 3, "limit": 201}, 422, field_error("limit", "Input should be less than or equal to 200")),
        (
            {"principle": 3, "council": "x" * 201},
            422,
            field_error("council", "String should have at most 200 characters"),
        ),
        (
            {"principle": 3, "type": "novel"},
            422,
            field_error(
                "type",
                "Input should be 'policy-lab', 'policy-prototype', 'toolkit', 'report', 'case-study', "
                "'members-pack' or 'web-page'",
            ),
        ),
        (
            {"principle": 3, "document": "no-such-report", "format": "docx"},
            404,
            error_body("document_not_found", "no document with id 'no-such-report'"),
        ),
    ],
)
def test_bad_filters_get_exact_error_bodies(http: httpx.Client, params: dict, status: int, body: dict) -> None:
    response = http.get("/evidence", params=params)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert response.json() == body


# ---- the downloads say which filters made them, and link to the cited page ------------------------------------

SAMPLE_PDFS = set(SAMPLE_IDS) - {"tackling-vawg"}  # the one web page among the sample documents
FILTERED = {"principle": 9, "council": "oxford", "year_from": 2022, "year_to": 2024, "type": "toolkit"}


def test_markdown_names_the_filters_and_links_each_citation(http: httpx.Client) -> None:
    pack = _pack(http, **FILTERED, q="social value")
    response = http.get("/evidence", params={**FILTERED, "q": "social value", "format": "md"})
    assert response.status_code == 200
    assert response.headers["content-disposition"] == (
        'attachment; filename="ccin-evidence-9-learning-social-value-council-oxford-years-2022-2024-type-toolkit.md"'
    )
    assert response.text.startswith(
        "# Evidence: Learning (principle 9)\n\nTopic: social value\n\n"
        "Filters: council oxford · years 2022–2024 · type toolkit\n\n"
    )
    for item in _items(pack):
        assert f"— [{item['citation']['label']}]({item['citation']['url']})" in response.text


def test_csv_carries_the_filters_in_columns_of_their_own(http: httpx.Client) -> None:
    pack = _pack(http, **FILTERED, q="social value", document="social-value-toolkit")
    response = http.get(
        "/evidence", params={**FILTERED, "q": "social value", "document": "social-value-toolkit", "format": "csv"}
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == CSV_HEADER
    assert len(rows) - 1 == len(_items(pack)) > 0
    for row in rows[1:]:
        record = dict(zip(CSV_HEADER, row, strict=True))
        assert record["document_id"] == "social-value-toolkit"
        assert [record[column] for column in CSV_HEADER[12:]] == [
            "social value",
            "oxford",
            "2022",
            "2024",
            "toolkit",
            "social-value-toolkit",
        ]


def test_word_citations_are_hyperlinks_to_the_cited_page(http: httpx.Client) -> None:
    params = {"principle": 9, "q": "study visit", "year_from": 2022}
    pack = _pack(http, **params)
    response = http.get("/evidence", params={**params, "format": "docx"})
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    assert document.paragraphs[2].text == "Filters: from 2022"

    citations = [p for p in document.paragraphs if p.hyperlinks]
    items = _items(pack)
    assert len(citations) == len(items) > 0
    for paragraph, item in zip(citations, items, strict=True):
        url = item["citation"]["url"]
        assert paragraph.text == f"{item['citation']['label']} — {url}"
        assert [(link.text, link.address) for link in paragraph.hyperlinks] == [
            (item["citation"]["label"], url),
            (url, url),
        ]
        assert all(
            run.style is not None and run.style.name == "Hyperlink"
            for link in paragraph.hyperlinks
            for run in link.runs
        )
        if item["citation"]["document_id"] in SAMPLE_PDFS:
            assert url.endswith(f"#page={item['citation']['page']}")

    targets = {rel.target_ref for rel in document.part.rels.values() if rel.reltype == RT.HYPERLINK}
    assert all(rel.is_external for rel in document.part.rels.values() if rel.reltype == RT.HYPERLINK)
    assert targets == {item["citation"]["url"] for item in items}
    assert any("#page=" in target for target in targets)

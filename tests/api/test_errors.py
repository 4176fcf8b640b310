"""Validation answers a 4xx with one JSON error shape that says what is wrong, and nothing a client sends,
however hostile, yields a 500 or a stack trace."""

from __future__ import annotations

import http.client
import json

import httpx
import pytest

from tests.api.error_bodies import error_body, field_error
from tests.conftest import LiveServer


@pytest.mark.parametrize(
    ("params", "status", "body"),
    [
        ({}, 422, field_error("q", "Field required")),
        ({"q": ""}, 422, field_error("q", "query must not be empty")),
        ({"q": " \t\n "}, 422, field_error("q", "query must not be empty")),
        ({"q": "\u200b\u200d\u202e"}, 422, field_error("q", "query must not be empty")),
        ({"q": "x" * 501}, 422, field_error("q", "String should have at most 500 characters")),
        ({"q": "x", "k": "0"}, 422, field_error("k", "Input should be greater than or equal to 1")),
        ({"q": "x", "k": "101"}, 422, field_error("k", "Input should be less than or equal to 100")),
        (
            {"q": "x", "k": "ten"},
            422,
            field_error("k", "Input should be a valid integer, unable to parse string as an integer"),
        ),
        (
            {"q": "x", "principle": "0"},
            422,
            field_error("principle", "Input should be greater than or equal to 1"),
        ),
        ({"q": "x", "principle": "11"}, 422, field_error("principle", "Input should be less than or equal to 10")),
        (
            {"q": "x", "principle": "abc"},
            422,
            field_error("principle", "Input should be a valid integer, unable to parse string as an integer"),
        ),
        (
            {"q": "x", "year_from": "2024", "year_to": "2020"},
            422,
            error_body("invalid_query", "year_from (2024) is after year_to (2020)"),
        ),
        (
            {"q": "x", "year_from": "1066"},
            422,
            field_error("year_from", "Input should be greater than or equal to 1900"),
        ),
        ({"q": "x", "mode": "magic"}, 422, field_error("mode", "Input should be 'hybrid', 'bm25' or 'dense'")),
        (
            {"q": "x", "type": "novel"},
            422,
            field_error(
                "type",
                "Input should be 'policy-lab', 'policy-prototype', 'toolkit', 'report', 'case-study', "
                "'members-pack' or 'web-page'",
            ),
        ),
        (
            {"q": "x", "document": "no-such-report"},
            404,
            error_body("document_not_found", "no document with id 'no-such-report'"),
        ),
    ],
)
def test_bad_search_requests_get_exact_error_bodies(http: httpx.Client, params: dict, status: int, body: dict) -> None:
    response = http.get("/search", params=params)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert response.json() == body


def test_several_problems_are_all_reported(http: httpx.Client) -> None:
    response = http.get("/search", params={"q": "", "k": "0", "mode": "x"})
    assert response.status_code == 422
    fields = [d["field"] for d in response.json()["error"]["details"]]
    assert sorted(fields) == ["k", "mode", "q"]


@pytest.mark.parametrize(
    ("path", "status", "body"),
    [
        (
            "/documents?year_from=2024&year_to=2000",
            422,
            error_body("invalid_query", "year_from (2024) is after year_to (2000)"),
        ),
        ("/documents?limit=0", 422, field_error("limit", "Input should be greater than or equal to 1")),
        ("/documents?offset=-1", 422, field_error("offset", "Input should be greater than or equal to 0")),
        ("/documents?principle=11", 422, field_error("principle", "Input should be less than or equal to 10")),
        ("/no/such/route", 404, error_body("not_found", "Not Found")),
        ("/documents/net-zero/file/extra", 404, error_body("not_found", "Not Found")),
    ],
)
def test_other_routes_validate_too(http: httpx.Client, path: str, status: int, body: dict) -> None:
    response = http.get(path)
    assert (response.status_code, response.json()) == (status, body)


def test_a_wrong_method_is_405_in_the_same_shape(http: httpx.Client) -> None:
    response = http.post("/search", params={"q": "x"})
    assert response.status_code == 405
    assert response.json() == error_body("method_not_allowed", "Method Not Allowed")


# ---- hostile input ------------------------------------------------------------------------------------

HOSTILE_VALUES = [
    "a" * 10_000,
    "asset " * 2_000,
    "".join(chr(c) for c in range(0x00, 0x20)),
    "\x00",
    "asset\x00transfer",
    "\x1b[31mred\x1b[0m",
    "\u202eevil\u202c",
    "\u200b\u200c\u200d\ufeff",
    "مشاركة المجتمع",
    "שיתוף \u200fפעולה",
    "😀🔥🏳️‍🌈",
    "👩‍👩‍👧‍👦 community",
    "' OR 1=1 --",
    '" OR ""="',
    "'; DROP TABLE documents; --",
    "$ne",
    '{"$gt": ""}',
    '{"$contains": 3}',
    "*",
    "%",
    "_",
    "\\",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "{{7*7}}${7*7}",
    "NaN",
    "-1",
    "1e309",
    "\ufffd\ufffd",
    "Ā" * 600,
]
TARGETS = [
    ("/search", "q", {}),
    ("/search", "q", {"mode": "bm25"}),
    ("/search", "q", {"mode": "dense"}),
    ("/search", "council", {"q": "asset transfer"}),
    ("/search", "type", {"q": "asset transfer"}),
    ("/search", "document", {"q": "asset transfer"}),
    ("/search", "mode", {"q": "asset transfer"}),
    ("/search", "k", {"q": "asset transfer"}),
    ("/search", "year_from", {"q": "asset transfer"}),
    ("/evidence", "q", {"principle": "3"}),
    ("/evidence", "q", {"principle": "3", "format": "docx"}),
    ("/evidence", "q", {"principle": "3", "format": "csv"}),
    ("/evidence", "q", {"principle": "3", "format": "md"}),
    ("/evidence", "principle", {}),
    ("/evidence", "council", {"principle": "3", "format": "docx"}),
    ("/evidence", "document", {"principle": "3", "format": "md"}),
    ("/evidence", "year_to", {"principle": "3", "format": "csv"}),
    ("/evidence", "limit", {"principle": "3"}),
    ("/documents", "council", {}),
    ("/documents", "type", {}),
]
RAW_TARGETS = [
    "/search?q=%ED%A0%80",
    "/search?q=%ED%A0%80%ED%B0%80",
    "/search?q=asset%ED%A0%80transfer&mode=bm25",
    "/search?q=asset&council=%ED%A0%80",
    "/search?q=asset&document=%ED%A0%80",
    "/evidence?principle=3&q=%ED%A0%80&format=docx",
    "/evidence?principle=3&q=%FF%FE%00&format=docx",
    "/evidence?principle=3&council=%ED%A0%80%00&format=docx",
    "/evidence?principle=3&council=%3D1%2B1&format=csv",
    "/search?q=%C0%AF",
    "/search?q=%",
    "/search?q=%%%",
    "/search?q=%G0",
    "/search?q=a&q=b",
    "/search?q[]=a",
    "/search?q=asset&k=1&k=2",
    "/documents/%ED%A0%80",
    "/documents/%ED%A0%80/file",
    "/search?" + "&".join(f"p{i}=x" for i in range(500)) + "&q=asset",
]


def _assert_answered_cleanly(status: int, content_type: str, body: str) -> None:
    assert status < 500, body[:500]
    assert "Traceback" not in body and 'File "/' not in body
    if status >= 400:
        error = json.loads(body)["error"]
        assert set(error) == {"code", "message", "details"}
        assert error["message"]
    else:
        assert content_type.split(";")[0] in (
            "application/json",
            "text/markdown",
            "text/csv",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )


@pytest.mark.slow  # 600 requests
def test_hostile_values_in_every_parameter_never_break_the_server(http: httpx.Client) -> None:
    tried = 0
    for path, name, base in TARGETS:
        for value in HOSTILE_VALUES:
            response = http.get(path, params={**base, name: value})
            _assert_answered_cleanly(response.status_code, response.headers.get("content-type", ""), response.text)
            tried += 1
    assert tried == len(TARGETS) * len(HOSTILE_VALUES) == 600


@pytest.mark.parametrize("target", RAW_TARGETS)
def test_malformed_encodings_never_break_the_server(live_server: LiveServer, target: str) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", live_server.port, timeout=60)
    try:
        connection.putrequest("GET", target, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        _assert_answered_cleanly(response.status, response.getheader("content-type", ""), body)
    finally:
        connection.close()


def test_a_lone_surrogate_is_searched_as_replacement_characters(live_server: LiveServer) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", live_server.port, timeout=60)
    connection.request("GET", "/search?q=asset%ED%A0%80transfer&mode=bm25")
    response = connection.getresponse()
    body = json.loads(response.read())
    connection.close()
    assert response.status == 200
    assert body["query"] == "asset\ufffd\ufffd\ufffdtransfer"


def test_control_characters_in_a_topic_still_export_to_word(http: httpx.Client) -> None:
    """python-docx refuses XML-incompatible characters; the topic is cleaned before it reaches the file."""
    response = http.get("/evidence", params={"principle": 3, "q": "asset\x00\x07transfer", "format": "docx"})
    assert response.status_code == 200
    assert response.headers["content-disposition"] == (
        'attachment; filename="ccin-evidence-3-co-production-asset-transfer.docx"'
    )


def test_control_characters_are_cleaned_from_the_query(http: httpx.Client) -> None:
    body = http.get("/search", params={"q": "asset\x00transfer\u200b\u202e  leases\x1f"}).json()
    assert body["query"] == "asset transfer leases"


def test_operators_in_filters_are_plain_text_that_matches_nothing(http: httpx.Client) -> None:
    for value in ("' OR 1=1 --", "$ne", '{"$gt": ""}', "*", "%"):
        body = http.get("/search", params={"q": "asset transfer", "council": value}).json()
        assert body["results"] == [], value
        assert body["filters"] == {"council": value}
        assert http.get("/documents", params={"council": value}).json()["total"] == 0
    response = http.get("/search", params={"q": "asset transfer", "document": "' OR 1=1 --"})
    assert response.json() == error_body("document_not_found", 'no document with id "\' OR 1=1 --"')


def test_hostile_queries_are_echoed_as_data_not_markup(http: httpx.Client) -> None:
    body = http.get("/search", params={"q": "<script>alert(1)</script> asset"}).json()
    assert body["query"] == "<script>alert(1)</script> asset"
    assert body["results"]
    for result in body["results"]:
        assert "<script>" not in result["snippet"]


def test_an_oversized_url_is_refused_not_crashed(live_server: LiveServer) -> None:
    response = httpx.get(f"{live_server.url}/search", params={"q": "a" * 60_000}, timeout=60)
    assert 400 <= response.status_code < 500
    assert "Traceback" not in response.text

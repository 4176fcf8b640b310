"""Admin routes behind CCIN_API_KEY: the key check, uploading a real PDF built here (then searchable and
listed), the refusals (too large, not a PDF, no text, taken id), deleting, and the query log."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pymupdf
import pytest

from tests.conftest import LiveServer, make_settings

KEY = {"X-API-Key": "test-key"}
UPLOAD_LIMIT_MB = 0.05  # 51,200 bytes: the test PDFs are a few kilobytes


@pytest.fixture(scope="module")
def admin_data_dir(sample_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One private copy of the sample index for this module's writes."""
    data_dir = tmp_path_factory.mktemp("admin") / "data"
    shutil.copytree(sample_index, data_dir)
    return data_dir


@pytest.fixture(scope="module")
def admin_server(admin_data_dir: Path) -> Iterator[LiveServer]:
    """The copy served with an admin key and a small upload limit."""
    settings = make_settings(admin_data_dir, api_key="test-key", max_upload_mb=UPLOAD_LIMIT_MB, rate_limit_per_minute=0)
    with LiveServer(settings) as server:
        yield server


@pytest.fixture()
def admin(admin_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=admin_server.url, timeout=300) as client:
        yield client


def pilot_pdf(word: str) -> bytes:
    """A two-page report whose every sentence names `word`, a made-up place no sample document mentions."""
    pdf = pymupdf.open()
    pages = [
        [
            f"The {word} Tool Library",
            "",
            f"In {word} the council helped residents open a tool library run as a cooperative.",
            "Members borrow drills, ladders and garden tools for a small yearly fee and share repairs.",
            "Tenants and the housing association co-produced the rules with the council's officers.",
        ],
        [
            f"What {word} learned",
            "",
            f"Volunteers in {word} kept a log of every loan; after one year they counted 1,240 loans.",
            "The council now offers the same model to other estates and publishes the lessons openly.",
        ],
    ]
    for lines in pages:
        page = pdf.new_page()
        y = 100.0
        for line in lines:
            page.insert_text((60, y), line, fontsize=11)
            y += 16
    data = pdf.tobytes()
    pdf.close()
    return data


def blank_pdf() -> bytes:
    pdf = pymupdf.open()
    pdf.new_page()
    data = pdf.tobytes()
    pdf.close()
    return data


def upload(admin: httpx.Client, data: bytes, filename: str = "report.pdf", **fields: str) -> httpx.Response:
    return admin.post(
        "/admin/documents",
        headers=KEY,
        files={"file": (filename, data, "application/pdf")},
        data={"title": "Test upload", **fields},
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/admin/queries"), ("POST", "/admin/documents"), ("DELETE", "/admin/documents/net-zero")],
)
def test_admin_routes_need_a_key(admin: httpx.Client, method: str, path: str) -> None:
    response = admin.request(method, path)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json() == {
        "error": {
            "code": "unauthorized",
            "message": "admin routes need an API key (X-API-Key header or Authorization: Bearer)",
            "details": [],
        }
    }


@pytest.mark.parametrize(
    "headers",
    [
        {"X-API-Key": "wrong"},
        {"Authorization": "Bearer wrong"},
        {"X-API-Key": "test-key2"},
        {"Authorization": "Basic dGVzdC1rZXk="},
        {"X-API-Key": "TEST-KEY"},
        {"Authorization": "Token test-key"},
    ],
)
def test_a_wrong_key_is_forbidden(admin: httpx.Client, headers: dict[str, str]) -> None:
    for method, path in (("GET", "/admin/queries"), ("DELETE", "/admin/documents/net-zero")):
        response = admin.request(method, path, headers=headers)
        assert response.status_code == 403
        assert response.json() == {
            "error": {
                "code": "forbidden",
                "message": "the API key is not valid for admin routes",
                "details": [],
            }
        }
    assert admin.get("/documents/net-zero").status_code == 200, "nothing was deleted"


@pytest.mark.parametrize("authorization", ["Bearer test-key", "bearer test-key", "BEARER  test-key"])
def test_a_bearer_token_is_accepted_too(admin: httpx.Client, authorization: str) -> None:
    assert admin.get("/admin/queries", headers={"Authorization": authorization}).status_code == 200


@pytest.mark.parametrize("headers", [{"Authorization": "Bearer"}, {"X-API-Key": ""}])
def test_an_empty_key_is_a_missing_key(admin: httpx.Client, headers: dict[str, str]) -> None:
    response = admin.get("/admin/queries", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_openapi_declares_both_ways_to_send_the_key_on_every_admin_operation(admin: httpx.Client) -> None:
    schema = admin.get("/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert all(scheme.pop("description") for scheme in schemes.values())
    assert schemes == {
        "APIKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
        "HTTPBearer": {"type": "http", "scheme": "bearer"},
    }
    operations = {
        (method, path): operation for path, item in schema["paths"].items() for method, operation in item.items()
    }
    admin_operations = {op for op in operations if op[1].startswith("/admin/")}
    assert admin_operations == {
        ("get", "/admin/queries"),
        ("post", "/admin/documents"),
        ("delete", "/admin/documents/{document_id}"),
    }
    for operation, body in operations.items():
        either_key = [{"APIKeyHeader": []}, {"HTTPBearer": []}]
        assert body.get("security") == (either_key if operation in admin_operations else None), operation
        # The key is a security scheme, not an ordinary header parameter.
        assert not {p["name"].lower() for p in body.get("parameters", [])} & {"x-api-key", "authorization"}


def test_an_uploaded_pdf_is_indexed_searchable_listed_and_served(admin: httpx.Client, admin_server: LiveServer) -> None:
    data = pilot_pdf("Quillbeck")
    before = admin.get("/documents").json()["total"]
    response = upload(
        admin,
        data,
        id="quillbeck-tool-library",
        title="The Quillbeck Tool Library",
        year="2023",
        lead_council="Testshire County Council",
        partners="Quillbeck Housing, Tool Co-op",
        type="policy-prototype",
        source_url="example.org/quillbeck",
    )
    assert response.status_code == 201, response.text
    document = response.json()
    assert {k: v for k, v in document.items() if k not in ("principles_met", "principles_declared")} == {
        "id": "quillbeck-tool-library",
        "title": "The Quillbeck Tool Library",
        "year": 2023,
        "lead_council": "Testshire County Council",
        "partners": ["Quillbeck Housing", "Tool Co-op"],
        "type": "policy-prototype",
        "url": f"{admin_server.url}/documents/quillbeck-tool-library/file",
        "source_url": "https://example.org/quillbeck",
        "pages": 2,
        "unit": "page",
        "passage_count": document["passage_count"],
        "near_duplicate_of": [],
        "inferred_metadata": False,
        "inferred_fields": [],
    }
    assert document["passage_count"] >= 1

    listed = admin.get("/documents").json()
    assert listed["total"] == before + 1
    assert "quillbeck-tool-library" in {d["id"] for d in listed["documents"]}
    assert admin.get("/documents/quillbeck-tool-library").json() == document

    found = admin.get("/search", params={"q": "Quillbeck tool library", "k": 3}).json()["results"]
    citation = found[0]["citation"]
    assert citation["document_id"] == "quillbeck-tool-library"
    assert citation["label"].startswith("The Quillbeck Tool Library (Testshire County Council, 2023), p")
    council = admin.get("/search", params={"q": "loans", "council": "tool co-op", "mode": "bm25"}).json()
    assert {r["citation"]["document_id"] for r in council["results"]} == {"quillbeck-tool-library"}
    assert admin.get("/documents/quillbeck-tool-library/file").content == data


def test_the_id_defaults_to_the_uploaded_file_name_without_its_directories(admin: httpx.Client) -> None:
    response = upload(
        admin, pilot_pdf("Brackenmoor"), filename="../../Brackenmoor Pilot Report.pdf", title="Brackenmoor"
    )
    assert response.status_code == 201, response.text
    assert response.json()["id"] == "brackenmoor-pilot-report"
    assert admin.delete("/admin/documents/brackenmoor-pilot-report", headers=KEY).status_code == 204


def test_a_deleted_document_is_gone_everywhere(admin: httpx.Client, admin_data_dir: Path) -> None:
    assert upload(admin, pilot_pdf("Wyrmsby"), id="wyrmsby", title="Wyrmsby").status_code == 201
    assert admin.get("/search", params={"q": "Wyrmsby", "mode": "bm25"}).json()["results"]

    response = admin.delete("/admin/documents/wyrmsby", headers=KEY)
    assert response.status_code == 204
    assert response.content == b""
    gone = {"error": {"code": "document_not_found", "message": "no document with id 'wyrmsby'", "details": []}}
    assert admin.get("/documents/wyrmsby").json() == gone
    assert admin.get("/documents/wyrmsby").status_code == 404
    assert admin.get("/documents/wyrmsby/file").status_code == 404
    assert admin.get("/search", params={"q": "Wyrmsby", "mode": "bm25"}).json()["results"] == []
    assert "wyrmsby" not in {d["id"] for d in admin.get("/documents").json()["documents"]}
    assert admin.delete("/admin/documents/wyrmsby", headers=KEY).status_code == 404
    assert not (admin_data_dir / "uploads" / "wyrmsby.pdf").exists()
    assert not (admin_data_dir / "files" / "wyrmsby.pdf").exists()


def test_an_upload_over_the_size_limit_is_413(admin: httpx.Client) -> None:
    too_big = pilot_pdf("Oversize") + b"%" + b"0" * int(UPLOAD_LIMIT_MB * 1024 * 1024)
    response = upload(admin, too_big, id="oversize")
    assert response.status_code == 413
    assert response.json() == {
        "error": {
            "code": "payload_too_large",
            "message": "file is larger than the 0.05 MB limit",
            "details": [],
        }
    }
    assert admin.get("/documents/oversize").status_code == 404


@pytest.mark.parametrize(
    "content",
    [b"Just some words, renamed to .pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, b"", b"PK\x03\x04zip"],
)
def test_a_file_that_is_not_a_pdf_is_refused_by_its_content(admin: httpx.Client, content: bytes) -> None:
    response = upload(admin, content, filename="looks-fine.pdf", id="looks-fine")
    assert response.status_code == 415
    assert response.json() == {
        "error": {
            "code": "unsupported_file_type",
            "message": "the upload is not a PDF (its content has no %PDF header) nor a Word .docx document (a zip "
            "package holding word/document.xml)",
            "details": [],
        }
    }
    assert admin.get("/documents/looks-fine").status_code == 404


def pilot_docx(word: str) -> bytes:
    """A Word report about `word` in two sections (Heading 1 each), long enough for a passage per section."""
    import io

    import docx

    document = docx.Document()
    document.add_heading(f"Why {word} lends tools", level=1)
    document.add_paragraph(
        f"Residents of {word} asked for a place to borrow tools instead of buying them. " * 6
        + "The council found a room in the community centre."
    )
    document.add_heading(f"What {word} counted", level=1)
    document.add_paragraph(
        f"Volunteers in {word} logged every loan and every repair they helped with over the year. " * 6
        + "The log showed that ladders and drills were borrowed most."
    )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_an_uploaded_word_document_is_cited_by_section_and_replaced_by_a_pdf(
    admin: httpx.Client, admin_data_dir: Path
) -> None:
    data = pilot_docx("Farrowdale")

    response = upload(admin, data, filename="farrowdale.docx", id="farrowdale", title="Farrowdale tools")

    assert response.status_code == 201, response.text
    assert (response.json()["pages"], response.json()["unit"]) == (2, "section")
    found = admin.get("/search", params={"q": "Farrowdale volunteers logged every loan", "k": 1}).json()["results"]
    citation = found[0]["citation"]
    assert citation["document_id"] == "farrowdale"
    assert (citation["unit"], citation["page"]) == ("section", 2)
    assert citation["label"] == "Farrowdale tools, section 2 (What Farrowdale counted)"
    assert "#page=" not in citation["url"]
    served = admin.get("/documents/farrowdale/file")
    assert served.content == data
    assert served.headers["content-type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert (admin_data_dir / "uploads" / "farrowdale.docx").is_file()

    replaced = upload(admin, pilot_pdf("Farrowdale"), id="farrowdale", title="Farrowdale tools")

    assert replaced.status_code == 201, replaced.text
    assert not (admin_data_dir / "uploads" / "farrowdale.docx").exists()
    assert not (admin_data_dir / "files" / "farrowdale.docx").exists()
    assert admin.get("/documents/farrowdale/file").content.startswith(b"%PDF")
    assert admin.delete("/admin/documents/farrowdale", headers=KEY).status_code == 204
    assert not (admin_data_dir / "uploads" / "farrowdale.pdf").exists()


def test_a_pdf_with_no_text_is_422_with_the_reason(admin: httpx.Client) -> None:
    response = upload(admin, blank_pdf(), id="blank-scan")
    assert response.status_code == 422
    assert response.json() == {
        "error": {"code": "unreadable_document", "message": "PDF has no text on any page", "details": []}
    }
    assert admin.get("/documents/blank-scan").status_code == 404


def test_a_corrupt_pdf_is_422(admin: httpx.Client) -> None:
    response = upload(admin, b"%PDF-1.7\n" + b"garbage " * 100, id="corrupt")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "unreadable_document"


def test_an_id_taken_by_an_ingested_document_is_a_conflict(admin: httpx.Client) -> None:
    response = upload(admin, pilot_pdf("Clash"), id="net-zero")
    assert response.status_code == 409
    assert response.json() == {
        "error": {
            "code": "conflict",
            "message": "document id 'net-zero' is already used by a document that was not uploaded here; "
            "choose another id",
            "details": [],
        }
    }
    assert admin.get("/documents/net-zero").json()["title"] == "Cooperative Approaches to Reaching Net Zero"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"id": "../etc/passwd"},
            "invalid document id '../etc/passwd': use lower-case letters, digits, '-', '.', '_'",
        ),
        ({"id": "Upper"}, "invalid document id 'Upper': use lower-case letters, digits, '-', '.', '_'"),
        ({"url": "javascript:alert(1)"}, "url: only http(s) addresses are allowed, not 'javascript:alert(1)'"),
        (
            {"source_url": '=HYPERLINK("http://evil.example","x")'},
            'source_url: not a valid web address: \'=HYPERLINK("http://evil.example","x")\'',
        ),
    ],
)
def test_bad_catalogue_fields_are_422_naming_the_problem(admin: httpx.Client, fields: dict, message: str) -> None:
    response = upload(admin, pilot_pdf("Fieldcheck"), **fields)
    assert response.status_code == 422
    assert response.json() == {"error": {"code": "invalid_query", "message": message, "details": []}}


def test_a_field_sent_twice_is_422_and_nothing_is_stored(admin: httpx.Client) -> None:
    files = {"file": ("twice.pdf", pilot_pdf("Twice"), "application/pdf")}
    data = {"title": ["First title", "Second title"], "id": "twice", "url": "https://a.example/x"}
    response = admin.post("/admin/documents", headers=KEY, files=files, data=data)
    assert response.status_code == 422
    assert response.json()["error"]["message"] == "each form field may be sent once: title came more than once"
    assert admin.get("/documents/twice").status_code == 404


def test_an_upload_without_a_title_or_file_is_422(admin: httpx.Client) -> None:
    response = admin.post("/admin/documents", headers=KEY, data={"year": "2020"})
    assert response.status_code == 422
    assert response.json()["error"]["details"] == [
        {"field": "file", "message": "Field required"},
        {"field": "title", "message": "Field required"},
    ]


def test_the_query_log_shows_recent_searches_without_personal_data(admin: httpx.Client) -> None:
    assert admin.get("/search", params={"q": "energy cooperative", "principle": 4, "k": 5}).json()["results"]
    nothing = admin.get("/search", params={"q": "tool library", "type": "case-study"}).json()
    assert nothing["results"] == []

    response = admin.get("/admin/queries", headers=KEY, params={"limit": 2})
    assert response.status_code == 200
    newest, previous = response.json()["queries"]
    for entry in (newest, previous):
        assert set(entry) == {"at", "query", "filters", "mode", "result_count", "took_ms"}
        assert isinstance(entry["took_ms"], float)
    assert (newest["query"], newest["filters"], newest["mode"], newest["result_count"]) == (
        "tool library",
        {"type": "case-study"},
        "hybrid",
        0,
    )
    assert (previous["query"], previous["filters"], previous["result_count"]) == (
        "energy cooperative",
        {"principle": 4},
        5,
    )
    assert newest["at"] >= previous["at"]
    assert "127.0.0.1" not in response.text

    zero = admin.get("/admin/queries", headers=KEY, params={"zero_results": "true"}).json()["queries"]
    assert zero and all(entry["result_count"] == 0 for entry in zero)
    assert zero[0]["query"] == "tool library"
    assert "energy cooperative" not in {entry["query"] for entry in zero}


@pytest.mark.parametrize(
    ("limit", "message"),
    [
        ("0", "limit: Input should be greater than or equal to 1"),
        ("1001", "limit: Input should be less than or equal to 1000"),
    ],
)
def test_the_query_log_limit_is_validated(admin: httpx.Client, limit: str, message: str) -> None:
    response = admin.get("/admin/queries", headers=KEY, params={"limit": limit})
    assert response.status_code == 422
    assert response.json()["error"]["message"] == message

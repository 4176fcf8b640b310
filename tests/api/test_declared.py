"""Declared and found, side by side: real network pages with the principles the network declared for them,
ingested like any corpus, then GET /documents/{id}, GET /principles/declared-vs-found and
`ccin declared-vs-found` over the real app."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from ccin.app import knowledge_base
from ccin.cli import cli
from ingest.catalogue import Catalogue
from ingest.tagger import tagger_for
from kb.knowledge_base import KnowledgeBase
from kb.navigation import is_navigation
from kb.principles import NAMES
from tests.conftest import LiveServer, ingest_into, make_settings
from tests.network_pages import PAGES, write_network_pages

# Pages with text, a mix of short and long, declaring between two and seven principles.
STEMS = [
    "case-study-advancing-a-shared-economy",
    "case-study-blooming-community-spaces-in-rochdale",
    "case-study-dirty-money-charter",
    "case-study-knowsley-better-together-covid-19",
    "project-coop-peer-review-commission",
]


@pytest.fixture(scope="module")
def pages_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("network-pages")
    catalogue = write_network_pages(folder / "pages", STEMS)
    data_dir = folder / "data"
    ingest_into(make_settings(data_dir), [folder / "pages"], Catalogue.load(catalogue))
    return data_dir


@pytest.fixture(scope="module")
def pages_http(pages_index: Path) -> httpx.Client:
    with (
        LiveServer(make_settings(pages_index, rate_limit_per_minute=0)) as server,
        httpx.Client(base_url=server.url, timeout=60) as client,
    ):
        yield client  # type: ignore[misc]


def _expected(kb: KnowledgeBase) -> dict[str, dict[str, list[int]]]:
    """Disagreements worked out from the stored passages alone, independently of kb.declared."""
    thresholds = tagger_for(kb.embedder).thresholds()
    table = kb.snapshot()
    expected = {}
    for document in kb.registry.all():
        declared = document.meta.principles_declared or []
        rows = [
            r
            for r, d in enumerate(table.document_id)
            if d == document.meta.id and not is_navigation(table.texts[r], json.loads(table.metas[r]["heading_path"]))
        ]
        tagged = {pid for r in rows for pid in table.metas[r].get("principles") or []}
        best = [max(json.loads(table.metas[r]["scores"])[j] for r in rows) for j in range(10)]
        missing = [pid for pid in declared if pid not in tagged]
        strong = [
            pid
            for pid in range(1, 11)
            if pid not in declared and pid in tagged and best[pid - 1] >= (1 + thresholds[pid - 1]) / 2
        ]
        if missing or strong:
            expected[document.meta.id] = {"declared_without_evidence": missing, "evidenced_not_declared": strong}
    return expected


def test_each_page_shows_declared_beside_met_with_evidence(pages_http: httpx.Client) -> None:
    for stem in STEMS:
        document = pages_http.get(f"/documents/{stem}").json()
        page = json.loads((PAGES / f"{stem}.json").read_text(encoding="utf-8"))
        assert [p["id"] for p in document["principles_declared"]] == sorted(page["principles_met"])
        met = document["principles_met"]
        assert met, f"{stem}: a project page meets some principle"
        for principle in met:
            assert principle["name"] == NAMES[principle["id"]]
            assert 1 <= len(principle["evidence"]) <= 3
            assert principle["evidence"][0]["citation"]["document_id"] == stem


def test_declared_versus_found_lists_exactly_the_disagreements(pages_http: httpx.Client, pages_index: Path) -> None:
    body = pages_http.get("/principles/declared-vs-found").json()
    assert body["checked"] == len(STEMS)
    expected = _expected(knowledge_base(make_settings(pages_index)))
    assert expected, "the strict passage tagger leaves some declared principle without a tagged passage"
    listed = {
        item["document_id"]: {
            key: [p["id"] for p in item[key]] for key in ("declared_without_evidence", "evidenced_not_declared")
        }
        for item in body["documents"]
    }
    assert listed == expected
    for item in body["documents"]:
        assert {p["id"] for p in item["declared_without_evidence"]} <= {p["id"] for p in item["declared"]}
        assert not {p["id"] for p in item["evidenced_not_declared"]} & {p["id"] for p in item["declared"]}


def test_the_cli_prints_the_same_list(pages_http: httpx.Client, pages_index: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["--data-dir", str(pages_index), "declared-vs-found", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == pages_http.get("/principles/declared-vs-found").json()
    text = runner.invoke(cli, ["--data-dir", str(pages_index), "declared-vs-found"])
    assert text.exit_code == 0
    assert f"of {len(STEMS)} documents with declared principles disagree" in text.output


def test_a_catalogue_with_an_unknown_principle_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# A\n\nSome text about a project.\n")
    (tmp_path / "catalogue.yaml").write_text("documents:\n  - file: a.md\n    principles_declared: [3, 11]\n")
    from kb.errors import CatalogueError

    with pytest.raises(CatalogueError, match="principles_declared"):
        Catalogue.load(tmp_path / "catalogue.yaml")

"""Passage roles beyond navigation (kb/roles.py) on passages written for these tests, in our own words."""

from __future__ import annotations

import pytest

from ingest.catalogue import Catalogue
from ingest.chunk import ChunkParams
from ingest.pipeline import Ingestor
from kb.knowledge_base import KnowledgeBase
from kb.roles import ROLE_RULE, ROLES, content_heading_role, passage_role
from tests.conftest import CORPUS

CASE_STUDY = (
    "Case study: Wexbridge Borough Council, a repair café in the old bus station\n"
    "In 2022 Wexbridge let the empty bus station kiosk to a volunteer repair group for a nominal rent. "
    "Within a year 900 items had been mended and two paid posts created."
)
PLACE_STORY = (
    "Marlow Vale: the winter warm rooms\n"
    "Marlow Vale District Council opened nine libraries as warm rooms and paid a local bakery cooperative to "
    "supply soup on weekday evenings."
)
RECOMMENDATIONS = (
    "Recommendations\n"
    "1. Publish a register of empty council buildings every year.\n"
    "2. Give community groups six months' rent relief while they raise funds."
)
SHOULD_LIST = (
    "Councils should agree a single contact for community groups. Councils should pay residents for their time. "
    "Government should let councils keep the savings they make. Commissioners should set minimum visit lengths."
)
FOREWORD = (
    "Foreword\n"
    "When we started this work we did not know how many of our neighbours already ran small cooperatives. "
    "This report is what we found."
)
OPENING = (
    "Growing Together\nPolicy lab report 2024\n"
    "This report tells how four councils helped residents start food cooperatives, and what they would do again."
)
BODY = (
    "How the panels worked\n"
    "Each panel met monthly for a year with a budget it controlled, and officers attended only when asked."
)


@pytest.mark.parametrize(
    ("label", "text", "headings", "ordinal", "role"),
    [
        (
            "case study heading",
            CASE_STUDY,
            ["A report", "Case study: Wexbridge Borough Council, a repair café"],
            5,
            "case_study",
        ),
        (
            "under a case studies section",
            "The group signed a 25-year lease in 2019.",
            ["Report", "Case studies"],
            6,
            "case_study",
        ),
        ("place and project heading", PLACE_STORY, ["Report", "Marlow Vale: the winter warm rooms"], 7, "case_study"),
        (
            "worked example",
            "Worked example: Dunmere's lotted catering contract\nDunmere split it in four.",
            [],
            3,
            "case_study",
        ),
        (
            "council heading",
            "The hub advised 40 groups.",
            ["Report", "Fenwick City Council: a housing hub"],
            4,
            "case_study",
        ),
        ("recommendations heading", RECOMMENDATIONS, ["Report", "Recommendations"], 12, "recommendation"),
        (
            "below recommendations",
            "1. Keep the peer group going.",
            ["Report", "Recommendations", "For the network"],
            13,
            "recommendation",
        ),
        (
            "lessons for",
            "Contracts of three years let small providers recruit.",
            ["Report", "Lessons for commissioners"],
            9,
            "recommendation",
        ),
        ("should, in so many words", SHOULD_LIST, ["Report", "What the lab heard"], 10, "recommendation"),
        (
            "we recommend",
            "We recommend that every council names a cooperative champion.",
            ["Report", "Next"],
            11,
            "recommendation",
        ),
        ("foreword", FOREWORD, ["Report", "Foreword"], 2, "introduction"),
        (
            "about this document",
            "This sample was written for testing.",
            ["Report", "About this document"],
            1,
            "introduction",
        ),
        ("executive summary", "The lab found three things.", ["Report", "Executive summary"], 2, "introduction"),
        (
            "the opening passage",
            OPENING,
            [],
            0,
            "introduction",
        ),
        ("plain body", BODY, ["Report", "How the lab worked", "How the panels worked"], 4, "body"),
        (
            "contents stays navigation",
            "Contents\nForeword 3\nCase studies 5\nRecommendations 9",
            ["Report"],
            1,
            "contents",
        ),
        (
            "reading list stays navigation",
            "Useful links\nwww.example.org\nwww.example.net\nwww.example.com",
            ["Report", "Resources"],
            20,
            "references",
        ),
        (
            "thanks stay navigation",
            "We would like to thank every resident who joined a panel.",
            ["Report"],
            30,
            "acknowledgements",
        ),
        (
            "cover stays navigation",
            "Growing Together\n© 2024 Wexbridge Borough Council. All rights reserved.",
            [],
            40,
            "cover",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 40 else "",
)
def test_each_role_is_recognised(label: str, text: str, headings: list[str], ordinal: int, role: str) -> None:
    assert role in ROLES
    assert passage_role(text, headings, ordinal) == role, label


@pytest.mark.parametrize(
    ("heading", "text"),
    [
        ("Step 2: Find the anchors", "Identify the organisations with a stake in the area."),
        ("Myth 4: only big charities can do it", "Several successful transfers went to small groups."),
        ("Part One: Back to Basics", "A cooperative is a business owned by its members."),
        ("Policy", "Policy barriers came up again and again in the founders' accounts of their first year."),
        ("Findings", "Councils that completed many transfers had three things in common."),
        ("Summary of findings", "Trust was the real infrastructure."),
        ("The case for cooperatives", "Councils support cooperatives because they keep money local."),
        ("Questions to ask suppliers", "What exactly does the tool do?"),
    ],
)
def test_parts_of_a_document_are_not_case_studies_or_advice(heading: str, text: str) -> None:
    """Headings shaped like "X: y" that name a part of the document, or a bare word the text repeats, are body."""
    assert content_heading_role(heading, f"{heading} {text}") is None
    assert passage_role(f"{heading}\n{text}", ["Report", heading], 5) == "body"


def test_a_bare_place_heading_needs_the_council_named_below_it() -> None:
    story = "Stevenage Borough Council agreed each improvement with residents before work began."
    assert passage_role(f"Stevenage\n{story}", ["Report", "The approaches", "Stevenage"], 8) == "case_study"
    assert passage_role("Stevenage\nThe town grew fast after 1946.", ["Report", "Stevenage"], 8) == "body"


STORY = "The council lent the group a van for a year, and the group paid it back from its first contract."
ADVICE = "1. Lend community groups equipment before they can afford their own, and say so in the asset policy."


def test_the_nearest_heading_decides() -> None:
    """A case study inside the recommendations chapter is a case study, and the reverse."""
    assert passage_role(STORY, ["Report", "Recommendations", "Case study: Kirklees"], 9) == "case_study"
    assert passage_role(ADVICE, ["Report", "Case studies", "Recommendations"], 9) == "recommendation"


def test_a_document_title_alone_does_not_make_every_passage_an_introduction() -> None:
    assert passage_role("Each panel met monthly.", ["Growing Together"], 4) == "body"
    assert passage_role("Each panel met monthly.", [], None) == "body"
    assert passage_role("", ["Report", "Foreword"], 2) == "body"


def test_the_ingest_fingerprint_names_the_role_rule(kb: KnowledgeBase) -> None:
    """The role is stored with each passage, so a change of rule must change the fingerprint (a re-ingest)."""
    ingestor = Ingestor(kb, Catalogue.load(CORPUS / "catalogue.yaml"), ChunkParams())
    assert f"|role{ROLE_RULE}" in ingestor.settings_fingerprint()

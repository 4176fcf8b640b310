"""Navigation passages (contents, reading lists, acknowledgements, covers) told apart from body text: labelled
examples of each role and of body text that looks a little like them, then the real sample index."""

from __future__ import annotations

import json

import pytest

from kb.knowledge_base import KnowledgeBase
from kb.navigation import heading_role, is_navigation, navigation_role

# (label, text, heading path, expected role); the examples are written for this test.
NAVIGATION = [
    (
        "contents with dotted leaders",
        "Summary ........ 2\nWhy tenants took the lead ........ 5\nThe three pilots ........ 9\nNext steps ........ 15",
        [],
        "contents",
    ),
    (
        "contents with page numbers after each entry",
        "Introduction 3\nThe allotment pilots 6\nWhat changed for tenants 11\nAppendix: survey questions 18",
        [],
        "contents",
    ),
    (
        "contents as a PDF extracts it, page numbers in a column of their own",
        "Foreword How the pilots ran What tenants said Costs and savings Next steps\n\n3 5 8 12 15 19",
        [],
        "contents",
    ),
    (
        "contents under its heading",
        "Summary\nWhy tenants took the lead\nThe three pilots",
        ["Food Review", "Contents"],
        "contents",
    ),
    (
        "contents heading opening the passage, with the foreword run on after it",
        "Table of Contents\n\nForeword Background Pilots\n\nForeword\n\nWhen the pantry opened in 2021 nobody expected "
        "the queue to reach the car park by the second week.",
        [],
        "contents",
    ),
    (
        "Harvard-style reference list without a heading",
        "Allen, R. (2019) Community energy and local councils. Bristol: Policy Press.\n"
        "Baker, S. and Cole, T. (2021) Sharing the gains: co-operative housing in practice. Leeds: Northern Books.\n"
        "Davies, M. et al. (2022) 'Procurement for the common good', Local Economy, vol. 37, pp. 101-118.",
        [],
        "references",
    ),
    (
        "run-on list of links, as a PDF joins a bulleted resource list",
        "Our energy handbook: bit.ly/energy-handbook Model roof lease: www.example.org/lease "
        "Share offer guide: https://example.coop/shares Contact the lab team: example.gov.uk/energy-lab",
        [],
        "references",
    ),
    (
        "further reading under its heading, items with no links",
        "• Locality, advice on running a community hub.\n• Power to Change, research on community pubs.",
        ["Village Halls", "7. Further reading"],
        "references",
    ),
    (
        "subsection of a resources section",
        "Financial Conduct Authority register; Companies House; Charity Commission.",
        ["Toolkit", "Resources", "Registers"],
        "references",
    ),
    ("references heading opening the passage", "References\n\nA list follows on the next page.", [], "references"),
    (
        "acknowledgements under their heading",
        "Many people gave their time to this project, in meetings and in the field.",
        ["Acknowledgements"],
        "acknowledgements",
    ),
    (
        "acknowledgements without a heading",
        "With thanks to the residents of Eastfield, the officers of Tenby Borough Council and the volunteers at the "
        "Green Lane hub.",
        [],
        "acknowledgements",
    ),
    (
        "thanks to everyone who took part",
        "Thanks to everyone who filled in the survey, and to Ana, Joe and Priya for the photographs.",
        [],
        "acknowledgements",
    ),
    ("bare cover", "Growing Together\nA Report on Community Gardens\n2024", [], "cover"),
    ("cover in capitals", "NEIGHBOURHOOD ENERGY\nPOLICY LAB\nMarch 2023", [], "cover"),
    (
        "colophon",
        "Published by the Network, March 2024.\nISBN 978-1-2345-6789-0\n© 2024 Tenby Borough Council. All rights "
        "reserved.\nDesigned by Studio North.",
        [],
        "cover",
    ),
    ("design credit alone", "Designed by Studio North\nPrinted on recycled paper", [], "cover"),
    (
        "blank-page notice",
        "This page has been intentionally left blank. Printed on 100% recycled paper, 2023. Ref. HB/7.",
        [],
        "cover",
    ),
]

BODY = [
    (
        "case study that sends the reader to another page",
        "Case study: Tenby Borough. The repair café described on page 4 now opens twice a week, and the costs on "
        "page 9 show it pays for itself. See page 4 for how volunteers were recruited.",
        ["Report", "Case studies"],
    ),
    (
        "short body passage",
        "The scheme is open to any member council that runs a tenants' forum.",
        ["Report", "Who can join"],
    ),
    ("short list of aims", "Aims\nCheaper heating bills\nLocal jobs in retrofit\nWarmer homes for tenants", []),
    (
        "paragraph ending with one link",
        "The tenants' panel met monthly and agreed the repair priorities with the council; the minutes are published "
        "at bit.ly/tenant-panel.",
        [],
    ),
    (
        "projects described at length, each with its link",
        "Repair Cafés (2021) – led by Tenby Borough with three partner councils. Volunteers fixed more than 2,000 "
        "household items in the first year, and the cafés became a place where neighbours who had never met started "
        "to organise together, from a tool library to a winter coat swap for families.\nbit.ly/repair-cafes\n"
        "Food Hubs (2022) – led by Eastfield Council. Five community pantries shared one van, one buying account and "
        "one rota, which cut their food costs by a third and let two of them open on Saturdays when the need was "
        "greatest, according to the volunteers who ran them.\nbit.ly/food-hubs",
        [],
    ),
    (
        "table of figures",
        "Phase | Year | Homes\nPilot | 2024 | 12\nRoll-out | 2025 | 40\nFull scheme | 2026 | 95",
        ["Report", "Costs"],
    ),
    ("figures with labels", "Homes retrofitted: 120\nJobs created: 45\nVolunteers trained: 300", []),
    (
        "thanks to a lease, not thanks to people",
        "Thanks to the new lease, the group could open the café six days a week and take on two apprentices.",
        [],
    ),
    (
        "a foreword that opens with gratitude and goes on",
        "We are grateful to the residents who gave up their evenings for this work. " + "They met every week. " * 40,
        ["Report", "Foreword"],
    ),
    (
        "body text mentioning copyright and a designer",
        "The council kept the copyright in the photographs so residents could reuse them, and the new signs were "
        "designed by young people from the estate.",
        [],
    ),
    (
        "a section about the toolkit itself",
        "The toolkit is for officers and councillors who want to grow the cooperative economy.",
        ["Toolkit", "About this toolkit", "Who it is for"],
    ),
    ("headings that only start like navigation ones", "Funding came from three sources.", ["Sources of funding"]),
    ("notes on a method", "Each type is described in turn below.", ["Toolkit", "Notes on each type"]),
    ("resources for a group", "Groups need a bank account and a constitution.", ["Resources for tenants' groups"]),
    (
        "a web page's opening",
        "Safer Streets\n\n2025 · Lead council: Tenby Borough Council · Status: active policy lab\n\nSafer Streets is "
        "a policy lab on how women and girls can shape the design of parks and stations.",
        ["Safer Streets"],
    ),
]


@pytest.mark.parametrize(("label", "text", "headings", "role"), NAVIGATION, ids=[n[0] for n in NAVIGATION])
def test_navigation_passages_are_recognised(label: str, text: str, headings: list[str], role: str) -> None:
    assert navigation_role(text, headings) == role, label
    assert is_navigation(text, headings)


@pytest.mark.parametrize(("label", "text", "headings"), BODY, ids=[b[0] for b in BODY])
def test_body_passages_are_not_navigation(label: str, text: str, headings: list[str]) -> None:
    assert navigation_role(text, headings) is None, label
    assert not is_navigation(text, headings)


@pytest.mark.parametrize(
    ("heading", "role"),
    [
        ("Contents", "contents"),
        ("TABLE OF CONTENTS", "contents"),
        ("Resources and further reading", "references"),
        ("7. Further reading:", "references"),
        ("Appendix B: References", "references"),
        ("Sources & further reading", "references"),
        ("Useful links", "references"),
        ("Acknowledgments", "acknowledgements"),
        ("Credits", "cover"),
        ("About this toolkit", None),
        ("Contents of a good lease", None),
        ("Referral routes", None),
        ("What we learned from the references", None),
        ("", None),
    ],
)
def test_headings_are_matched_whole(heading: str, role: str | None) -> None:
    assert heading_role(heading) == role


def test_empty_text_is_not_navigation() -> None:
    assert navigation_role("", []) is None
    assert navigation_role(" \n\n ", ["Report"]) is None


def test_the_sample_index_navigation_is_its_contents_pages_and_reading_lists(kb: KnowledgeBase) -> None:
    """On the real sample index: every contents page and every "Resources and further reading" section is caught,
    and nothing else is (covers carry a disclaimer paragraph, web pages open with their summary, the members'
    packs list projects with a link after each description: all body text)."""
    table = kb.snapshot()
    flagged: dict[str, str | None] = {}
    expected: dict[str, str | None] = {}
    for pid, text, meta in zip(table.ids, table.texts, table.metas, strict=True):
        headings = json.loads(meta["heading_path"])
        flagged[pid] = navigation_role(text, headings)
        if "Contents" in headings:
            expected[pid] = "contents"
        elif "Resources and further reading" in headings:
            expected[pid] = "references"
        else:
            expected[pid] = None
    assert flagged == expected
    assert sum(role == "contents" for role in flagged.values()) >= 6
    assert sum(role == "references" for role in flagged.values()) >= 6

"""Reading years, a council and a document type out of a query (kb/query_reading.py)."""

from __future__ import annotations

import datetime

import pytest

from kb.filters import Filters
from kb.query_reading import read_query

COUNCILS = ["Kirklees Council", "Oldham Council", "Reading Borough Council", "London Borough of Lambeth"]
TYPES = ["case-study", "report", "toolkit"]


@pytest.mark.parametrize(
    ("query", "ranked", "found"),
    [
        ("2023 reports on housing", "on housing", {"year_from": 2023, "year_to": 2023, "type": "report"}),
        ("community energy since 2020", "community energy", {"year_from": 2020}),
        ("housing after 2019", "housing", {"year_from": 2020}),
        ("housing before 2019", "housing", {"year_to": 2018}),
        ("covid 2020-2021 response", "covid response", {"year_from": 2020, "year_to": 2021}),
        ("food between 2021 and 2019", "food", {"year_from": 2019, "year_to": 2021}),
        ("what has Kirklees done on solar", "what has done on solar", {"council": "Kirklees"}),
        ("oldham council food pantry", "food pantry", {"council": "Oldham"}),
        ("lambeth's community plan", "community plan", {"council": "Lambeth"}),
        ("Reading Borough Council housing", "housing", {"council": "Reading"}),
        ("toolkits for co-production", "for co-production", {"type": "toolkit"}),
    ],
)
def test_what_is_read_becomes_a_filter_and_leaves_the_ranked_text(query: str, ranked: str, found: dict) -> None:
    reading = read_query(query, Filters(), COUNCILS, TYPES)
    assert (reading.text, reading.found) == (ranked, found)
    for key, value in found.items():
        assert getattr(reading.filters, key) == value


@pytest.mark.parametrize(
    "query",
    [
        "reading lists about housing",  # an everyday word is a council only when written as a name
        "has any council set up a community energy co-op",
        "a report on community wealth building",  # a type is read only in the plural
        "web pages about policy labs",  # types the index does not hold
        "2019 and 2021 compared",  # two separate years: no single reading
    ],
)
def test_nothing_is_read_where_nothing_is_meant(query: str) -> None:
    reading = read_query(query, Filters(), COUNCILS, TYPES)
    assert (reading.text, reading.found, reading.filters) == (query, {}, Filters())


def test_a_future_year_is_a_target_not_a_publication_date() -> None:
    later = datetime.date.today().year + 5
    assert read_query(f"net zero by {later}", Filters(), COUNCILS, TYPES).found == {}


def test_a_filter_the_caller_set_wins_over_the_query() -> None:
    given = Filters(council="Oldham", year_to=2024, type="report")
    reading = read_query("Kirklees 2021 toolkits", given, COUNCILS, TYPES)
    assert reading.found == {}
    assert reading.filters == given


def test_a_query_that_is_only_a_filter_still_has_text_to_rank() -> None:
    reading = read_query("Kirklees", Filters(), COUNCILS, TYPES)
    assert reading.text == "Kirklees" and reading.found == {"council": "Kirklees"}

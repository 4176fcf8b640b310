"""GET /search: cited passages for a query, with filters and a retrieval mode."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import KB, BaseURL, RateLimited
from api.schemas import ErrorOut, SearchQuery, SearchResponse

router = APIRouter(tags=["search"])
ERRORS = {422: {"model": ErrorOut}, 429: {"model": ErrorOut}}


@router.get("/search", response_model=SearchResponse, responses=ERRORS, dependencies=[RateLimited])
def search(params: Annotated[SearchQuery, Query()], kb: KB, base: BaseURL) -> SearchResponse:
    """Hybrid (default), BM25 or dense search; filters apply before ranking, so k results come back when k match."""
    return kb.search(params.q, params.filters(), params.k, params.mode, base_url=base)

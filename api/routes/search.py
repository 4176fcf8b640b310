"""GET /search: cited passages for a query, with filters and a retrieval mode."""

from __future__ import annotations

from collections.abc import Callable
from threading import Lock
from typing import Annotated, ParamSpec, TypeVar

from fastapi import APIRouter, Query, Response
from starlette.concurrency import run_in_threadpool

from api.deps import KB, BaseURL, RateLimited, SearchTurn
from api.schemas import FILTER_422, SearchQuery, SearchResponse, error_responses
from api.views import answer_search
from kb.knowledge_base import KnowledgeBase

router = APIRouter(tags=["search"])
P = ParamSpec("P")
T = TypeVar("T")


@router.get(
    "/search",
    response_model=SearchResponse,
    responses=error_responses(404, 422, 429, descriptions={422: FILTER_422}),
    dependencies=[RateLimited],
)
async def search(params: Annotated[SearchQuery, Query()], kb: KB, base: BaseURL, turn: SearchTurn) -> Response:
    """Hybrid (default), BM25 or dense search. Filters apply before ranking, so k results come back when k
    passages match; navigation passages are left out unless `role` asks for them. `offset` pages through the
    `total` results, `group=document` gives one result per document, and `facets` count the `total` results."""
    # The query's vector is made first, by the embedder's encoding thread in a batch with other requests'
    # queries, while this request waits without a thread; the search then finds it in the query cache.
    if params.mode != "bm25":
        ranked = await run_in_threadpool(_in_turn, turn, kb.ranked_text, params.q, params.filters(), params.interpret)
        await kb.embedder.embed_query_async(ranked)
    return Response(await run_in_threadpool(_in_turn, turn, _body, kb, params, base), media_type="application/json")


def _body(kb: KnowledgeBase, params: SearchQuery, base: str) -> str:
    # Serialised here, once: the body is already a SearchResponse, and FastAPI's own path (dump, validate
    # against response_model, serialise) cost 0.8 ms a request, a third of the search's own work.
    return answer_search(kb, params, base).model_dump_json()


def _in_turn(turn: Lock, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """One search's Python at a time: it holds the GIL throughout, so searches side by side only take turns at
    it, and each switch between them costs CPU."""
    with turn:
        return work(*args, **kwargs)

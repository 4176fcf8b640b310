"""GET /health (the process is up) and GET /ready (the index is loaded, with counts)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import KB
from api.schemas import HealthOut, ReadyOut, UnavailableOut

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthOut)
def health() -> HealthOut:
    return HealthOut(status="ok")


@router.get(
    "/ready",
    response_model=ReadyOut,
    responses={503: {"model": UnavailableOut, "description": "The index cannot be read."}},
)
def ready(kb: KB) -> ReadyOut | JSONResponse:
    try:
        table = kb.snapshot()
        documents = kb.document_count()
    except Exception as exc:  # the store is unreachable: say so instead of failing
        body = UnavailableOut(status="unavailable", reason=str(exc)[:200])
        return JSONResponse(body.model_dump(), status_code=503)
    # An empty index still serves (uploads can fill it); the status says so.
    return ReadyOut(
        status="ready" if documents else "empty", documents=documents, passages=len(table), generation=table.generation
    )

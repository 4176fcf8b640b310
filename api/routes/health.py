"""GET /health (the process is up) and GET /ready (the index is loaded, with counts)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import KB

router = APIRouter(tags=["health"])


@router.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/ready", responses={503: {"description": "The index cannot be read."}})
def ready(kb: KB) -> Any:
    try:
        table = kb.table()
        documents = len(kb.registry.versions())
    except Exception as exc:  # the store is unreachable: say so instead of failing
        return JSONResponse({"status": "unavailable", "reason": str(exc)[:200]}, status_code=503)
    return {"status": "ready", "documents": documents, "passages": len(table), "generation": table.generation}

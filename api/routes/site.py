"""The embeddable widget (GET /widget.js, long-cached, versioned) and the search page (GET /)."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

router = APIRouter(tags=["site"])
STATIC = Path(__file__).resolve().parent.parent / "static"
WIDGET_VERSION = "1.0.0"


@lru_cache(maxsize=1)
def _widget() -> tuple[bytes, str]:
    body = (STATIC / "widget.js").read_bytes()
    return body, hashlib.sha256(body).hexdigest()[:16]


def widget_src() -> str:
    return f"/widget.js?v={WIDGET_VERSION}-{_widget()[1][:8]}"


@router.get(
    "/widget.js",
    response_class=Response,
    responses={
        200: {"content": {"text/javascript": {}}},
        304: {"description": "Not modified (the ETag matched)."},
    },
)
def widget(request: Request) -> Response:
    body, digest = _widget()
    etag = f'"{digest}"'
    versioned = request.query_params.get("v", "").startswith(WIDGET_VERSION)
    headers = {
        "ETag": etag,
        "Cache-Control": "public, max-age=31536000, immutable" if versioned else "public, max-age=3600",
        "X-Widget-Version": WIDGET_VERSION,
    }
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="text/javascript; charset=utf-8", headers=headers)


@router.get("/", response_class=HTMLResponse)
def search_page() -> HTMLResponse:
    page = (STATIC / "search.html").read_text(encoding="utf-8").replace("{{WIDGET_SRC}}", widget_src())
    return HTMLResponse(page, headers={"Cache-Control": "no-cache"})

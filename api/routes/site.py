"""The embeddable widget (GET /widget.js, long-cached, versioned) and the search page (GET /)."""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.staticfiles import NotModifiedResponse, StaticFiles

from api.schemas import error_responses

router = APIRouter(tags=["site"])
STATIC = Path(__file__).resolve().parent.parent / "static"
WIDGET_VERSION = "1.0.0"
# Starlette's static-file rules (ETag and Last-Modified from the file's stat; If-None-Match and
# If-Modified-Since answered with a 304), applied in a route so that the Cache-Control can follow `?v=`.
_STATIC_FILES = StaticFiles(directory=STATIC)


@lru_cache(maxsize=1)
def _widget_digest() -> str:
    return hashlib.sha256((STATIC / "widget.js").read_bytes()).hexdigest()


def widget_src() -> str:
    """The widget's URL with a cache-busting `?v=`, which changes whenever the file's content does."""
    return f"/widget.js?v={WIDGET_VERSION}-{_widget_digest()[:8]}"


@router.get(
    "/widget.js",
    response_class=Response,
    responses={
        200: {"content": {"text/javascript": {}}},
        304: {"description": "Not modified (the ETag or Last-Modified matched)."},
        **error_responses(422),
    },
)
def widget(
    request: Request,
    v: Annotated[
        str | None,
        Query(
            max_length=100,
            description="The widget version (as `widget_src()` writes it): a URL naming this version is cached "
            "for a year, immutable; without it, for an hour.",
        ),
    ] = None,
) -> Response:
    path = STATIC / "widget.js"
    response: Response = FileResponse(path, media_type="text/javascript", stat_result=os.stat(path))
    if _STATIC_FILES.is_not_modified(response.headers, request.headers):
        response = NotModifiedResponse(response.headers)
    versioned = (v or "").startswith(WIDGET_VERSION)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable" if versioned else "public, max-age=3600"
    response.headers["X-Widget-Version"] = WIDGET_VERSION
    return response


@router.get("/", response_class=HTMLResponse)
def search_page() -> HTMLResponse:
    # Relative, like every address in the page, so it works under a proxy's sub-path.
    page = (STATIC / "search.html").read_text(encoding="utf-8").replace("{{WIDGET_SRC}}", widget_src().lstrip("/"))
    return HTMLResponse(page, headers={"Cache-Control": "no-cache"})

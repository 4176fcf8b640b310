"""Dependencies shared by the routes, as Annotated aliases."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request
from fastapi import Path as PathParam

from api.options import ServiceOptions
from api.ratelimit import RateLimiter, client_key
from kb.knowledge_base import KnowledgeBase


def get_kb(request: Request) -> KnowledgeBase:
    return request.app.state.kb


def get_options(request: Request) -> ServiceOptions:
    return request.app.state.options


def rate_limited(request: Request) -> None:
    limiter: RateLimiter = request.app.state.rate_limiter
    limiter.check(client_key(request))


def require_admin(
    request: Request,
    authorization: Annotated[str | None, Header()] = None,
    x_api_key: Annotated[str | None, Header()] = None,
) -> None:
    expected = request.app.state.options.api_key
    given = x_api_key or _bearer_token(authorization)
    if not given:
        raise HTTPException(
            401,
            "admin routes need an API key (X-API-Key header or Authorization: Bearer)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(403, "the API key is not valid for admin routes")


def _bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer …` header; the scheme name is case-insensitive (RFC 9110)."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    if not token.strip():
        return None
    return token.strip() if scheme.lower() == "bearer" else authorization


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


KB = Annotated[KnowledgeBase, Depends(get_kb)]
Options = Annotated[ServiceOptions, Depends(get_options)]
BaseURL = Annotated[str, Depends(base_url)]
DocumentId = Annotated[str, PathParam(max_length=200, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
RateLimited = Depends(rate_limited)
Admin = Depends(require_admin)

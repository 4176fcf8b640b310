"""Dependencies shared by the routes, as Annotated aliases."""

from __future__ import annotations

import hmac
from threading import Lock
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security
from fastapi import Path as PathParam
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from fastapi.security.utils import get_authorization_scheme_param

from api.options import ServiceOptions
from api.ratelimit import RateLimiter, client_key
from kb.knowledge_base import KnowledgeBase

# The dependencies that only read the app's state are `async def`: FastAPI runs a plain `def` dependency in its
# thread pool, a hand-off to another thread (and back) per dependency per request, for an attribute read.


async def get_kb(request: Request) -> KnowledgeBase:
    return request.app.state.kb


async def get_options(request: Request) -> ServiceOptions:
    return request.app.state.options


async def get_search_turn(request: Request) -> Lock:
    return request.app.state.search_turn


def rate_limited(request: Request) -> None:
    limiter: RateLimiter = request.app.state.rate_limiter
    limiter.check(client_key(request))


_API_KEY = APIKeyHeader(name="X-API-Key", auto_error=False, description="The admin key (CCIN_API_KEY).")
_BEARER = HTTPBearer(auto_error=False, description="The admin key as a bearer token.")


def require_admin(
    request: Request,
    api_key: Annotated[str | None, Security(_API_KEY)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_BEARER)],
) -> None:
    expected = request.app.state.options.api_key
    given = api_key or (bearer.credentials if bearer else None)
    if not given and not _credentials_under_another_scheme(request):
        raise HTTPException(
            401,
            "admin routes need an API key (X-API-Key header or Authorization: Bearer)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not given or not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(403, "the API key is not valid for admin routes")


def _credentials_under_another_scheme(request: Request) -> bool:
    """`Authorization: Basic …` and the like: a key was sent, so it is a wrong key (403), not a missing one."""
    _, credentials = get_authorization_scheme_param(request.headers.get("Authorization"))
    return bool(credentials)


async def base_url(request: Request) -> str:
    """Where absolute links start: the configured public address, else the request's own (its root path
    included)."""
    public: str | None = request.app.state.options.public_url
    return public or str(request.base_url).rstrip("/")


KB = Annotated[KnowledgeBase, Depends(get_kb)]
Options = Annotated[ServiceOptions, Depends(get_options)]
BaseURL = Annotated[str, Depends(base_url)]
DocumentId = Annotated[str, PathParam(max_length=200, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
SearchTurn = Annotated[Lock, Depends(get_search_turn)]  # held while a search runs its Python (api/routes/search.py)
RateLimited = Depends(rate_limited)
Admin = Depends(require_admin)

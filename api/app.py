"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from threading import Lock

import anyio
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api.errors import install_error_handlers
from api.head import HeadAsGet
from api.options import ServiceOptions
from api.ratelimit import RateLimiter
from api.routes import admin, documents, evidence, health, principles, search, site
from kb.knowledge_base import KnowledgeBase


def create_app(kb: KnowledgeBase, options: ServiceOptions | None = None) -> FastAPI:
    options = options or ServiceOptions()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Load the model and the index before the first request, off the event loop.
        await anyio.to_thread.run_sync(lambda: (app.state.kb.embedder, app.state.kb.snapshot()))
        yield

    app = FastAPI(
        title="CCIN Knowledge Base",
        version="0.1.0",
        description=("Cited passages from the policy outputs of the Co-operative Councils' Innovation Network."),
        lifespan=lifespan,
        # With a public address, the OpenAPI document names it as the one server (a proxy's address, not ours).
        servers=[{"url": options.public_url}] if options.public_url else None,
        root_path_in_servers=not options.public_url,
    )
    app.state.options = options
    app.state.kb = kb
    app.state.search_turn = Lock()
    app.state.rate_limiter = RateLimiter(options.rate_limit_per_minute, options.rate_limit_storage)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(options.cors_origins),
        allow_methods=["GET"],
        allow_headers=["Accept", "Content-Type"],
        expose_headers=["Retry-After"],
        max_age=600,
    )
    app.add_middleware(HeadAsGet)  # outermost, so CORS and the routes see the GET that HEAD stands for
    install_error_handlers(app)
    for module in (search, evidence, documents, principles, health, admin, site):
        app.include_router(module.router)
    return app

"""HEAD wherever GET is: a HEAD request is answered as the GET would be, status and headers alike, without the
body (RFC 9110 §9.3.2).

FastAPI's routes, unlike Starlette's, do not add HEAD to a GET route, and adding it route by route would
list a second operation for each GET in the OpenAPI document. So the request runs as a GET and only the body
is dropped: Content-Length stays the GET body's, and ETag, Cache-Control and a 304 come out as the GET's do.
A path with no GET route answers HEAD as it answers GET: 405 with its Allow header, or 404."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGet:
    """Pure ASGI middleware (it never buffers a body, so it suits streamed and file responses alike)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_without_body(message: Message) -> None:
            if message["type"] in ("http.response.body", "http.response.pathsend"):
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_without_body)

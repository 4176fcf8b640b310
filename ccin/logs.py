"""Logging for `ccin serve`: one configuration for the app's and uvicorn's loggers (level, text or JSON lines),
and the access log, which by default says what was asked for without saying who asked or what they searched.

Uvicorn's own access log is turned off: its record carries the client address and the full path with the query
string (a search's words) and no duration. `AccessLog` below writes one line per request instead, after the
response, with the method, the path, the status and the time taken; `full` adds the client and the query string
for an operator who needs them.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import UTC, datetime
from typing import Any, Literal

LogFormat = Literal["text", "json"]
AccessMode = Literal["off", "anonymous", "full"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

ACCESS_LOGGER = "ccin.access"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Attributes every LogRecord has; anything else on a record was passed as `extra=` and is a field.
_RECORD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}
_NOT_FIELDS = {"color_message"}  # uvicorn's coloured copy of the message


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, then the record's extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES and key not in _NOT_FIELDS and key not in line:
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def logging_config(level: str = "info", log_format: LogFormat = "text") -> dict[str, Any]:
    """A `logging.config.dictConfig` for the whole process, given to uvicorn as its `log_config` (so each worker
    applies it too): every logger, uvicorn's included, writes through one stderr handler at `level`."""
    formatter: dict[str, Any] = {"()": f"{__name__}.JsonFormatter"} if log_format == "json" else {"format": TEXT_FORMAT}
    quiet = {"handlers": [], "propagate": True}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "default", "stream": "ext://sys.stderr"}
        },
        "root": {"handlers": ["stderr"], "level": level.upper()},
        "loggers": {
            "uvicorn": {**quiet, "level": level.upper()},
            "uvicorn.error": {**quiet, "level": level.upper()},
            # Off: AccessLog writes the access lines (uvicorn.run(access_log=False) is passed as well).
            "uvicorn.access": {"handlers": [], "propagate": False},
        },
    }


class AccessLog:
    """ASGI middleware: one info line on `ccin.access` per HTTP request, once the response is sent.

    anonymous: method, path (no query string), status, duration in ms. full: also the client address and the
    query string."""

    def __init__(self, app: ASGIApp, mode: AccessMode = "anonymous") -> None:
        self.app = app
        self.full = mode == "full"
        self.log = logging.getLogger(ACCESS_LOGGER)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client gets if the app fails before it starts a response

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            self._write(scope, status, round((time.perf_counter() - started) * 1000, 1))

    def _write(self, scope: Scope, status: int, duration_ms: float) -> None:
        fields: dict[str, Any] = {
            "method": scope.get("method", ""),
            "path": scope.get("path", ""),
            "status": status,
            "duration_ms": duration_ms,
        }
        target = fields["path"]
        who = ""
        if self.full:
            query = scope.get("query_string", b"").decode("latin-1")
            client = scope.get("client")
            fields["query"] = query
            fields["client"] = f"{client[0]}:{client[1]}" if client else ""
            target += f"?{query}" if query else ""
            who = f"{fields['client']} "
        self.log.info("%s%s %s %d %.1f ms", who, fields["method"], target, status, duration_ms, extra=fields)

"""The API's error bodies as tests expect them (api/errors.py gives every error this one shape)."""

from __future__ import annotations


def error_body(code: str, message: str, details: list[dict] | None = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or []}}


def field_error(field: str, message: str) -> dict:
    """A 422 naming one bad parameter."""
    return error_body("invalid_request", f"{field}: {message}", [{"field": field, "message": message}])

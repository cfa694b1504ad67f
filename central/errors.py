"""API errors: each is one plain sentence with the right HTTP status, as ErrorResponse JSON.

Every answer that is not a success has the shape {"error": {"code", "message", "fields"}}:
our own refusals, FastAPI's validation errors, unknown routes, and (never expected) crashes.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from central import storage_faults
from client.models import ErrorBody, ErrorResponse

log = logging.getLogger("central")


class ApiError(Exception):
    """A refusal: `message` is the English sentence for API users; `reason` names it and
    `params` fill it, so a terminal can say it in its user's language (its catalogs)."""

    status = 400
    code = "error"

    def __init__(
        self,
        message: str,
        *,
        reason: str,
        params: Mapping[str, object] | None = None,
        fields: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason
        self.params = {k: str(v) for k, v in (params or {}).items()}
        self.fields = fields or {}


class Unauthorized(ApiError):
    status, code = 401, "unauthorized"


class Forbidden(ApiError):
    status, code = 403, "forbidden"


class NotFound(ApiError):
    status, code = 404, "not_found"


class Conflict(ApiError):
    status, code = 409, "conflict"


class Invalid(ApiError):
    status, code = 422, "invalid"


class RateLimited(ApiError):
    """429; `retry_after` seconds go out as the Retry-After header."""

    status, code = 429, "rate_limited"

    def __init__(self, message: str, *, retry_after: int, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


def error_response(
    status: int,
    code: str,
    message: str,
    fields: dict[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    *,
    reason: str | None = None,
    params: dict[str, str] | None = None,
) -> JSONResponse:
    error = ErrorBody(
        code=code, message=message, fields=fields or {}, reason=reason, params=params or {}
    )
    body = ErrorResponse(error=error)
    if status == 401:
        headers = {**(headers or {}), "WWW-Authenticate": "Bearer"}
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)


def _err(*statuses: int) -> dict[int | str, dict[str, Any]]:
    descriptions = {
        401: "missing, unknown or expired token",
        403: "this role may not do that, or it belongs to someone else",
        404: "no such record",
        409: "illegal state change; the message says why",
        422: "invalid input; fields maps each field to its message",
        429: "too many attempts",
    }
    return {s: {"model": ErrorResponse, "description": descriptions[s]} for s in statuses}


# Declared on routes so the OpenAPI document (and a contract fuzzer) knows every error shape.
AUTHED = _err(401, 403, 422)
AUTHED_404 = _err(401, 403, 404, 422)
ACTION = _err(401, 403, 404, 409, 422)
LOGIN = _err(401, 422, 429)


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        retry = getattr(exc, "retry_after", None)
        return error_response(
            exc.status, exc.code, exc.message, exc.fields,
            headers={"Retry-After": str(retry)} if retry is not None else None,
            reason=exc.reason, params=exc.params,
        )  # fmt: skip

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        fields: dict[str, str] = {}
        for err in exc.errors():
            fields.setdefault(_field_name(err.get("loc", ())), str(err.get("msg", "invalid")))
        names = ", ".join(fields)
        message = f"Check these fields: {names}."
        return error_response(
            422, "invalid", message, fields, reason="check_these_fields", params={"names": names}
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:
            # FastAPI's "error parsing the body" (not JSON, not UTF-8): invalid input.
            message = "The request body is not valid JSON."
            return error_response(422, "invalid", message, {"body": "not valid JSON"})
        messages = {
            404: "There is no such address on the central API.",
            405: "That method is not allowed on this address.",
        }
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "error")
        message = messages.get(exc.status_code, str(exc.detail))
        # Keep the exception's headers: a 405 must say which methods are allowed (Allow),
        # and all of them: Starlette names only the first route that has this path.
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request))
        return error_response(exc.status_code, code, message, headers=headers or None)

    @app.exception_handler(DBAPIError)
    async def _storage(_request: Request, exc: DBAPIError) -> JSONResponse:
        # Answered here rather than as a crash: a crash's answer is followed by the
        # connection being closed, which reset the terminal's next request too.
        found = storage_faults.cause(exc)
        if found is None:
            log.error("database error", exc_info=exc)
            return error_response(
                500, "server_error", "The central API failed; the error has been logged."
            )
        log.error("storage fault (%s): %s", found, str(exc.orig).splitlines()[0])
        return error_response(
            503,
            "storage",
            storage_faults.SENTENCES[found],
            headers={"Retry-After": "30"},
            reason=f"storage_{found}",
        )

    @app.exception_handler(Exception)
    async def _crash(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return error_response(
            500, "server_error", "The central API failed; the error has been logged."
        )


def allowed_methods(request: Request) -> list[str]:
    """Every method some route answers at this request's path (for a 405's Allow)."""
    # Asked method by method: routers may nest (FastAPI's included routers), and each answers
    # a full match only for a method one of its routes has.
    return [
        method
        for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL
            for route in request.app.router.routes
        )
    ]


def require_text(field: str, value: str) -> str:
    """Refuse text the database cannot store (lone surrogates from a JSON escape, NUL)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise Invalid(
            f"The {field} holds characters that are not valid text.",
            fields={field: "not valid UTF-8 text"},
            reason="holds_characters_not_valid_text",
            params={"field": field},
        ) from None
    if "\x00" in value:
        raise Invalid(
            f"The {field} holds a NUL character.",
            fields={field: "NUL is not allowed"},
            reason="holds_nul_character",
            params={"field": field},
        )
    return value

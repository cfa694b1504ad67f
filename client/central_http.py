"""The plumbing every call on the central shares: one httpx client, the bearer token, retries
that are safe (an Idempotency-Key on every POST, GETs by their nature), one exception class per
kind of failure (client.errors), and parsing answers into the wire models.

The wire models (pydantic) are not imported here: each area's calls (client/*_api.py) name
their models through `wire_module`, which imports a model module when a call first parses an
answer. The terminal's start thus loads pydantic only for the first answer it reads, and only
the models of the areas it uses.

httpx itself (with httpcore, h11, and the standard library's HTTP and mail modules it pulls
in: a tenth of the terminal's start) is imported when the first request is made, not when
the client is built: the kept counter (counter.kept_counter) paints before that.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import importlib
import ssl
import uuid
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar

from client import errors

if TYPE_CHECKING:
    import httpx
    from pydantic import BaseModel, TypeAdapter

M = TypeVar("M", bound="BaseModel")

# Retries only where an idempotency key (POST) or the method (GET) makes them safe.
RETRIES = 2
RETRY_DELAY_S = 0.3

_STATUS_ERRORS: dict[int, type[errors.CentralError]] = {
    401: errors.AuthExpired,
    403: errors.Forbidden,
    404: errors.NotFound,
    409: errors.Conflict,
    422: errors.Invalid,
    429: errors.RateLimited,
}


class _WireModule:
    """Stands for a wire-model module until an attribute is read; then imports it (Python's
    import lock makes a first read from two threads safe)."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        return getattr(importlib.import_module(self._name), attr)


def wire_module(name: str) -> ModuleType:
    """The module `name`, imported when first used (typed as the module for mypy by the
    callers' TYPE_CHECKING import)."""
    return _WireModule(name)  # type: ignore[return-value]


def tls_verify(
    base_url: str, verify: bool | str, transport: httpx.AsyncBaseTransport | None
) -> bool | str | ssl.SSLContext:
    """What httpx verifies TLS with. A central reached over plain HTTP (a classroom, a hall's
    own network) never opens TLS: redirects are not followed and every call goes to base_url.
    Loading the CA bundle for it cost a tenth of the terminal's start, so it gets a context
    that requires a verified certificate and trusts none: were TLS ever reached, it fails
    closed. An https central (or a given transport) verifies as configured."""
    if transport is None and base_url.lower().startswith("http://"):
        return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    return verify


class CentralHttp:
    """Talks to one central API; `transport` lets the demo and tests run it in-process."""

    def __init__(
        self,
        base_url: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 10.0,
        verify: bool | str = True,
        token: str | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.is_in_process = transport is not None
        # Idempotency-Keys of forms sent but not answered, by content (see _post's `kept`).
        self._kept_keys: dict[str, str] = {}
        self._transport = transport
        self._timeout = timeout
        self._verify = verify
        self._http: httpx.AsyncClient | None = None

    @property
    def http(self) -> httpx.AsyncClient:
        """The underlying httpx client (the live-event stream shares its transport), built
        on first use."""
        if self._http is None:
            import httpx

            timeout = self._timeout
            self._http = httpx.AsyncClient(
                base_url=self.base_url,
                transport=self._transport,
                timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
                verify=tls_verify(self.base_url, self._verify, self._transport),
                headers={"Accept": "application/json"},
            )
        return self._http

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    async def aclose(self) -> None:
        await self.http.aclose()

    # --- plumbing ---------------------------------------------------------------------------

    async def _request(
        self,
        method: str,
        path: str,
        *,
        json: BaseModel | None = None,
        params: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> httpx.Response:
        import httpx

        headers = self.auth_headers()
        if method == "POST":
            # The same key on every retry: the server answers a repeat with the first result.
            # A caller that may retry later (after a restart, say) passes a key it keeps.
            headers["Idempotency-Key"] = idempotency_key or uuid.uuid4().hex
        body = json.model_dump(mode="json", exclude_none=True) if json is not None else None
        last: errors.CentralError | None = None
        for attempt in range(RETRIES + 1):
            if attempt:
                await asyncio.sleep(RETRY_DELAY_S * attempt)
            try:
                response = await self.http.request(
                    method, path, json=body, params=params, headers=headers
                )
            except httpx.TimeoutException:
                last = errors.Timeout(
                    f"The central API at {self.base_url} did not answer in time; try again."
                )
                continue
            except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.NetworkError):
                last = errors.Unreachable(
                    f"Cannot reach the central API at {self.base_url}; check the network."
                )
                continue
            if response.status_code >= 500 and attempt < RETRIES:
                last = error_from_response(response)
                continue
            if response.status_code >= 400:
                raise error_from_response(response)
            return response
        assert last is not None
        raise last

    async def _get(self, path: str, model: type[M], params: dict[str, Any] | None = None) -> M:
        return _parse(model, await self._request("GET", path, params=params))

    async def _get_then(self, path: str, model: Callable[[], type[M]]) -> M:
        """As _get, but the model is named only once the answer is in: the request leaves
        before its wire-model module (and pydantic, at the start) is imported, so that import
        runs while the central works, not before the request."""
        response = await self._request("GET", path)
        return _parse(model(), response)

    async def _get_view(self, path: str) -> Any:
        """The answer as a WireView (client.wire_view): no pydantic, for the first screen."""
        from client.wire_view import view_json

        response = await self._request("GET", path)
        try:
            return view_json(response.content)
        except ValueError as exc:
            raise _contract_error(response) from exc

    async def _post(
        self,
        path: str,
        model: type[M],
        body: BaseModel | None = None,
        *,
        idempotency_key: str | None = None,
        kept: bool = False,
    ) -> M:
        """`kept`: a form that creates something (an escalation, a pause with its reason, a
        rating's explanation or step) keeps its key for its content until the server has
        answered, so pressing again after a lost answer is answered, not registered twice."""
        content = ""
        if kept and idempotency_key is None:
            body_text = body.model_dump_json() if body is not None else ""
            content = hashlib.sha256(f"{path}\n{body_text}".encode()).hexdigest()
            idempotency_key = self._kept_keys.setdefault(content, uuid.uuid4().hex)
        try:
            response = await self._request("POST", path, json=body, idempotency_key=idempotency_key)
        except (errors.Unreachable, errors.Timeout, errors.ServerError):
            raise  # not known whether it was done: the next press sends the same key
        except errors.CentralError:
            self._kept_keys.pop(content, None)
            raise
        self._kept_keys.pop(content, None)
        return _parse(model, response)

    async def _get_list(
        self, path: str, model: type[M], params: dict[str, Any] | None = None
    ) -> list[M]:
        response = await self._request("GET", path, params=params)
        from pydantic import ValidationError

        try:
            return _list_of(model).validate_json(response.content)
        except ValidationError as exc:
            raise _contract_error(response) from exc


@functools.cache
def _list_of(model: type[M]) -> TypeAdapter[list[M]]:
    """Built on first use, not at import: the terminal's start needs none of these lists."""
    from pydantic import TypeAdapter

    return TypeAdapter(list[model])  # type: ignore[valid-type]


def _parse(model: type[M], response: httpx.Response) -> M:
    from pydantic import ValidationError

    try:
        return model.model_validate_json(response.content)
    except ValidationError as exc:
        raise _contract_error(response) from exc


def parse_text(model: type[M], text: str) -> M:
    """One JSON document that came some other way than a whole answer (an SSE event)."""
    from pydantic import ValidationError

    try:
        return model.model_validate_json(text)
    except ValidationError as exc:
        raise errors.ServerError(
            "The central API sent an event this terminal does not understand; "
            "tell the hall's administrator (the server may be a different version)."
        ) from exc


def _contract_error(response: httpx.Response) -> errors.ServerError:
    return errors.ServerError(
        "The central API sent an answer this terminal does not understand; "
        "tell the hall's administrator (the server may be a different version).",
        status=response.status_code,
    )


def error_from_response(response: httpx.Response) -> errors.CentralError:
    status = response.status_code
    message = ""
    fields: dict[str, str] = {}
    reason: str | None = None
    params: dict[str, str] = {}
    from pydantic import ValidationError

    from client.models import ErrorResponse

    try:
        body = ErrorResponse.model_validate_json(response.content)
        message, fields = body.error.message, body.error.fields
        reason, params = body.error.reason, body.error.params
    except ValidationError:
        pass
    if status >= 500:
        # A named fault (the central's disk is full …) keeps its reason: said in the
        # clerk's language like any refusal.
        return errors.ServerError(
            message or f"The central API failed (HTTP {status}); try again in a moment.",
            status=status,
            reason=reason,
            params=params,
        )
    cls = _STATUS_ERRORS.get(status, errors.ServerError)
    if not message:
        message = {
            401: "Your session has expired; log in again.",
            403: "You are not allowed to do that.",
            404: "That record does not exist on the central API.",
            429: "Too many attempts; wait a few minutes and try again.",
        }.get(status, f"The central API refused the request (HTTP {status}).")
    if cls is errors.Invalid:
        return errors.Invalid(message, status=status, fields=fields, reason=reason, params=params)
    return cls(message, status=status, reason=reason, params=params)

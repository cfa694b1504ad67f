"""One error class per kind of failure, so the terminal can give one clear notice per kind."""

from __future__ import annotations


class CentralError(Exception):
    """Base of every failure talking to the central API. `message` is one plain sentence."""

    code = "error"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        reason: str | None = None,
        params: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        # The central's name for this refusal and the values that fill it: a terminal says it
        # from its own catalogs (the English `message` is for API users and the fallback).
        self.reason = reason
        self.params = params or {}


class Unreachable(CentralError):
    """The central API could not be reached at all (refused, DNS, TLS)."""

    code = "unreachable"


class Timeout(CentralError):
    """The central API did not answer in time."""

    code = "timeout"


class AuthExpired(CentralError):
    """401: the token is missing, wrong or expired; log in again."""

    code = "auth_expired"


class Forbidden(CentralError):
    """403: this role may not do that, or the data belongs to someone else."""

    code = "forbidden"


class NotFound(CentralError):
    """404."""

    code = "not_found"


class Conflict(CentralError):
    """409: an illegal state change (the message says why)."""

    code = "conflict"


class Invalid(CentralError):
    """422: invalid input; `fields` maps each field to its own message."""

    code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        fields: dict[str, str] | None = None,
        reason: str | None = None,
        params: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message, status=status, reason=reason, params=params)
        self.fields = fields or {}


class RateLimited(CentralError):
    """429: too many attempts."""

    code = "rate_limited"


class ServerError(CentralError):
    """5xx or an answer that is not what the contract says."""

    code = "server_error"

"""One clear notice per kind of failure talking to the central API."""

from __future__ import annotations

from client import errors
from counter.core.i18n import t
from screens.text import clean


def describe(error: errors.CentralError, url: str) -> str:
    """One plain sentence for `error`; the server's own sentence is data, cleaned."""
    detail = clean(error.message)
    if isinstance(error, errors.Unreachable):
        return t("error.unreachable", url=clean(url))
    if isinstance(error, errors.Timeout):
        return t("error.timeout", url=clean(url))
    if isinstance(error, errors.AuthExpired):
        return t("error.auth_expired")
    if isinstance(error, errors.Forbidden):
        return t("error.forbidden", detail=detail)
    if isinstance(error, errors.NotFound):
        return t("error.not_found", detail=detail)
    if isinstance(error, errors.Conflict):
        return t("error.conflict", detail=detail)
    if isinstance(error, errors.Invalid):
        return t("error.invalid", detail=detail)
    if isinstance(error, errors.RateLimited):
        return t("error.rate_limited")
    if isinstance(error, errors.ServerError):
        return t("error.server", detail=detail)
    return t("error.other", detail=detail)

"""One clear notice per kind of failure talking to the central API."""

from __future__ import annotations

from client import errors
from counter.core.i18n import has, t
from screens.text import clean

# Parameters that arrive as codes, and where their words are in the catalogs.
_CODED_PARAMS = {
    "status": "ticket.status",
    "escalation_status": "escalation.status",
    "review_state": "ratings.state",
    "pause_reason": "pause.reason",
}


def reason_sentence(error: errors.CentralError) -> str | None:
    """The refusal said from the terminal's catalog (issue 9: never the server's English on a
    Chinese screen), or None when the central named no reason this terminal knows."""
    if error.reason is None or not has(f"server.{error.reason}"):
        return None
    params: dict[str, str] = {}
    for name, value in error.params.items():
        coded = _CODED_PARAMS.get(name)
        if coded is not None and has(f"{coded}.{value}"):
            value = t(f"{coded}.{value}")
        params[name] = clean(value)
    return t(f"server.{error.reason}", **params)


def describe(error: errors.CentralError, url: str) -> str:
    """One plain sentence for `error`: from the catalog when the central names its reason,
    else the server's own sentence, as data, cleaned."""
    detail = reason_sentence(error) or clean(error.message)
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

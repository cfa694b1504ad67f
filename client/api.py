"""CentralClient: the async httpx client of the central API, one method per endpoint.

Every POST carries an Idempotency-Key, so a POST that timed out can be retried safely: the
server answers a repeat with the first result instead of acting twice. GETs are retried too.
Failures surface as one exception class per kind (client.errors).

The calls live by area, each beside the wire models it reads (imported on a call's first
answer, not here): the counter's own (client.counter_api), the intake's (client.case_api),
escalations (client.escalation_api), ratings (client.rating_api) and the supervisor's
(client.supervision_api); the plumbing they share is client.central_http.
"""

from __future__ import annotations

from client.case_api import CaseCalls
from client.central_http import RETRIES, RETRY_DELAY_S, _parse, error_from_response
from client.counter_api import CounterCalls
from client.escalation_api import EscalationCalls
from client.rating_api import RatingCalls
from client.supervision_api import SupervisionCalls

__all__ = ["RETRIES", "RETRY_DELAY_S", "CentralClient", "_parse", "error_from_response"]


class CentralClient(CounterCalls, CaseCalls, EscalationCalls, RatingCalls, SupervisionCalls):
    """Talks to one central API; `transport` lets the demo and tests run it in-process."""

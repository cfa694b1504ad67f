"""The OpenAPI contract, fuzzed: for every operation schemathesis generates requests from
/openapi.json and checks that the central never answers 5xx and that every answer matches
the schema it publishes (status code, content type, body)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.testclient import TestClient

from central.app import create_app
from central.settings import Settings

from .conftest import FakeClock

_workdir = Path(tempfile.mkdtemp(prefix="counter-contract-"))
app = create_app(
    Settings(db_path=str(_workdir / "c.db"), seed="demo", clock=FakeClock(), kdf_fast=True)
)


def _token(staff_no: str) -> str:
    with TestClient(app) as http:
        answer = http.post("/v1/auth/login", json={"staff_no": staff_no, "password": "counter"})
        answer.raise_for_status()
        return str(answer.json()["token"])


SUPERVISOR = {"Authorization": f"Bearer {_token('2001')}"}

schema = schemathesis.openapi.from_asgi("/openapi.json", app)
# The event stream never ends by design; its polling twin is fuzzed instead. Logging out
# would end the session every later example uses.
schema = schema.exclude(path="/v1/events").exclude(path="/v1/auth/logout")
CHECKS = (
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
)


@schema.parametrize()
# Derandomized: every run (CI included) tries the same examples, so a red run is
# reproducible. For a wider hunt run with COUNTER_FUZZ_EXAMPLES=500 (it found the far-date
# 500 in the rating tallies that test_api_ratings now pins).
@settings(
    max_examples=int(os.environ.get("COUNTER_FUZZ_EXAMPLES", "25")),
    deadline=None,
    derandomize="COUNTER_FUZZ_EXAMPLES" not in os.environ,
    suppress_health_check=list(HealthCheck),
)
def test_contract(case: schemathesis.Case) -> None:
    case.call_and_validate(headers=SUPERVISOR, checks=CHECKS)

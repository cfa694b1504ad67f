"""GET /v1/hall and GET /v1/queues: what every screen and the display board start from."""

from __future__ import annotations

from fastapi import APIRouter

from central.deps import CurrentActor, StoreDep
from central.errors import AUTHED
from central.hall import hall_model, queue_stats
from client.models import Hall, QueuesResponse

router = APIRouter(prefix="/v1", tags=["hall"])


@router.get("/hall", response_model=Hall, responses=AUTHED)
def get_hall(_actor: CurrentActor, store: StoreDep) -> Hall:
    """Departments, queues and every window with who is on it and its current ticket."""
    with store.read() as conn:
        return hall_model(conn, store.now())


@router.get("/queues", response_model=QueuesResponse, responses=AUTHED)
def get_queues(_actor: CurrentActor, store: StoreDep) -> QueuesResponse:
    """Per queue: waiting, longest wait, issued and served today."""
    with store.read() as conn:
        return queue_stats(conn, store.now())

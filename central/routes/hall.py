"""GET /v1/hall and GET /v1/queues: what every screen and the display board start from."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from central.context import Actor
from central.deps import current_actor, get_store
from central.errors import AUTHED
from central.hall_view import hall_model, queue_stats
from central.store import Store
from client.models import Hall, QueuesResponse

router = APIRouter(prefix="/v1", tags=["hall"])


@router.get("/hall", response_model=Hall, responses=AUTHED)
def get_hall(_actor: Actor = Depends(current_actor), store: Store = Depends(get_store)) -> Hall:
    """Departments, queues and every window with who is on it and its current ticket."""
    with store.read() as conn:
        return hall_model(conn, store.now())


@router.get("/queues", response_model=QueuesResponse, responses=AUTHED)
def get_queues(
    _actor: Actor = Depends(current_actor), store: Store = Depends(get_store)
) -> QueuesResponse:
    """Per queue: waiting, longest wait, issued and served today."""
    with store.read() as conn:
        return queue_stats(conn, store.now())

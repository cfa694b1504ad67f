"""The rating pad's read: `GET /v1/pad` — its window, the clerk there, and the finished service
waiting for a rating (None: idle). The rating itself is `POST /v1/ratings`."""

from __future__ import annotations

from fastapi import APIRouter

from central import pad
from central.deps import CurrentActor, StoreDep
from central.errors import AUTHED
from client.device_models import PadView

router = APIRouter(prefix="/v1", tags=["pad"])


@router.get("/pad", response_model=PadView, responses=AUTHED)
def get_pad(actor: CurrentActor, store: StoreDep) -> PadView:
    """What the pad at its window shows now (403 for anything but a pad bound to a window)."""
    with store.read() as conn:
        return pad.pad_view(conn, actor, store.now())

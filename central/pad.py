"""The rating pad's side of the central (评价器): the window it stands at, who is serving there,
and the finished service waiting for the citizen's rating.

A pad is bound to its window(s) by the hall file (`window = 3` or `windows = [3, 4]`, kept in
staff.pad_windows; POST /v1/ratings refuses another window's service).
It offers a service only while it is that window's latest ticket, finished, unrated and less
than PROMPT old: once the clerk calls the next citizen, or the citizen has walked away, the
service is left unrated (the default-rating rules apply to it as to any unrated service).
Posting the rating is `POST /v1/ratings` (central.ratings: 一次一评, the 差评 loop).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import get_args

from sqlalchemy import Connection, select

from central.context import Actor
from central.errors import Forbidden
from central.schema import staff, tickets, windows
from central.schema_ratings import ratings
from client.device_models import PadService, PadView
from client.rating_models import RatingReason

PROMPT = timedelta(minutes=3)
# The national list's reasons that go with 不满意 / 非常不满意 (the others go with 5–3).
BAD_REASONS: list[RatingReason] = [
    r
    for r in get_args(RatingReason)
    if r not in ("friendly", "efficient", "done_once", "clear_guidance")
]


def pad_windows(conn: Connection, actor: Actor) -> list[int]:
    """The windows this pad rates (the hall file binds it: `window = 3` or `windows = [3, 4]`);
    403 for a pad bound to none, or for anyone else."""
    if actor.role != "device" or actor.device_kind != "pad":
        raise Forbidden("This is the rating pad's view.", reason="rating_pad_view_only")
    bound = conn.execute(select(staff.c.pad_windows).where(staff.c.staff_no == actor.staff_no))
    found = [int(n) for n in (bound.scalar() or [])]
    if not found:
        raise Forbidden(
            f"Rating pad {actor.staff_no} is not bound to a window; set its window in the "
            "hall file.",
            reason="pad_not_bound_to_window",
            params={"staff_no": actor.staff_no},
        )
    return found


def pad_view(conn: Connection, actor: Actor, now: datetime) -> PadView:
    bound = pad_windows(conn, actor)
    latest = conn.execute(
        select(
            tickets.c.id,
            tickets.c.number,
            tickets.c.status,
            tickets.c.finished_at,
            tickets.c.window_no,
        )
        .where(tickets.c.window_no.in_(bound), tickets.c.called_at.is_not(None))
        .order_by(tickets.c.called_at.desc(), tickets.c.id.desc())
        .limit(1)
    ).first()
    # The window shown: the one of its latest call (a pad between two windows), else the first.
    no = latest.window_no if latest is not None else bound[0]
    window = conn.execute(
        select(windows.c.name, windows.c.staff_no, staff.c.name.label("clerk"))
        .select_from(windows.outerjoin(staff, staff.c.staff_no == windows.c.staff_no))
        .where(windows.c.no == no)
    ).first()
    if window is None:
        raise Forbidden(
            f"Rating pad {actor.staff_no} is bound to window {no}, which this hall lacks.",
            reason="pad_window_missing",
            params={"staff_no": actor.staff_no, "window_no": str(no)},
        )
    service = None
    if (
        latest is not None
        and latest.status == "done"
        and latest.finished_at is not None
        and now - latest.finished_at < PROMPT
        and conn.execute(select(ratings.c.id).where(ratings.c.ticket_id == latest.id)).first()
        is None
    ):
        service = PadService(
            ticket_id=latest.id, number=latest.number, finished_at=latest.finished_at
        )
    return PadView(
        window_no=no,
        windows=bound,
        window_name=window.name,
        clerk_name=window.clerk,
        clerk_no=window.staff_no,
        service=service,
        bad_reasons=BAD_REASONS,
    )

"""好差评 ratings: posting, tallies and tables, and the 差评 loop's steps."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from client.central_http import CentralHttp, wire_module

if TYPE_CHECKING:
    from client import rating_models as rating_wire
else:
    rating_wire = wire_module("client.rating_models")


class RatingCalls(CentralHttp):
    # --- 好差评 ratings (the "ratings" helper; models in client/rating_models.py) ----------------

    async def post_rating(self, request: rating_wire.RatingRequest) -> rating_wire.Rating:
        """The rating pad's rating of a finished service (Conflict: rated already / closed)."""
        return await self._post("/v1/ratings", rating_wire.Rating, request)

    async def rating_tally(
        self,
        start: date,
        end: date,
        *,
        by: rating_wire.TallyBy = "day",
        staff: str | None = "me",
        window: int | None = None,
        department: str | None = None,
    ) -> rating_wire.RatingTally:
        """Tally of [start, end] (hall-local days); staff "me" for a clerk's own, None: hall."""
        params: dict[str, Any] = {"from": start.isoformat(), "to": end.isoformat(), "by": by}
        extra = {"staff": staff, "window": window, "department": department}
        params.update({k: v for k, v in extra.items() if v is not None})
        return await self._get("/v1/ratings/tally", rating_wire.RatingTally, params)

    async def rating_table(
        self, start: date, end: date, group: rating_wire.TableGroup = "staff"
    ) -> rating_wire.RatingTable:
        params = {"from": start.isoformat(), "to": end.isoformat(), "group": group}
        return await self._get("/v1/ratings/table", rating_wire.RatingTable, params)

    async def ratings(
        self,
        *,
        staff: str | None = "me",
        bad: bool | None = None,
        open_only: bool = False,
        states: list[rating_wire.ReviewState] | None = None,
        start: date | None = None,
        end: date | None = None,
        limit: int = 200,
    ) -> list[rating_wire.Rating]:
        params: dict[str, Any] = {"limit": limit}
        if staff is not None:
            params["staff"] = staff
        if bad is not None:
            params["bad"] = "true" if bad else "false"
        if open_only:
            params["open"] = "true"
        if states:
            params["state"] = list(states)
        if start is not None:
            params["from"] = start.isoformat()
        if end is not None:
            params["to"] = end.isoformat()
        return await self._get_list("/v1/ratings", rating_wire.Rating, params)

    async def rating(self, rating_id: int) -> rating_wire.Rating:
        return await self._get(f"/v1/ratings/{rating_id}", rating_wire.Rating)

    async def explain_rating(self, rating_id: int, text: str) -> rating_wire.Rating:
        body = rating_wire.ExplainRequest(text=text)
        return await self._post(
            f"/v1/ratings/{rating_id}/explain", rating_wire.Rating, body, kept=True
        )

    async def verify_rating(
        self,
        rating_id: int,
        verdict: rating_wire.Verdict,
        note: str = "",
        rectify_days: int | None = None,
    ) -> rating_wire.Rating:
        body = rating_wire.VerifyRequest(verdict=verdict, note=note, rectify_days=rectify_days)
        return await self._post(
            f"/v1/ratings/{rating_id}/verify", rating_wire.Rating, body, kept=True
        )

    async def rectify_rating(self, rating_id: int, note: str) -> rating_wire.Rating:
        body = rating_wire.RectifyRequest(note=note)
        return await self._post(
            f"/v1/ratings/{rating_id}/rectify", rating_wire.Rating, body, kept=True
        )

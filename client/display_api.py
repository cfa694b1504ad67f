"""The display board's calls on the central API (announcement feed and audio)."""

from __future__ import annotations

from client.api import CentralClient, _parse
from client.display_models import AnnouncementsPage


async def announcements(
    client: CentralClient, after: int | None = None, limit: int = 20
) -> AnnouncementsPage:
    """Today's calls after `after` in call order, or (None) today's last `limit` calls."""
    params: dict[str, int] = {"limit": limit}
    if after is not None:
        params["after"] = after
    return _parse(
        AnnouncementsPage, await client._request("GET", "/v1/announcements", params=params)
    )


async def announcement_audio(client: CentralClient, announcement_id: int) -> bytes:
    response = await client._request("GET", f"/v1/announcements/{announcement_id}")
    return response.content

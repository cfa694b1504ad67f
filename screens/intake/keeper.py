"""The intake's draft keeper: which draft this intake is, and the newest-wins sequence of its
saves. The screen asks it for the Draft to write (in a thread worker) on every step change
and field blur; the files themselves are counter.core.intake_draft's business."""

from __future__ import annotations

import uuid
from datetime import datetime

from counter.core import intake_draft
from screens.intake.state import IntakeState


def worth_keeping(state: IntakeState) -> bool:
    """An intake with nothing chosen or typed yet is not a draft."""
    return bool(state.item_code or state.applicant.name)


class DraftKeeper:
    def __init__(self) -> None:
        self.draft_id = uuid.uuid4().hex
        self._saves = 0

    def adopt(self, draft: intake_draft.Draft) -> None:
        """Continue a kept draft: its later saves replace it."""
        self.draft_id = draft.id

    def next_save(
        self, state: IntakeState, *, staff_no: str, central: str, now: datetime, hall: str = ""
    ) -> tuple[intake_draft.Draft, int]:
        """The draft as it stands, and its sequence number (a late older save is dropped)."""
        self._saves += 1
        draft = intake_draft.Draft(
            id=self.draft_id,
            staff_no=staff_no,
            central=central,
            saved_at=now,
            step=state.step,
            item_name=state.item_name,
            applicant_name=state.applicant.name.strip(),
            ticket_number=state.ticket_number or "",
            state=state.model_dump(mode="json"),
            hall=hall,
        )
        return draft, self._saves

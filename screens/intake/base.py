"""What every part of the intake screen shares: the intake's data (the one IntakeState, the
chosen catalog item, the stored case …) and where the clerk sits (central, hall, staff number,
the hall's today). The parts (catalog_loading, drafts, navigation, item_applicant, marking,
submitting) each subclass this and are mixed into IntakeScreen (screen.py), which composes the
steps; a part calls another's methods through the declarations below, so each stays on its own.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from textual.screen import Screen

from client.case_models import Case, DueDateAnswer
from client.catalog_models import CatalogItem
from client.hall_time import HALL_TZ
from counter.core import catalog_cache, intake_draft
from screens.context import host
from screens.intake.keeper import DraftKeeper
from screens.intake.state import IntakeState, Step
from screens.worker_errors import SaysWorkerErrors


class IntakeBase(SaysWorkerErrors, Screen[Case | None]):
    state: IntakeState
    keeper: DraftKeeper
    # The ticket this intake is for: a draft made for another one is taken over, never
    # submitted against a ticket that is not at this window (issue 9 item 1).
    here_ticket: tuple[int | None, str]
    loaded: catalog_cache.LoadedCatalog | None
    item: CatalogItem | None
    due: DueDateAnswer | None
    case: Case | None
    earlier_case: Case | None
    _looked_up: str | None
    submitting: bool
    # Enter on the item came before the catalog: it takes the item once the catalog is in,
    # and the keys typed behind it wait till then (screens/type_ahead.py).
    choosing_when_loaded: bool = False

    if TYPE_CHECKING:  # each defined once, in the part named

        def redraw(self) -> None: ...  # screen.py

        def go(self, step: Step) -> None: ...  # navigation.py

        def save_draft(self) -> None: ...  # drafts.py

        def discard_draft(self, draft_id: str) -> object: ...  # drafts.py (a worker)

        def _catalog(self, loaded: catalog_cache.LoadedCatalog) -> None: ...  # catalog_loading

        def choose_item(self) -> None: ...  # item_applicant.py

        def applicant_done(self) -> None: ...  # item_applicant.py

        def look_up_earlier(self) -> None: ...  # marking.py

        def show_checklist(self) -> None: ...  # marking.py

        def enter_decision(self, item: CatalogItem) -> None: ...  # submitting.py

        def read_decision(self) -> None: ...  # submitting.py

        def submit(self) -> None: ...  # submitting.py

    @property
    def central(self) -> str:
        app = host(self.app)
        return app.config.central_url or app.client.base_url

    @property
    def staff_no(self) -> str:
        staff = host(self.app).session.staff
        return staff.staff_no if staff is not None else ""

    @property
    def hall(self) -> str:
        hall = host(self.app).session.hall
        return hall.code if hall is not None else ""

    def hall_name(self) -> str:
        hall = host(self.app).session.hall
        return hall.name if hall is not None else ""

    def belongs_here(self, draft: intake_draft.Draft) -> bool:
        return draft.belongs_to(self.central, self.hall, *self.here_ticket)

    @property
    def draft_id(self) -> str:
        return self.keeper.draft_id

    def min_age(self) -> int | None:
        return self.item.min_age if self.item is not None else None

    def today(self) -> date:
        return host(self.app).now().astimezone(HALL_TZ).date()

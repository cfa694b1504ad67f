"""What the hall reads but never writes: its service-item catalog (with search index) and its
working-day calendar, loaded once when the app starts and kept in `app.state.reference`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fastapi import Request

from central.calendar import WorkCalendar
from central.catalog import load_catalog
from central.settings import Settings
from client.catalog_models import Catalog, CatalogItem
from client.catalog_search import CatalogIndex


@dataclass
class HallReference:
    """What the hall reads but never writes: its catalog (with index) and its calendar."""

    catalog: Catalog
    calendar: WorkCalendar
    index: CatalogIndex = field(init=False)
    items: dict[str, CatalogItem] = field(init=False)
    catalog_json: bytes = field(init=False)

    def __post_init__(self) -> None:
        self.index = CatalogIndex(self.catalog.items)
        self.items = {item.code: item for item in self.catalog.items}
        # Serialised once: the whole catalog is the largest answer the API gives.
        self.catalog_json = self.catalog.model_dump_json().encode("utf-8")

    @property
    def etag(self) -> str:
        return f'"{self.catalog.version}"'


def load_reference(settings: Settings) -> HallReference:
    """Load the catalog and the working calendar named by the settings (errors name the file).

    The calendar knows the years of the `chinese_calendar` package, the holiday files shipped
    in central/seed/holidays, and every `*.toml` in `Settings.holidays_dir`: when the State
    Council publishes next year's schedule (each November), the hall drops that year's file
    in the folder and restarts the server. Until then dates in that year are marked guessed.
    """
    folders: list[str] = []
    if settings.holidays_dir:
        if not Path(settings.holidays_dir).is_dir():
            raise ValueError(f"{settings.holidays_dir}: the holidays folder does not exist")
        folders.append(settings.holidays_dir)
    return HallReference(
        catalog=load_catalog(settings.catalog_path),
        calendar=WorkCalendar.default(*folders),
    )


def get_reference(request: Request) -> HallReference:
    reference: HallReference = request.app.state.reference
    return reference

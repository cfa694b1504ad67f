"""The intake's catalog: shown at once from the cache, refreshed from the central in a worker
that only posts messages; a draft whose item left the catalog goes back to choosing one."""

from __future__ import annotations

from textual import work
from textual.widgets import Static

from client import errors
from counter.core import catalog_cache
from counter.core.i18n import t
from screens.context import host
from screens.errors import describe
from screens.intake.base import IntakeBase
from screens.intake.messages import CatalogFailed, CatalogReady
from screens.intake.search import ItemSearch
from screens.messages import ApiFailed
from screens.text import clean, plain
from screens.type_ahead import let_keys_go


class LoadsCatalog(IntakeBase):
    @work(exclusive=True, group="intake-catalog", exit_on_error=False)
    async def load_catalog(self, central: str) -> None:
        try:
            loaded = await catalog_cache.refresh(host(self.app).client, central)
        except errors.CentralError as error:
            self.post_message(CatalogFailed(error))
            return
        self.post_message(CatalogReady(loaded))

    def on_catalog_ready(self, message: CatalogReady) -> None:
        self._catalog(message.loaded)
        if message.loaded.stale:
            self.notify(t("intake.catalog.stale"), severity="warning", markup=False)

    def _catalog(self, loaded: catalog_cache.LoadedCatalog) -> None:
        self.loaded = loaded
        self.query_one(ItemSearch).set_index(loaded.index)
        if self.state.item_code and (self.item is None or self.item.code != self.state.item_code):
            self.item = loaded.catalog.item(self.state.item_code)
            if self.item is None:
                # The catalog changed under a draft: the item is gone, choose again.
                self.notify(
                    t("intake.catalog.item_gone", name=clean(self.state.item_name)),
                    severity="warning",
                    markup=False,
                )
                self.state.step = "item"
            self.go(self.state.step)
        if self.choosing_when_loaded:
            self.choosing_when_loaded = False
            self.choose_item()
            let_keys_go(self)  # the keys typed behind that Enter, to the step now shown

    def on_catalog_failed(self, message: CatalogFailed) -> None:
        if self.choosing_when_loaded:
            self.choosing_when_loaded = False
            let_keys_go(self)
        text = t(
            "intake.catalog.failed", reason=describe(message.error, host(self.app).client.base_url)
        )
        self.query_one("#item-guide", Static).update(plain(text))
        if isinstance(message.error, errors.AuthExpired):
            self.app.post_message(ApiFailed(message.error, action="intake"))

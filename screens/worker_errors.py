"""Say it when a worker fails for a reason other than the network.

Every worker in counter/ and screens/ runs with exit_on_error=False (a failed worker must not
end the session and lose a half-done case), so an unexpected exception would otherwise leave a
panel "loading…" for ever without a word. Worker.StateChanged goes only to the node that
started the worker (it does not bubble), so every class that starts one mixes this in
(tests/test_worker_errors_said.py checks it); the App gives the one notice. Textual calls the
handler of each class in the MRO, so a class's own on_worker_state_changed does not hide this
one.
"""

from __future__ import annotations

from textual.worker import Worker, WorkerState

from client.errors import CentralError
from counter.core.i18n import t


class SaysWorkerErrors:
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        error = event.worker.error
        if event.state != WorkerState.ERROR or error is None or isinstance(error, CentralError):
            return
        app = event.worker.node.app if hasattr(event.worker.node, "app") else None
        if app is None:
            return
        app.log.error(f"worker {event.worker.name} failed", error)
        app.notify(t("app.unexpected", error=type(error).__name__), severity="error", markup=False)

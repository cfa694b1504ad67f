"""The one way a worker says that the central API refused or could not be reached.

    with reports_failure(self, "sign_on"):
        window = await client.sign_on(no)
        self.post_message(SignedOn(window))

A `CentralError` raised inside the block is posted as `ApiFailed(error, action, quiet)` from
`node` (it bubbles up to the App, which says it: counter.worker_errors) and the block ends
there; the rest of the worker still runs, so keep what needs the answer inside the block.
Any other exception passes through and ends the worker; screens.worker_errors
(SaysWorkerErrors, mixed into every class that starts a worker) says it in one notice.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from textual.message import Message

from client.errors import CentralError
from screens.messages import ApiFailed


class Poster(Protocol):
    """The App, a screen, a widget, or a mixin of one (the board's actions)."""

    def post_message(self, message: Message) -> bool: ...


@contextmanager
def reports_failure(node: Poster, action: str = "", *, quiet: bool = False) -> Iterator[None]:
    """`quiet`: background work that retries on its own; the App says each kind once."""
    try:
        yield
    except CentralError as error:
        node.post_message(ApiFailed(error, action=action, quiet=quiet))

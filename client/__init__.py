"""The central API's contract (wire models) and its async client; no Textual here."""

import sys

# httpx imports its command-line tool (click, pygments) whenever they are installed; the
# terminal never runs it, and those imports were a tenth of its start. Marking the module
# absent makes httpx fall back to its stub, as when they are not installed.
if "httpx" not in sys.modules:
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

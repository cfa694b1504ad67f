"""`python -m counter` is the `counter` command."""

from __future__ import annotations

from counter.cli import main

raise SystemExit(main())

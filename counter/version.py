"""The installed version of Counter, read from the package metadata (one source: pyproject)."""

from __future__ import annotations

DISTRIBUTION = "counter-desk"


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version(DISTRIBUTION)
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0+source"

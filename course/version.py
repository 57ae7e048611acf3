"""Which Cascade this is: the package's version, as installed (``pyproject.toml``)."""

from __future__ import annotations

from functools import cache
from importlib.metadata import PackageNotFoundError, version


@cache
def cascade_version() -> str:
    try:
        return version("cascade-course")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"

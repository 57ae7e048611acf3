"""Loading the application with Python's cyclic garbage collector paused.

Importing Cascade and its libraries and wiring the app creates some 400,000 objects (classes, functions, SQL
constructs, compiled routes) and frees almost none of them. The collector runs every 700 new objects and each
of its full passes walks everything created so far: about a tenth of a server's cold start went to that
(measured with and without it on the 2-core reference machine, bench/load.py). The pause ends with the loading,
so a process that imports Cascade as a library keeps its collector as it was. A server then freezes what it
loaded (``gc.freeze`` in course.warm and ``course serve``), so no later pass walks it again.

This module imports nothing of Cascade's or of its libraries: it is imported first, before them.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector for the block; reference counting frees memory as usual meanwhile."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

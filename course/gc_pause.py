"""Loading the application with Python's cyclic garbage collector paused.

Importing Cascade and its libraries and wiring the app creates some 400,000 objects (classes, functions, SQL
constructs, compiled routes) and frees almost none of them. The collector runs every 700 new objects and each
of its full passes walks everything created so far: about a tenth of a server's cold start went to that
(measured with and without it on the 2-core reference machine, bench/load.py). The pause ends with the loading,
so a process that imports Cascade as a library keeps its collector as it was. A server then freezes what it
loaded (``gc.freeze`` in course.warm and ``course serve``), so no later pass walks it again.

Ending each pause still costs one pass over what it loaded (the collector's youngest generation holds all of it
then), and a later pass over it all again: a tenth of a second of a cold start, measured. A server process
therefore keeps the collector off from its first line to the freeze (``pause_until_frozen``, then
``freeze_and_resume``): ``course serve`` and the shipped gunicorn configuration.

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


def pause_until_frozen() -> None:
    """A server process, from its start: no collection until ``freeze_and_resume``."""
    gc.disable()


def freeze_and_resume() -> None:
    """What the process loaded lives as long as it does: freeze it, so no pass walks it again, and let the
    collector run on what comes after."""
    gc.freeze()
    gc.enable()

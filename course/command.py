"""The ``course`` command's entry point.

It loads the command-line interface (which imports nearly every module of the app) with the cyclic garbage
collector paused, as ``create_app`` does (course.gc_pause): ``course serve`` on a trainer's laptop starts that
much sooner.
"""

from __future__ import annotations

from course.gc_pause import collector_paused


def main() -> None:
    with collector_paused():
        from course.cli import main as cascade_command  # noqa: PLC0415  (the import is what the pause is for)
    cascade_command()

"""``course serve``: the app under waitress, on a trainer's laptop or the room's network.

A command of its own, apart from the administration commands in ``course.cli``: starting the server imports
only what serving needs (course.command loads each command when it is run).
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from course.gc_pause import freeze_and_resume
from course.room import ALL_INTERFACES, room_addresses
from course.warm import limit_malloc_arenas, warm_after_first_answer


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 serves every device on the room's network.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
@with_appcontext
def serve_command(host: str, port: int, threads: int) -> None:
    """Serve the app with a production WSGI server (waitress), e.g. on a trainer's laptop.

    With ``--host 0.0.0.0`` it serves the room: it prints the laptop's addresses on the room network, and the
    links and QR codes it gives learners carry them even when the trainer opens it as 127.0.0.1.
    """
    import waitress  # noqa: PLC0415  (only this command needs it)

    app = current_app._get_current_object()
    app.config["ROOM_ADDRESSES"] = room_addresses(host)
    click.echo(f"Cascade is serving on http://{host}:{port}/ (press Ctrl+C to stop)")
    if app.config["ROOM_ADDRESSES"]:
        click.echo("Learners in the room open it at:")
        for address in app.config["ROOM_ADDRESSES"]:
            click.echo(f"  http://{address}:{port}/")
    elif host not in ALL_INTERFACES:
        click.echo("Only this computer can open it; use --host 0.0.0.0 to serve the room's network.")
    else:
        click.echo("No network address was found: connect the laptop to the room's network and start again.")
    limit_malloc_arenas()  # before waitress starts its threads
    freeze_and_resume()  # what the start loaded lives as long as the server (course.gc_pause)
    warm_after_first_answer(app)
    waitress.serve(app, host=host, port=port, threads=threads)

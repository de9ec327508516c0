"""The ``ecosystem`` command line: a thin layer over the library.

Exit codes: 0 success; 1 the data or request was refused (nothing changed); 2 wrong usage;
3 the store is unavailable.
"""

from __future__ import annotations

import logging
import sys

import click

from ecosystem import __version__
from ecosystem.cli import data, entities, influence, lifecycle, partners, prediction, views
from ecosystem.cli.common import Context
from ecosystem.stores.base import DEFAULT_STORE, STORE_ENV

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="ecosystem")
@click.option(
    "--store", envvar=STORE_ENV, default=DEFAULT_STORE, show_default=True, metavar="PATH|URI",
    help=f"The store: a file path for the embedded store (env {STORE_ENV}).",
)
@click.option("--progress/--no-progress", default=None,
              help="Show progress bars (default: when standard error is a terminal).")
@click.option("-v", "--verbose", count=True, help="Log more (-v info, -vv debug).")
@click.pass_context
def cli(ctx: click.Context, store: str, progress: bool | None, verbose: int) -> None:
    """Map business ecosystems: companies, capabilities, patents, programmes, relationships.

    Start with `ecosystem demo`, which builds the real Linux Foundation ecosystem into
    the store and prints a summary; then `ecosystem info`.
    """
    logging.basicConfig(level=[logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)],
                        format="%(levelname)s %(name)s: %(message)s")
    ctx.obj = Context(store, sys.stderr.isatty() if progress is None else progress)



for command in (*data.COMMANDS, *entities.COMMANDS, *partners.COMMANDS, *influence.COMMANDS,
                *views.COMMANDS, *prediction.COMMANDS, *lifecycle.COMMANDS):
    cli.add_command(command)


def main() -> None:
    """Entry point of the ``ecosystem`` script."""
    cli(prog_name="ecosystem")

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

#: The global options and how many values each takes.
_GLOBAL = {"--store": 1, "--progress": 0, "--no-progress": 0, "--verbose": 0, "-v": 0,
           "-vv": 0}


def hoist_global_options(args: list[str]) -> list[str]:
    """``args`` with global options given after the subcommand moved before it, since
    people type ``ecosystem info --store x.db`` as often as ``ecosystem --store x.db info``.

    Examples
    --------
    >>> hoist_global_options(["info", "--json", "--store", "x.db"])
    ['--store', 'x.db', 'info', '--json']
    >>> hoist_global_options(["show", "company", "--store=x.db", "ibm", "--", "--store"])
    ['--store=x.db', 'show', 'company', 'ibm', '--', '--store']
    """
    first = next((i for i, a in enumerate(args) if not a.startswith("-")
                  and (i == 0 or _GLOBAL.get(args[i - 1]) != 1)), len(args))
    head, rest = list(args[:first]), list(args[first:])
    moved, kept, i = [], [], 0
    while i < len(rest):
        arg = rest[i]
        if arg == "--":
            kept += rest[i:]
            break
        name = arg.split("=", 1)[0]
        if name in _GLOBAL and i > 0:
            takes = 0 if "=" in arg else _GLOBAL[name]
            moved += rest[i:i + 1 + takes]
            i += 1 + takes
            continue
        kept.append(arg)
        i += 1
    return head + moved + kept


class _Commands(click.Group):
    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_global_options(args))


@click.group(cls=_Commands,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
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

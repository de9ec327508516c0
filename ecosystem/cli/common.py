"""What every command shares: the store context, JSON output, error handling, options."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

import click

from ecosystem.dates import parse_day
from ecosystem.errors import EcosystemError, InvalidValue, StoreUnavailable
from ecosystem.stores.base import Store, open_store
from ecosystem.stores.locking import operation

__all__ = ["AS_OF", "DAY", "JSON", "Context", "echo_json", "handle_errors"]

P = ParamSpec("P")
R = TypeVar("R")

class DayType(click.ParamType):  # type: ignore[type-arg]
    """A day on the command line (YYYY, YYYY-MM or YYYY-MM-DD), parsed once, here, into a
    :class:`datetime.date` (:func:`ecosystem.dates.parse_day`)."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return parse_day(str(value), field=param.name if param and param.name else "date")
        except InvalidValue as exc:
            self.fail(str(exc), param, ctx)


#: The type of every date option.
DAY = DayType()
AS_OF = click.option(
    "--as-of", "as_of", type=DAY, metavar="DATE", default=None,
    help="Only relationships active on this date (YYYY, YYYY-MM or YYYY-MM-DD).",
)
JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")


class Context:
    """What every command needs: where the store is and whether to show progress."""

    def __init__(self, store: str, progress: bool) -> None:
        self.store_location = store
        self.progress = progress

    def open(self) -> Store:
        return open_store(self.store_location)


def echo_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, ensure_ascii=False, default=str))


def handle_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn library errors into a message on stderr and an exit code, never a traceback."""

    @wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        context = click.get_current_context(silent=True)
        name = context.command_path if context is not None else "ecosystem"
        try:
            with operation(name):  # named in the message of a writer kept waiting
                return command(*args, **kwargs)
        except StoreUnavailable as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(3)
        except EcosystemError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)

    return wrapper

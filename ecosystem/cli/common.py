"""What every command shares: the store context, JSON output, error handling, options."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import click

from ecosystem.dates import parse_day, today
from ecosystem.errors import EcosystemError, InvalidValue, StoreUnavailable
from ecosystem.stores.base import Store, open_store
from ecosystem.stores.locking import operation

__all__ = ["AS_OF", "DAY", "JSON", "Context", "echo_json", "handle_errors", "remembered"]

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

    def bars(self, as_json: bool = False) -> bool:
        """Whether to show progress bars: on a terminal (or --progress), never with --json."""
        return self.progress and not as_json

    def open(self) -> Store:
        return open_store(self.store_location)


def echo_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, ensure_ascii=False, default=str))


def remembered(*, files: tuple[str, ...] = (), unless: tuple[str, ...] = ()
               ) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Answer a command that only reads the store from what it printed (and the files it
    wrote) the last time it ran with the same arguments, as long as no write has touched a
    kind of data it read (:mod:`ecosystem.stores.memory`).

    ``files`` names the parameters holding the paths of files the command writes (they are
    written again from the cache); ``unless`` those that make a run write to the store (no
    answer is kept for such a run). Input files among the arguments are part of the key by
    their content; so are the store's location and id, the code and today's date. Only
    for embedded stores (a file): their state is read without opening them.
    """
    def decorate(command: Callable[P, R]) -> Callable[P, R]:
        @wraps(command)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            obj = next((a for a in args if isinstance(a, Context)), None)
            if obj is None or any(kwargs.get(name) for name in unless):
                return command(*args, **kwargs)
            from ecosystem.stores.memory import DiskCache, file_state, tracking

            location = None if "://" in obj.store_location else \
                Path(obj.store_location).resolve()
            state = None if location is None else file_state(location)
            cache = None if state is None else DiskCache.for_location(str(location),
                                                                     lambda: state)
            if state is None or cache is None:
                return command(*args, **kwargs)
            key = _answer_key(obj, kwargs, files)
            found, value, _ = cache.load(key, state)
            if found:
                printed, written = value
                for name, data in written:
                    _write_file(Path(name), data)
                click.echo(printed, nl=False)
                return None  # type: ignore[return-value]
            buffer = io.StringIO()
            try:
                with tracking() as seen, contextlib.redirect_stdout(buffer):
                    result = command(*args, **kwargs)
            finally:
                sys.stdout.write(buffer.getvalue())
            written = [(str(Path(str(kwargs[n])).resolve()), Path(str(kwargs[n])).read_bytes())
                       for n in files if kwargs.get(n) and Path(str(kwargs[n])).is_file()]
            cache.save(key, state.of(seen), state.store_id, (buffer.getvalue(), written))
            return result

        return wrapper

    return decorate


def _answer_key(obj: Context, kwargs: dict[str, Any], files: tuple[str, ...]) -> str:
    context = click.get_current_context()
    parts: list[str] = [context.command_path, str(obj.store_location), today().isoformat()]
    for name, value in sorted(kwargs.items()):
        parts.append(f"{name}={value!r}")
        given = value if isinstance(value, list | tuple) else [value]
        for path in given:  # an input file counts by its content
            if name not in files and isinstance(path, Path) and path.is_file():
                parts.append(hashlib.sha256(path.read_bytes()).hexdigest())
    return "answer|" + "|".join(parts)


def _write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    os.replace(partial, path)


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

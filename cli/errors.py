"""How the CLI reports user errors: one line on stderr, exit status 2, no traceback."""

from __future__ import annotations

import functools
import signal
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import click
from dataguard.cli.io import silence_closed_stdout

from dataguard.errors import UsageError

__all__ = ["EXIT_FINDINGS", "EXIT_OK", "EXIT_USAGE", "exit_on_sigterm", "user_errors"]

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2

P = ParamSpec("P")
R = TypeVar("R")


def user_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn :class:`UsageError` and unreadable files into ``error: …`` and exit 2."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except UsageError as exc:
            click.echo(f"error: {exc}", err=True)
            raise SystemExit(EXIT_USAGE) from None
        except BrokenPipeError:  # stdout closed early (| head): end quietly
            silence_closed_stdout()
            raise SystemExit(EXIT_OK) from None
        except OSError as exc:
            where = f" {exc.filename}" if exc.filename else ""
            click.echo(f"error: cannot read{where}: {exc.strerror}", err=True)
            raise SystemExit(EXIT_USAGE) from None

    return wrapper


def exit_on_sigterm() -> None:
    """Make SIGTERM (a pipeline shutting down) end the command like Ctrl-C does.

    It raises ``SystemExit(143)`` in the main thread, so ``finally`` blocks run: stats
    still get written, temporary files removed.
    """
    signal.signal(signal.SIGTERM, _terminate)


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)

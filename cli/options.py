"""Options shared by the commands that read streams (``detect``, ``filter``)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from dataguard.cli.io import stdin_is_interactive

from dataguard.detect import DEFAULT_MIN_SCORE
from dataguard.mask.profiles import DEFAULT_PROFILE, PROFILES
from dataguard.outputs import folder_problem
from dataguard.sources.logs import ENCODINGS

F = TypeVar("F", bound=Callable[..., Any])

__all__ = [
    "OutputFile",
    "entities_option",
    "interactive_and_jobs",
    "jobs_option",
    "line_buffered_option",
    "min_score_option",
    "parse_entities",
    "processes_option",
    "profile_option",
]


class OutputFile(click.Path):
    """A file a command writes (``-o``, ``--stats``): refused at once, by name, when its
    folder is missing or not writable. Found only when writing, the error came after the
    command's work (a whole database scan), and named the temporary file beside it."""

    def __init__(self, path_type: type[Any] = Path) -> None:
        super().__init__(dir_okay=False, path_type=path_type)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        path = super().convert(value, param, ctx)
        target = Path(os.fsdecode(path))
        problem = folder_problem(target)
        if problem is not None:
            self.fail(f"{target}: {problem}", param, ctx)
        return path


entities_option = click.option(
    "--entities",
    metavar="LIST",
    help="Comma-separated entities (default: all; see `dataguard recognizers`).",
)
min_score_option = click.option(
    "--min-score",
    type=click.FloatRange(0.0, 1.0),
    default=DEFAULT_MIN_SCORE,
    show_default=True,
    help="Leave findings scoring below this.",
)
line_buffered_option = click.option(
    "--line-buffered/--block-buffered",
    default=None,
    help="Answer each line before reading the next (default when stdin is a terminal).",
)
jobs_option = click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Worker processes (0: one per CPU). Starting workers costs about a second.",
)


def processes_option(help: str, default: int = 0) -> Callable[[F], F]:
    """``-j/--jobs`` for batch commands: worker processes, ``0`` meaning one per CPU."""
    return click.option(
        "-j", "--jobs", type=click.IntRange(min=0), default=default, show_default=True, help=help
    )


def log_encoding_option(help: str) -> Callable[[F], F]:
    """``--encoding`` for commands reading log lines (:data:`~dataguard.sources.logs.ENCODINGS`).

    *help* says what the command does with the encoding; the choices and what they mean
    are shared.
    """
    return click.option(
        "--encoding",
        type=click.Choice(ENCODINGS),
        default="utf-8",
        show_default=True,
        help="Text encoding: gbk / gb18030 for logs of Windows services or Java with a GBK "
        "charset (read as UTF-8 their Chinese is undecodable, so names and addresses are "
        f"missed); auto: each line UTF-8 if it is, else GB18030. {help}",
    )


def parse_entities(value: str | None) -> tuple[str, ...] | None:
    """``"CN_MOBILE, CN_ID_CARD"`` → ``("CN_MOBILE", "CN_ID_CARD")``; empty → None (all)."""
    if not value:
        return None
    return tuple(e for e in (part.strip() for part in value.split(",")) if e)


def interactive_and_jobs(
    files: tuple[str, ...], line_buffered: bool | None, jobs: int
) -> tuple[bool, int]:
    """Whether to answer line by line, and how many jobs to run.

    Line by line when asked, or by default when stdin is read and is a terminal; then one
    job (workers would only add latency). ``jobs`` 0 means one per CPU.
    """
    reads_stdin = not files or "-" in files
    interactive = (
        (reads_stdin and stdin_is_interactive()) if line_buffered is None else line_buffered
    )
    return interactive, 1 if interactive else (jobs or os.cpu_count() or 1)


profile_option = click.option(
    "-p",
    "--profile",
    default=DEFAULT_PROFILE,
    show_default=True,
    metavar="NAME|FILE",
    help=f"A built-in profile ({', '.join(PROFILES)}) or a TOML policy file.",
)

"""Progress bars for long work: shown on a terminal, silent when piped or quiet.

Library code asks for a bar with `progress_bar(...)`; whether anything is drawn is
decided here, once: stderr must be a terminal and `set_quiet(True)` (the CLI's
--quiet) must not have been called.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Iterator

_quiet = False


def set_quiet(quiet: bool) -> None:
    global _quiet
    _quiet = quiet


def bars_enabled() -> bool:
    return not _quiet and sys.stderr.isatty()


class _Bar:
    def __init__(self, progress=None, task=None):
        self._progress = progress
        self._task = task

    def advance(self, n: int = 1) -> None:
        if self._progress is not None:
            self._progress.advance(self._task, n)


@contextmanager
def progress_bar(total: int, label: str, enabled: bool = True) -> Iterator[_Bar]:
    """A bar over `total` steps; a no-op unless enabled and on a terminal."""
    if not (enabled and bars_enabled() and total > 0):
        yield _Bar()
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), transient=True) as progress:
        yield _Bar(progress, progress.add_task(label, total=total))

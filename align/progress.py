"""Progress bars for long work: shown on a terminal, silent when piped or quiet.

Library code asks for a bar with `progress_bar(...)` (work counted in items: texts,
steps) or `timed_stages(...)` (work in named stages whose length is known only roughly:
building a model); whether anything is drawn is decided here, once: stderr must be a
terminal and `set_quiet(True)` (the CLI's --quiet) must not have been called. Every bar
names its stage and shows the time spent and an estimate of the time left.
"""
from __future__ import annotations

import logging
import sys
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator, Sequence

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
def _logs_above_the_bar() -> Iterator[None]:
    """Send log lines through the bar's console while it is drawn, so they print above it.

    rich swaps sys.stderr for a proxy that keeps the bar at the bottom; a logging handler
    made before holds the real stream and would write into the bar's line.
    """
    moved = [h for h in logging.getLogger().handlers
             if isinstance(h, logging.StreamHandler) and h.stream is sys.__stderr__ and sys.stderr is not h.stream]
    for handler in moved:
        handler.setStream(sys.stderr)
    try:
        yield
    finally:
        for handler in moved:
            handler.setStream(sys.__stderr__)


def _columns(eta_field: bool = False):
    from rich.progress import BarColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    eta = TextColumn("ETA {task.fields[eta]}") if eta_field else TimeRemainingColumn(compact=True)
    return (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(), TextColumn("elapsed,"), eta, TextColumn("left"))


@contextmanager
def progress_bar(total: int, label: str, enabled: bool = True, stage: str | None = None) -> Iterator[_Bar]:
    """A bar over `total` steps, described as "stage: label"; a no-op unless enabled and on a terminal."""
    if not (enabled and bars_enabled() and total > 0):
        yield _Bar()
        return
    from rich.progress import MofNCompleteColumn, Progress

    description = f"{stage}: {label}" if stage else label
    first, bar, *rest = _columns()
    with Progress(first, bar, MofNCompleteColumn(), *rest, transient=True) as progress, _logs_above_the_bar():
        yield _Bar(progress, progress.add_task(description, total=total))


def format_eta(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60}:{seconds % 60:02d}"


class Stages:
    """Named stages with expected durations; `next()` moves to the following stage.

    The estimate of the time left is the expected time of what remains, scaled by how the
    finished stages compared with their expected times (a loaded machine runs them slower).
    """

    def __init__(self, title: str, stages: Sequence[tuple[str, float]],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.title = title
        self._clock = clock
        self.stages = list(stages)
        self.index = -1
        self._done_expected = 0.0
        self._done_actual = 0.0
        self._stage_started = clock()

    @property
    def total(self) -> float:
        return sum(expected for _, expected in self.stages)

    def next(self) -> None:
        now = self._clock()
        if self.index >= 0:
            self._done_expected += self.stages[self.index][1]
            self._done_actual += now - self._stage_started
        self.index = min(self.index + 1, len(self.stages) - 1)
        self._stage_started = now

    def description(self) -> str:
        name = self.stages[max(self.index, 0)][0]
        return f"{self.title}: {name} [{max(self.index, 0) + 1}/{len(self.stages)}]"

    def completed(self) -> float:
        """Expected seconds done: finished stages plus the current one's elapsed part (capped)."""
        expected = self.stages[max(self.index, 0)][1]
        return self._done_expected + min(self._clock() - self._stage_started, 0.95 * expected)

    def seconds_left(self) -> float:
        scale = self._done_actual / self._done_expected if self._done_expected > 0 else 1.0
        return max(0.0, self.total - self.completed()) * scale


@contextmanager
def timed_stages(title: str, stages: Sequence[tuple[str, float]], enabled: bool = True) -> Iterator[Stages]:
    """A bar over named stages of roughly known length (seconds), redrawn as time passes."""
    tracker = Stages(title, stages)
    tracker.next()
    if not (enabled and bars_enabled() and stages):
        yield tracker
        return
    from rich.progress import Progress

    stop = threading.Event()
    with Progress(*_columns(eta_field=True), transient=True) as progress, _logs_above_the_bar():
        task = progress.add_task(tracker.description(), total=tracker.total, eta="?")

        def tick() -> None:
            while not stop.wait(0.25):
                progress.update(task, description=tracker.description(), completed=tracker.completed(),
                                eta=format_eta(tracker.seconds_left()))

        ticker = threading.Thread(target=tick, daemon=True)
        ticker.start()
        try:
            yield tracker
        finally:
            stop.set()
            ticker.join()

"""The errors plan-align raises on purpose. The CLI catches these (and only these)
and prints a one-line `Error: ...`; anything else is a bug and keeps its traceback."""
from __future__ import annotations


class PlanAlignError(Exception):
    """Base class: a problem the user can fix, described in one line."""


class InputError(PlanAlignError):
    """An input file cannot be read: empty, binary, wrong encoding, broken .docx/.pdf."""

    def __init__(self, path: object, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class CorpusError(PlanAlignError):
    """The corpus directory or its manifest is missing or inconsistent, or an id is unknown."""


class IndexStoreError(PlanAlignError):
    """An index on disk is missing, stale (with --no-rebuild), locked or corrupted.

    `problem` is what is wrong; the message adds `hint` (what the user can do), which a
    caller that rebuilds by itself leaves out of its warning."""

    def __init__(self, problem: str, hint: str = ""):
        self.problem = problem
        self.hint = hint
        super().__init__(f"{problem}; {hint}" if hint else problem)


REBUILD_HINT = "rebuild it with `plan-align index build`"


class ModelError(PlanAlignError):
    """A model cannot be found, loaded or built."""


class EvalError(PlanAlignError):
    """The evaluation labels are malformed or do not match the parsed corpus."""


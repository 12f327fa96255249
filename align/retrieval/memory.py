"""What reviewers already decided for similar tasks of other communes, as ranking evidence.

Communes write their plans from the same templates, so a task of one commune often restates
a task of another, and the clause a careful reader gave that one is strong evidence for this
one: stronger than any cosine to the clause itself, which has to bridge a commune's wording
and a resolution's (eval/README.md, "Ranking with the label memory": MRR +0.054 on NQ 57,
+0.144 on 03/NQ-CP).

A `LabelMemory` holds the query vectors of labelled tasks, the clauses each serves in each
reference, and the commune each belongs to. For a task and a reference it gives two
features per clause (`MEMORY_FEATURES`):

- `mem_max`: the best cosine between the task and a remembered task that serves the clause
  (a clause no remembered task serves gets the task's lowest value minus `MISSING_GAP`, so it
  stands below every remembered clause after standardising within the task);
- `mem_vote`: the clause's share of a kernel vote of the remembered tasks (`VOTE_WIDTH`).

The coverage labels name, for each clause a plan carries out, every task that does it; the
memory keeps them too (`covers`), for the serves model, which says on an absolute scale whether a
task carries a clause out (align/decide/serves.py), not for the ranker (`COVERAGE_FEATURES`):

- `cov_max`: the best cosine between the task and a remembered task named as carrying the clause
  out (`MISSING_COSINE`, below any two tasks of the corpus, when none is);
- `cov_vote`: log(1 + the kernel vote of those tasks), unnormalised: how much of what carried the
  clause out elsewhere this task resembles. A clause the other communes' plans leave out has few
  such tasks, so a plan's task on the same theme that does something else finds none close.

A commune's tasks are never scored by its own memories (`exclude`): in the evaluation
that is leave-one-commune-out; in use it means a labelled plan gets what a new commune's
plan would, so what `align` shows for a corpus plan is what the evaluation measured.
The memory is fitted with the other models (`plan-align eval --fit`) and saved as a folder:
`manifest.json`, `vectors.npy` and `entries.jsonl` (one line per task: plan, task id, commune, and
for each reference the clause ids it serves). `plan-align eval --fit --with-reviews` writes the
reviewers' decisions in force over the hand labels (`align.evaluate.remember_reviews`).
"""
from __future__ import annotations

import dataclasses
import json
import logging
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from align.errors import ModelError
from align.types import Elsewhere, RememberedTask

log = logging.getLogger(__name__)

MEMORY_FEATURES = ("mem_max", "mem_vote")
COVERAGE_FEATURES = ("cov_max", "cov_vote")
# The vote's kernel: a remembered task counts exp((cosine - 1) / VOTE_WIDTH), so one at cosine
# 0.98 counts e^-1 of a verbatim repeat and one at 0.90 almost nothing (two random tasks of the
# corpus are at about 0.87: e5's cosines are compressed).
VOTE_WIDTH = 0.02
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
VECTORS = "vectors.npy"
ENTRIES = "entries.jsonl"
MISSING_GAP = 0.02
# The cosine of a clause no remembered task carries out: below any two labelled tasks of the corpus
# (their lowest is 0.773, their median 0.872).
MISSING_COSINE = 0.75
MEMORY_DIR = "memory"              # in the data directory, else the package's data


class LabelMemory:
    """Labelled tasks' vectors and clauses; `features` scores new tasks against them."""

    def __init__(self, model_id: str, vectors: np.ndarray, entries: Sequence[RememberedTask]) -> None:
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or len(vectors) != len(entries):
            raise ModelError(f"label memory of {model_id}: {vectors.shape} vectors for {len(entries)} tasks")
        self.model_id = model_id
        self.vectors = vectors
        self.entries = list(entries)

    def __len__(self) -> int:
        return len(self.entries)

    def fingerprint(self) -> str:
        """A digest of what the memory holds, for caches of what was scored with it."""
        import hashlib

        digest = hashlib.sha256(self.model_id.encode("utf-8"))
        digest.update(np.ascontiguousarray(self.vectors).tobytes())
        for e in self.entries:
            digest.update(json.dumps([e.plan, e.task, e.group, dict(e.serves), dict(e.covers)], sort_keys=True,
                                     ensure_ascii=False).encode())
        return digest.hexdigest()

    def exclude_for(self, plan_id: str) -> set[str]:
        """The communes whose memories may not score `plan_id`: its own, when the memory has it."""
        return {e.group for e in self.entries if e.plan == plan_id}

    @classmethod
    def empty(cls, model_id: str = "", dim: int = 0) -> "LabelMemory":
        return cls(model_id, np.zeros((0, dim), dtype=np.float32), [])

    def features(self, task_vectors: np.ndarray, doc_id: str, clause_ids: Sequence[str],
                 exclude: Iterable[str] = ()) -> dict[str, np.ndarray]:
        """`MEMORY_FEATURES` and, for a reference the memory holds coverage labels of, `COVERAGE_FEATURES`
        (tasks x clauses), from the memories of communes not in `exclude`.

        Without any memory for this reference every `MEMORY_FEATURES` is zeros (it then adds nothing to
        a ranker, which standardises within the task)."""
        task_vectors = np.atleast_2d(np.asarray(task_vectors, dtype=np.float32))
        shape = (task_vectors.shape[0], len(clause_ids))
        members = self._members(doc_id, clause_ids, set(exclude), "serves")
        covering = self._members(doc_id, clause_ids, set(exclude), "covers") if self.covers(doc_id) else None
        cosines = task_vectors @ self.vectors.T if members or covering else None      # tasks x memories
        kernel = np.exp((cosines - 1.0) / VOTE_WIDTH) if cosines is not None else None
        out = {}
        if covering is not None:
            best, vote = _evidence(cosines, kernel, covering, shape)
            out = {"cov_max": np.where(np.isnan(best), MISSING_COSINE, best).astype(np.float32),
                   "cov_vote": np.log1p(vote).astype(np.float32)}
        if not members:
            return {**{name: np.zeros(shape, dtype=np.float32) for name in MEMORY_FEATURES}, **out}
        best, vote = _evidence(cosines, kernel, members, shape)
        total = vote.sum(axis=1, keepdims=True)
        return {"mem_max": _fill_missing(best),
                "mem_vote": np.divide(vote, total, out=np.zeros_like(vote), where=total > 0).astype(np.float32),
                **out}

    def covers(self, doc_id: str) -> bool:
        """Whether the memory holds coverage labels of the reference `doc_id` (then `features` gives the
        `COVERAGE_FEATURES` too)."""
        return any(e.covers.get(doc_id) for e in self.entries)

    def nearest_covering(self, task_vectors: np.ndarray, doc_id: str, clause_ids: Sequence[str],
                         exclude: Iterable[str] = ()) -> list[Elsewhere | None]:
        """Per clause, the remembered task (of a commune not in `exclude`) named as carrying it out that is
        closest to any of these tasks; None where no such task is remembered."""
        members = self._members(doc_id, clause_ids, set(exclude), "covers")
        if not members or not len(task_vectors):
            return [None] * len(clause_ids)
        cosines = np.atleast_2d(np.asarray(task_vectors, dtype=np.float32)) @ self.vectors.T
        out: list[Elsewhere | None] = [None] * len(clause_ids)
        for column, rows in members.items():
            best = cosines[:, rows].max(axis=0)
            entry = self.entries[rows[int(np.argmax(best))]]
            out[column] = Elsewhere(entry.group, entry.plan, entry.task, round(float(best.max()), 4))
        return out

    def _members(self, doc_id: str, clause_ids: Sequence[str], exclude: set[str],
                 said: str = "serves") -> dict[int, list[int]]:
        """Clause column -> rows of the memories (not of excluded communes) that serve it (`said`: "serves",
        from the task labels) or carry it out ("covers", from the coverage labels)."""
        column = {c: j for j, c in enumerate(clause_ids)}
        members: dict[int, list[int]] = {}
        for row, entry in enumerate(self.entries):
            if entry.group in exclude:
                continue
            for clause in getattr(entry, said).get(doc_id, ()):
                if clause in column:
                    members.setdefault(column[clause], []).append(row)
        return members

    def with_covers(self, covers: dict[tuple[str, str], dict[str, tuple[str, ...]]]) -> "LabelMemory":
        """This memory with the clauses each task was named for in the coverage labels ((plan, task id) ->
        {reference: clauses}); a task the memory lacks is left out (it serves nothing by its labels)."""
        entries = [dataclasses.replace(e, covers=dict(covers.get((e.plan, e.task), {}))) for e in self.entries]
        return LabelMemory(self.model_id, self.vectors, entries)

    # -- persistence ------------------------------------------------------------------
    def save(self, directory: str | Path) -> Path:
        from align.paths import atomic_dir

        directory = Path(directory)
        with atomic_dir(directory) as tmp:
            np.save(tmp / VECTORS, self.vectors)
            lines = (json.dumps({"plan": e.plan, "task": e.task, "group": e.group, "serves": dict(e.serves),
                                 "covers": dict(e.covers)}, ensure_ascii=False)
                     for e in self.entries)
            (tmp / ENTRIES).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
            (tmp / MANIFEST).write_text(json.dumps({"format_version": FORMAT_VERSION, "model_id": self.model_id,
                                                    "dim": int(self.vectors.shape[1]), "count": len(self.entries)},
                                                   indent=2) + "\n", encoding="utf-8")
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> "LabelMemory":
        directory = Path(directory)
        try:
            manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
            if manifest.get("format_version") != FORMAT_VERSION:
                raise ModelError(f"{directory}: label memory format {manifest.get('format_version')!r}, "
                                 f"this version reads {FORMAT_VERSION}")
            vectors = np.load(directory / VECTORS)
            lines = (directory / ENTRIES).read_text(encoding="utf-8").splitlines()
            entries = [RememberedTask(item["plan"], item["task"], item["group"],
                                      {d: tuple(c) for d, c in item["serves"].items()},
                                      {d: tuple(c) for d, c in item.get("covers", {}).items()})
                       for item in map(json.loads, filter(str.strip, lines))]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelError(f"{directory}: unreadable label memory ({exc})") from exc
        if len(entries) != manifest.get("count"):
            raise ModelError(f"{directory}: label memory lists {len(entries)} tasks, its manifest "
                             f"{manifest.get('count')}")
        return cls(str(manifest["model_id"]), vectors, entries)


def memory_dir(model_id: str, data_dir: str | Path | None = None, shipped: bool = True) -> Path:
    """Where the memory fitted for `model_id` lives: the data directory's when it has one, else
    (`shipped`) the package's."""
    from align.paths import SHIPPED_DATA, data_root

    name = model_id.replace(":", "-").replace("/", "_")
    own = Path(data_dir or data_root()) / MEMORY_DIR / name
    return own if own.joinpath(MANIFEST).is_file() or not shipped else SHIPPED_DATA / MEMORY_DIR / name


def load_memory(model_id: str, data_dir: str | Path | None = None) -> LabelMemory:
    """The fitted memory for `model_id`; an empty one when none was fitted (the features are then zeros)."""
    directory = memory_dir(model_id, data_dir)
    if not directory.joinpath(MANIFEST).is_file():
        log.info("no label memory fitted for %s (run `plan-align eval --fit`)", model_id)
        return LabelMemory.empty(model_id)
    memory = LabelMemory.load(directory)
    if memory.model_id != model_id:
        raise ModelError(f"{directory}: label memory of {memory.model_id}, not {model_id}")
    return memory


def _evidence(cosines: np.ndarray | None, kernel: np.ndarray | None, members: dict[int, list[int]],
              shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """(best cosine, NaN where no member; kernel vote) per task and clause column, from the tasks x
    memories `cosines` and their `kernel` (None only when there are no `members`)."""
    best = np.full(shape, np.nan, dtype=np.float32)
    vote = np.zeros(shape, dtype=np.float64)
    for column, rows in members.items():
        best[:, column] = cosines[:, rows].max(axis=1)
        vote[:, column] = kernel[:, rows].sum(axis=1)
    return best, vote


def _fill_missing(matrix: np.ndarray) -> np.ndarray:
    """Clauses no memory serves: just below the task's lowest remembered value."""
    low = np.nanmin(matrix, axis=1, keepdims=True) - MISSING_GAP
    return np.where(np.isnan(matrix), low, matrix).astype(np.float32)

"""The workbench's state: one `PlanAlign`, the review memory's file, the language, and id checks.

Every request names documents, tasks and clauses by id only; the ids are checked here against
the corpus (a plan id must be a commune plan of the manifest, a task one of its tasks, a clause
one of the reference's), so no request can make the library read a path. Calls into the library
go through one lock: the PlanAlign builds its state lazily and is not meant to be built twice
at once, and a local tool for a few reviewers does not need more.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from align.errors import PlanAlignError


class NotFound(PlanAlignError):
    """An id the corpus does not have."""


class Workbench:
    def __init__(self, pa, store_path: str | Path, lang: str) -> None:
        self.pa, self.store_path, self.lang = pa, Path(store_path), lang
        self.lock = threading.RLock()
        self._alignments: dict[str, Any] = {}
        self._gaps: dict[tuple[str, str], tuple[Any, dict[str, Any]]] = {}
        self._suggestions: dict[str, tuple[Any, list[dict[str, Any]]]] = {}

    @contextmanager
    def api(self) -> Iterator[Any]:
        """The PlanAlign, for one call at a time."""
        with self.lock:
            yield self.pa

    def store(self):
        """The review memory (with the pair verdicts), opened for one request."""
        from align.pair_reviews import PairStore

        return PairStore(self.store_path)

    def corpus_changed(self) -> None:
        self._alignments.clear()
        self._gaps.clear()
        self._suggestions.clear()

    # -- ids -------------------------------------------------------------------------------------
    def plan_ids(self) -> list[str]:
        with self.api() as pa:
            return [e.id for e in pa.corpus.entries if e.kind == "commune-plan"]

    def ref_ids(self) -> list[str]:
        """The references, the primary one (NQ 57) first."""
        with self.api() as pa:
            first = pa.default_ref()
            refs = [e.id for e in pa.corpus.entries if e.kind == "reference"]
        return [first] + [r for r in refs if r != first]

    def plan(self, plan_id: str):
        if plan_id not in self.plan_ids():
            raise NotFound(plan_id)
        with self.api() as pa:
            return pa.corpus.document(plan_id)

    def ref(self, ref_id: str):
        if ref_id not in self.ref_ids():
            raise NotFound(ref_id)
        with self.api() as pa:
            return pa.corpus.document(ref_id)

    def task(self, plan_id: str, task_id: str):
        found = next((t for t in self.plan(plan_id).tasks if t.id == task_id), None)
        if found is None:
            raise NotFound(f"{plan_id} {task_id}")
        return found

    def clause(self, ref_id: str, clause_id: str):
        found = next((c for c in self.ref(ref_id).clauses if c.id == clause_id), None)
        if found is None:
            raise NotFound(f"{ref_id} {clause_id}")
        return found

    # -- library results -------------------------------------------------------------------------
    def alignment(self, plan_id: str) -> dict[str, Any]:
        """The plan's alignment JSON (top 3 clauses of every reference), kept: reviews do not change it."""
        self.plan(plan_id)
        if plan_id not in self._alignments:
            with self.api() as pa:
                self._alignments[plan_id] = pa.align(plan_id, refs=self.ref_ids(), top_k=3).to_json()
        return self._alignments[plan_id]

    def gaps(self, plan_id: str, ref_id: str) -> dict[str, Any]:
        """Every clause's state for the plan, with the reviewers' decisions in force: kept until those
        decisions change (the plan's own decisions are all `gaps` reads of the review memory), since
        scoring a long plan against a reference takes most of a second."""
        self.plan(plan_id), self.ref(ref_id)
        seen = tuple(sorted((k, d.action, d.clause_id, d.time) for k, d in self.decisions(plan_id).items()))
        kept = self._gaps.get((plan_id, ref_id))
        if kept is None or kept[0] != seen:
            with self.api() as pa:
                kept = seen, pa.gaps(plan_id, ref=ref_id, reviewed=True).to_json()
            self._gaps[(plan_id, ref_id)] = kept
        return kept[1]

    def suggestions(self, plan_id: str) -> list[dict[str, Any]]:
        """The clauses reviewers chose for near-repeats of the plan's tasks in other plans (JSON rows): kept
        until the review memory gains a row (any plan's decision or undo), as finding near-repeats across
        plans costs a long plan a quarter of a second."""
        plan = self.plan(plan_id)
        with self.store() as store:
            rows = store.history()
        seen = (len(rows), rows[-1].time if rows else None)
        kept = self._suggestions.get(plan_id)
        if kept is None or kept[0] != seen:
            with self.api() as pa:
                kept = seen, pa.suggestions(plan).to_json()["suggestions"]
            self._suggestions[plan_id] = kept
        return kept[1]

    def decisions(self, plan_id: str) -> dict:
        with self.store() as store:
            return store.current(plan_id)

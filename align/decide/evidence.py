"""What the decisions look at: a plan's full task x clause evidence against one reference.

Two probabilities per (task, clause): the ranker's (`scores`, normalised within the task:
which clause a task serves first) and the serves model's (`serves`, on an absolute scale:
does the task serve this clause at all, align/decide/serves.py). A guiding viewpoint is
carried out through the reference's own tasks, never named by a commune task, so each
viewpoint is linked to the task clauses of the reference closest to it (`links`) and
inherits their coverage.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from align.types import ClauseKind, Document

CHUNK_TASKS = 4096          # tasks scored per pair_scores call when scoring a whole corpus
TERMS = 6                   # shared key terms shown per evidence task
LINKS = 3                   # task clauses a viewpoint inherits its coverage from
VIEWPOINT = ClauseKind.VIEWPOINT


@dataclass(frozen=True, eq=False)
class PlanEvidence:
    """Rows = plan.tasks, columns = ref.clauses."""

    plan: Document
    ref: Document
    scores: np.ndarray          # the ranker's calibrated probability (within the task)
    serves: np.ndarray          # probability that the task serves the clause (absolute)
    dense: np.ndarray           # cosine of task and clause embeddings
    task_tokens: tuple[tuple[str, ...], ...]
    clause_tokens: tuple[tuple[str, ...], ...]
    links: tuple[tuple[int, ...], ...] = ()    # per clause: the clauses it inherits coverage from
    elsewhere: tuple = ()       # per clause: align.types.Elsewhere (another commune's task carrying it out) or None

    @property
    def best(self) -> np.ndarray:
        """Best ranker score of each clause over the plan's tasks (0 for a plan without tasks)."""
        if self.scores.shape[0] == 0:
            return np.zeros(self.scores.shape[1], dtype=np.float32)
        return self.scores.max(axis=0)

    def terms(self, row: int, column: int, idf: dict[str, float] | None = None) -> tuple[str, ...]:
        """Key terms task `row` and clause `column` share, most telling first."""
        from align.text.analyze import key_terms

        found = key_terms(list(self.task_tokens[row]), list(self.clause_tokens[column]), k=TERMS, idf=idf)
        return tuple(t.replace("_", " ") for t in found)


def viewpoint_links(ref: Document, vectors: np.ndarray) -> tuple[tuple[int, ...], ...]:
    """For each viewpoint clause of `ref`, its LINKS nearest non-viewpoint clauses (rows of `vectors`
    follow ref.clauses); () for every other clause."""
    others = np.array([j for j, c in enumerate(ref.clauses) if c.kind != VIEWPOINT], dtype=np.int64)
    out = []
    for j, clause in enumerate(ref.clauses):
        if clause.kind != VIEWPOINT or not len(others):
            out.append(())
            continue
        sims = vectors[others] @ vectors[j]
        out.append(tuple(int(others[k]) for k in np.argsort(-sims, kind="stable")[:LINKS]))
    return tuple(out)


def reference_links(aligner, ref: Document) -> tuple[tuple[int, ...], ...]:
    records, vectors = aligner.clause_vectors(ref.id)
    row = {r.id: i for i, r in enumerate(records)}
    return viewpoint_links(ref, np.asarray(vectors[[row[c.id] for c in ref.clauses]], np.float32))


def _empty(plan: Document, ref: Document, links) -> PlanEvidence:
    zeros = np.zeros((0, len(ref.clauses)), dtype=np.float32)
    return PlanEvidence(plan, ref, zeros, zeros, zeros, (), (), links)


def from_pairs(plans: Sequence[Document], ref: Document, pairs, fusion, serves, method: str,
               links: tuple[tuple[int, ...], ...] = (), memory=None) -> dict[str, PlanEvidence]:
    """Split one pair_scores result (the tasks of `plans`, in order) by plan, with the ranker's scores
    by `method` and the serves probabilities, the clauses in the reference's order.

    The serves model reads how each task stands among its own plan's tasks, so it is applied plan
    by plan: a plan's evidence never depends on which plans were scored with it. It always reads
    the hybrid ranker's score of each task alone, whatever method ranks the clauses; the ranked
    scores (`PlanEvidence.scores`) are the plan's, moved by its other tasks (`Fusion.score_plan`).
    With the label `memory`, each clause also names the task of another commune that carries it
    out closest to the plan's tasks.
    """
    order = {c.id: j for j, c in enumerate(ref.clauses)}
    columns = np.zeros(len(ref.clauses), dtype=np.int64)
    for j, record in enumerate(pairs.clauses):
        columns[order[record.id]] = j
    hybrid = fusion.scorers["hybrid"].rank_scores(pairs.features)[:, columns]
    features = {k: np.asarray(v)[:, columns] for k, v in pairs.features.items()}
    clause_tokens = tuple(pairs.clause_views[j].tokens for j in columns)
    clause_ids = [c.id for c in ref.clauses]
    out, start = {}, 0
    for doc in plans:
        rows = slice(start, start + len(doc.tasks))
        mine = {k: v[rows] for k, v in features.items()}
        probability = serves.predict(mine, hybrid[rows])
        ranked = fusion.score_plan(method, mine, pairs.task_vectors[rows], ref.id)
        elsewhere = () if memory is None else tuple(memory.nearest_covering(
            pairs.task_vectors[rows], ref.id, clause_ids, memory.exclude_for(doc.id)))
        out[doc.id] = PlanEvidence(doc, ref, ranked, probability, np.asarray(features["dense"][rows], np.float32),
                                   tuple(v.tokens for v in pairs.task_views[rows]), clause_tokens, links, elsewhere)
        start += len(doc.tasks)
    return out


def score_plans(aligner, plans: Sequence[Document], ref: Document, method: str, serves) -> dict[str, PlanEvidence]:
    """The evidence of several plans against `ref`, scored in chunks of tasks."""
    from align.corpus_index import task_records

    links = reference_links(aligner, ref)
    out: dict[str, PlanEvidence] = {}
    chunk: list[Document] = []

    def flush() -> None:
        records = [r for doc in chunk for r in task_records(doc)]
        if records:
            pairs = aligner.pair_scores(records, ref.id)
            out.update(from_pairs(chunk, ref, pairs, aligner.fusion, serves, method, links, aligner.memory))
        else:
            out.update({doc.id: _empty(doc, ref, links) for doc in chunk})
        chunk.clear()

    for plan in plans:
        chunk.append(plan)
        if sum(len(d.tasks) for d in chunk) >= CHUNK_TASKS:
            flush()
    flush()
    return out

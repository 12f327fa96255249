"""Scoring alignment methods against the hand-written labels in `eval/`.

Labels name a task by a short text anchor (so they survive changes of task ids) and
list the clauses it serves. Anything fitted on the labels (fusion weights and the
calibration of single components) is scored leave-one-commune-out: the weights that
rank a commune's tasks were fitted without any of that commune's labels.
"""
from __future__ import annotations

import dataclasses
import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from align.errors import EvalError
from align.metrics import best_threshold, ranking_metrics, summarise, worst_misses
from align.retrieval.context import PlanContext
from align.retrieval.fusion import METHODS, Fusion
from align.retrieval.memory import LabelMemory
from align.text.normalize import fold
from align.types import Task

log = logging.getLogger(__name__)

LABELS_FILE = "labels.jsonl"               # in the labels directory (align.paths.eval_dir)
REF_KEYS = {"nq57": "nq57", "nq03": "nq03"}


@dataclass(frozen=True)
class Label:
    plan: str
    anchor: str
    refs: dict[str, tuple[str, ...] | None]   # doc id -> clause ids ([] = serves none, None = not labelled)
    kind: str = "task"
    note: str = ""
    occurrence: int | None = None              # nth task containing the anchor, for verbatim repeats


@dataclass
class Sample:
    """A labelled task with its features against every clause of one reference document."""

    plan: str
    group: str                                 # commune, for leave-one-out
    task: Task
    doc: str
    clause_ids: list[str]
    clause_fields: list[dict]
    relevant: set[str]
    features: dict[str, np.ndarray] = field(default_factory=dict)   # name -> (C,)
    vector: np.ndarray | None = None           # the task's query vector, for the label memory


@dataclass(frozen=True)
class LocoRun:
    """What the ranking evaluation fitted, for the decisions' evaluation to reuse rather than fit
    again (nine of its thirty fusion fits): the samples, the fusions fitted without each commune and
    on all (`fusions`: communes left out -> fusion, before any context), and each task's hybrid
    scores ranked alone (`alone`), which the plan contexts are chosen on."""

    samples: tuple[Sample, ...]
    fusions: dict[frozenset, Fusion]
    alone: tuple[np.ndarray, ...]


def read_labels(path: str | Path) -> list[Label]:
    path = Path(path)
    labels = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise EvalError(f"{path}: cannot read labels ({exc})") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            refs = {doc: (tuple(item[key]) if item.get(key) is not None else None) for doc, key in REF_KEYS.items()}
            labels.append(Label(item["plan"], item["anchor"], refs, item.get("kind", "task"), item.get("note", ""),
                                item.get("occurrence")))
        except (ValueError, KeyError, TypeError) as exc:
            raise EvalError(f"{path}:{number}: malformed label ({exc})") from exc
    return labels


def find_task(tasks: Sequence[Task], anchor: str, occurrence: int | None = None) -> Task | None:
    """The one task whose folded text contains the folded anchor (None if none or several).

    `occurrence` picks the nth such task in document order, for tasks repeated word for word.
    """
    key = " ".join(fold(anchor).split())
    hits = [t for t in tasks if key in _folded(t.text)]
    if occurrence is not None:
        return hits[occurrence - 1] if 0 < occurrence <= len(hits) else None
    return hits[0] if len(hits) == 1 else None


@lru_cache(maxsize=8192)
def _folded(text: str) -> str:
    """fold(text), kept: every label's anchor is looked up among the same few hundred task texts."""
    return fold(text)


def collect_samples(session, labels: Sequence[Label], group_sessions: dict | None = None
                    ) -> tuple[list[Sample], list[Label]]:
    """Features for every labelled (task, reference) pair; also the labels whose anchor did not resolve.

    `group_sessions` maps a commune to the session scoring its tasks, for models trained
    leave-one-commune-out (each commune is scored by the model that never saw it).
    """
    from align.corpus_index import task_records

    samples, unresolved = [], []
    by_plan: dict[str, list[Label]] = defaultdict(list)
    for label in labels:
        by_plan[label.plan].append(label)
    for plan_id, plan_labels in by_plan.items():
        doc = session.corpus.document(plan_id)
        group = str(session.corpus.entry(plan_id).meta.get("commune", plan_id))
        chosen: list[tuple[Label, Task]] = []
        for label in plan_labels:
            task = find_task(doc.tasks, label.anchor, label.occurrence)
            if task is None:
                unresolved.append(label)
            else:
                chosen.append((label, task))
        records = {r.id: r for r in task_records(doc)}
        scorer = (group_sessions or {}).get(group, session)
        labelled = sorted({r for label in plan_labels for r in label.refs} - set(REF_KEYS))
        for ref in (*REF_KEYS, *labelled):       # the files' references, then any other a label names
            subset = [(lab, t) for lab, t in chosen if lab.refs.get(ref) is not None]
            if not subset:
                continue
            pairs = scorer.aligner.pair_scores([records[t.id] for _, t in subset], ref, remember=False)
            for i, (label, task) in enumerate(subset):
                samples.append(Sample(plan_id, group, task, ref, [c.id for c in pairs.clauses],
                                      [dict(c.fields) for c in pairs.clauses], set(label.refs[ref] or ()),
                                      {name: m[i] for name, m in pairs.features.items()}, pairs.task_vectors[i]))
    if unresolved:
        log.warning("%d label anchors did not resolve to exactly one task: %s", len(unresolved),
                    "; ".join(f"{l.plan}: {l.anchor!r}" for l in unresolved[:5]))
    return samples, unresolved


def _groups(samples: Iterable[Sample]) -> list[tuple[dict[str, np.ndarray], np.ndarray]]:
    return [(s.features, np.array([c in s.relevant for c in s.clause_ids], dtype=int)) for s in samples if s.relevant]


def label_memory(model_id: str, samples: Sequence[Sample]) -> LabelMemory:
    """The labelled tasks of `samples` as a label memory: one memory per task, with the clauses it
    serves in each reference it was labelled for."""
    from align.types import RememberedTask

    tasks: dict[tuple[str, str], tuple[Sample, dict[str, tuple[str, ...]]]] = {}
    for s in samples:
        if s.vector is not None:
            tasks.setdefault((s.plan, s.task.id), (s, {}))[1][s.doc] = tuple(sorted(s.relevant))
    kept = [(s, serves) for s, serves in tasks.values() if any(serves.values())]
    if not kept:
        return LabelMemory.empty(model_id)
    return LabelMemory(model_id, np.stack([s.vector for s, _ in kept]),
                       [RememberedTask(s.plan, s.task.id, s.group, serves) for s, serves in kept])


def remember_reviews(memory: LabelMemory, session, decisions) -> LabelMemory:
    """The memory with the reviewers' decisions in force ({plan: {(task id, ref): decision}}) written over
    the hand labels: a chosen or accepted clause is served, a rejected one is not, "serves no clause"
    empties the task's clauses for that reference. A reviewed task nobody labelled joins the memory."""
    from align.corpus_index import task_records
    from align.reviews import chosen, for_plan
    from align.types import REJECT, SERVES_NONE, RememberedTask

    vectors = {(e.plan, e.task): v for e, v in zip(memory.entries, memory.vectors)}
    entries = {(e.plan, e.task): e for e in memory.entries}
    known = {e.id for e in session.corpus.entries}
    for pid, found in decisions.items():
        if pid not in known:
            continue
        doc = session.corpus.document(pid)
        placed, _ = for_plan(dict(found), doc)
        rows, records = sorted({row for row, _ in placed}), task_records(doc)
        fresh = dict(zip(rows, session.aligner.task_vectors([records[r] for r in rows]))) if rows else {}
        group = str(session.corpus.entry(pid).meta.get("commune", pid))
        for (row, ref), d in placed.items():
            key = (pid, doc.tasks[row].id)
            entry = entries.get(key) or RememberedTask(pid, key[1], group, {})
            clauses = set(entry.serves.get(ref, ()))
            if d.action == SERVES_NONE:
                clauses = set()
            elif d.action == REJECT:
                clauses.discard(d.clause_id)
            elif chosen(d):
                clauses.add(d.clause_id)
            entries[key] = dataclasses.replace(entry, serves={**entry.serves, ref: tuple(sorted(clauses))})
            vectors.setdefault(key, fresh[row])
    kept = [k for k, e in entries.items() if any(e.serves.values())]
    if not kept:
        return LabelMemory.empty(memory.model_id)
    return LabelMemory(memory.model_id, np.stack([vectors[k] for k in kept]), [entries[k] for k in kept])


def remembered(samples: Sequence[Sample], memory: LabelMemory | None, held_out: Iterable[str] = ()) -> list[Sample]:
    """`samples` with the label memory's features, each from the memories of communes other than its own
    and the `held_out` ones (leave-one-commune-out: a fold's training tasks never remember the held-out
    commune either)."""
    if memory is None:
        return list(samples)
    held_out = set(held_out)
    out = []
    for s in samples:
        extra = memory.features(s.vector, s.doc, s.clause_ids, held_out | {s.group})
        out.append(dataclasses.replace(s, features={**s.features, **{k: v[0] for k, v in extra.items()}}))
    return out


def fit_fusion(model_id: str, samples: Sequence[Sample], features: Sequence[str] | None = None,
               memory: LabelMemory | None = None, held_out: Iterable[str] = ()) -> Fusion:
    groups = _groups(remembered(samples, memory, held_out))
    if not groups:
        raise EvalError("no labelled positive pairs to fit on")
    return Fusion.fit(model_id, groups, meta={"samples": len(samples)}, features=features)


def loco_scores(model_id: str, samples: Sequence[Sample], features: Sequence[str] | None = None,
                memory: LabelMemory | None = None, context: bool = True,
                fits: dict[frozenset, Fusion] | None = None) -> dict[str, list[np.ndarray]]:
    """Per method, each sample's clause scores from a fusion fitted without its commune
    (`features`: the hybrid ranker's, when not all), with the label memory's features from the
    other communes (`memory`; None: the samples' features as they are); with `context`, the hybrid
    ranker's moved by the plan's other tasks as a context chosen on the other communes says.
    `fits` ({communes left out: fusion}, the same features and memory) lends the fold fusions it
    holds and keeps those fitted here."""
    scores = _loco_alone(model_id, samples, features, memory, {} if fits is None else fits)
    if context:
        scores["hybrid"] = loco_in_context(samples, scores["hybrid"])
    return scores


def _loco_alone(model_id, samples, features, memory, fits: dict) -> dict[str, list[np.ndarray]]:
    scores: dict[str, list[np.ndarray | None]] = {m: [None] * len(samples) for m in METHODS}
    for group in sorted({s.group for s in samples}):
        held_out = frozenset({group})
        if held_out not in fits:
            fits[held_out] = fit_fusion(model_id, [s for s in samples if s.group != group], features, memory,
                                        held_out)
        fusion = fits[held_out]
        held = {i: s for i, s in enumerate(samples) if s.group == group}
        for i, s in zip(held, remembered(list(held.values()), memory)):
            feats = {k: v[None, :] for k, v in s.features.items()}
            for m in METHODS:
                scores[m][i] = fusion.score(m, feats)[0]
    return scores  # type: ignore[return-value]


# -- plan context (align/retrieval/context.py) --------------------------------------
# The candidates, one of which is chosen per reference: the ranker alone, smoothing over near-twin
# tasks, competition among the plan's tasks, both. Four, so that a choice made on three communes
# holds on the fourth (a finer grid chose differently in each fold and lost on the held-out one).
CONTEXTS = (PlanContext(), PlanContext(smooth=0.1), PlanContext(compete=0.25),
            PlanContext(smooth=0.1, compete=0.25))


def in_context(samples: Sequence[Sample], scores: Sequence[np.ndarray], contexts: dict[str, PlanContext]
               ) -> list[np.ndarray]:
    """`scores` with each plan's tasks moved by their reference's context (the plan's labelled tasks
    stand for the plan: all its tasks and targets are labelled)."""
    out = list(scores)
    plans: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, s in enumerate(samples):
        plans[(s.plan, s.doc)].append(i)
    for (_, doc), rows in plans.items():
        context = contexts.get(doc)
        if context is None or context.identity:
            continue
        moved = context.adjust(np.stack([scores[i] for i in rows]), np.stack([samples[i].vector for i in rows]))
        for r, i in enumerate(rows):
            out[i] = moved[r]
    return out


def _context_rr(samples, scores) -> dict[PlanContext, list[float | None]]:
    docs = {s.doc for s in samples}
    tried = {c: in_context(samples, scores, dict.fromkeys(docs, c)) for c in CONTEXTS}
    return {c: [ranking_metrics(sc, s)["mrr"] if s.relevant else None for s, sc in zip(samples, moved)]
            for c, moved in tried.items()}


def choose_contexts(samples: Sequence[Sample], scores: Sequence[np.ndarray], without: Iterable[str] = (),
                    _rr=None) -> dict[str, PlanContext]:
    """Per reference, the candidate context with the best MRR on the tasks of the communes not in
    `without` (`scores`: their leave-one-commune-out scores); the ranker alone wins a tie."""
    without, rr = set(without), _rr or _context_rr(samples, scores)
    chosen = {}
    for doc in sorted({s.doc for s in samples}):
        keep = [i for i, s in enumerate(samples) if s.doc == doc and s.group not in without and s.relevant]
        if keep:
            chosen[doc] = max(CONTEXTS, key=lambda c: float(np.mean([rr[c][i] for i in keep])))
    return {doc: c for doc, c in chosen.items() if not c.identity}


def loco_in_context(samples: Sequence[Sample], scores: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Leave-one-commune-out scores moved by contexts chosen, for each commune, on the others' (nested)."""
    rr, out = _context_rr(samples, scores), list(scores)
    for group in sorted({s.group for s in samples}):
        moved = in_context(samples, scores, choose_contexts(samples, scores, {group}, rr))
        for i, s in enumerate(samples):
            if s.group == group:
                out[i] = moved[i]
    return out


def evaluate_session(session, labels: Sequence[Label], default_method: str = "hybrid",
                     group_sessions: dict | None = None, name: str | None = None, reviews=None) -> dict:
    """Every method's metrics for one model, leave-one-commune-out, plus the fusion fitted on all labels
    (`reviews`: reviewers' decisions in force, {plan: {(task, ref): decision}}, written into the label
    memory; like hand labels, never remembered when their own commune is scored)."""
    model_id = session.embedder.model_id
    samples, unresolved = collect_samples(session, labels, group_sessions)
    label = name or model_id
    if not samples:
        raise EvalError("no label resolved to a task; check the anchors against the parsed plans")
    # Models trained leave-one-commune-out embed each commune in their own space: no memory across them.
    memory = None if group_sessions else label_memory(model_id, samples)
    if memory is not None and reviews:
        memory = remember_reviews(memory, session, reviews)
    fits: dict[frozenset, Fusion] = {}
    alone = loco_scores(model_id, samples, memory=memory, context=False, fits=fits)
    scores = {**alone, "hybrid": loco_in_context(samples, alone["hybrid"])}
    rows = []
    for method in METHODS:
        for doc in REF_KEYS:
            rows.append({"model": label, "method": method + (" (default)" if method == default_method else ""),
                         "ref": doc, **summarise(samples, scores[method], doc)})
    plans = sorted({s.plan for s in samples})
    per_plan = [{"model": label, "method": default_method, "ref": doc, "plan": plan,
                 **summarise(samples, scores[default_method], doc, plan)} for doc in REF_KEYS for plan in plans]
    fusion = fit_fusion(model_id, samples, memory=memory)
    fits[frozenset()] = dataclasses.replace(fusion, meta=dict(fusion.meta))
    fusion.contexts = choose_contexts(samples, alone["hybrid"])
    threshold = best_threshold(samples, scores[default_method])
    fusion.meta.update({"threshold": threshold, "labels": len(labels) - len(unresolved)})
    worst = worst_misses(samples, scores[default_method], "nq57")
    return {"model": label, "rows": rows, "per_plan": per_plan, "fusion": fusion, "memory": memory,
            "threshold": threshold,
            "unresolved": [(l.plan, l.anchor) for l in unresolved], "worst": worst,
            "labels": len(labels), "samples": len(samples),
            # Models trained per commune score in their own spaces, which the decisions do not use.
            "ranked": None if group_sessions else LocoRun(tuple(samples), fits, tuple(alone["hybrid"]))}


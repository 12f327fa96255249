"""Scoring and fitting the decisions against the labels in eval/, leave-one-commune-out.

Each commune's decisions are taken by models that never saw its labels: the fusion that
ranks its tasks, the serves model, and the cuts, which are chosen on predictions for the
other communes made by models that saw neither them nor it (nested leave-one-out). The
deployed models (`fit_all`) are fitted on every label; their cuts come from the
leave-one-commune-out predictions, which are honest about a commune never seen.
"""
from __future__ import annotations

import dataclasses
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from align.decide.applicability import rule_accuracy
from align.decide.coverage_eval import (clause_rules, coverage_figures, deployed_cuts, evaluate_coverage,
                                        general_support, labelled_refs)
from align.decide.evidence import PlanEvidence, from_pairs, reference_links
from align.decide.logistic import best_cut, confusion
from align.decide.models import Decisions
from align.decide.orphans import OrphanModel, orphan_scores
from align.decide.pair_eval import PairSet, evaluate_pairs
from align.decide.serves import ServesModel, design, reads_coverage
from align.retrieval.memory import COVERAGE_FEATURES
from align.types import Document

log = logging.getLogger(__name__)

ORPHAN_PRECISION = 0.8
METHOD = "hybrid"


@dataclass
class LabelledCorpus:
    """The labelled plans' pair features against every reference, computed once, and the models
    fitted without given communes, fitted once each."""

    session: object
    plans: dict[str, Document]
    groups: dict[str, str]                  # plan -> commune
    refs: list[Document]
    pairs: dict[tuple[str, str], object]    # (plan, ref) -> PairScores
    links: dict[str, tuple]                 # ref -> viewpoint links
    samples: list                           # align.evaluate.Sample, for the fusion
    served: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]]   # (plan, ref) -> (labels T x C, judged T)
    memory: object = None                  # align.retrieval.memory.LabelMemory of the task labels
    reviewed: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    # (plan, ref) -> (labels T x C, judged T x C) from reviewers' decisions: training labels only, never scored
    covering: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    # (plan, ref) -> (labels T x C, judged T x C) from the coverage labels: a labelled clause's column is judged
    # for every task (the reader names every task that carries it out), its named tasks serve it
    _models: dict = field(default_factory=dict)
    _scored: dict = field(default_factory=dict)
    _alone: list | None = None
    _fits: dict = field(default_factory=dict)
    # communes left out -> fusion before its contexts, from the ranking evaluation (align.evaluate.LocoRun) or
    # fitted here; the ranker reads the task labels' memory, never the coverage labels' covers, so a copy of
    # the corpus with other covers (`general_support`) shares them

    @property
    def communes(self) -> list[str]:
        return sorted(set(self.groups.values()))

    def models(self, without: frozenset[str]):
        """(fusion, serves model) fitted on the labels of every commune not in `without`."""
        if without not in self._models:
            from align.evaluate import choose_contexts, fit_fusion

            fitted = self._fits.get(without)
            if fitted is None:
                fitted = self._fits[without] = fit_fusion(
                    self.session.embedder.model_id, [s for s in self.samples if s.group not in without],
                    memory=self.memory, held_out=without)
            fusion = dataclasses.replace(fitted, meta=dict(fitted.meta),
                                         contexts=choose_contexts(self.samples, self.ranked_alone(), without))
            self._models[without] = (fusion, self._fit_serves(fusion, without))
        return self._models[without]

    def ranked_alone(self) -> list:
        """The samples' leave-one-commune-out hybrid scores, each task ranked alone: what the plan
        contexts are chosen on."""
        if self._alone is None:
            from align.evaluate import loco_scores

            self._alone = loco_scores(self.session.embedder.model_id, self.samples, memory=self.memory,
                                      context=False, fits=self._fits)["hybrid"]
        return self._alone

    def scored(self, plan: str, ref: str, without: frozenset[str]):
        """The plan's pair scores against `ref` with the label memory of the communes neither the plan's
        nor in `without`."""
        key = (plan, ref, without)
        if key not in self._scored:
            self._scored[key] = self.pairs[(plan, ref)].remembered(self.memory, without | {self.groups[plan]})
        return self._scored[key]

    def _fit_serves(self, fusion, without: frozenset[str]) -> ServesModel:
        xs, ys, covered = [], [], []
        for pid, ref in self.pairs:
            if self.groups[pid] in without:     # the held-out communes' labels and reviews alike
                continue
            pairs = self.scored(pid, ref, without)
            labels, judged = self.training_labels(pid, ref)
            features = {**dict.fromkeys(COVERAGE_FEATURES, np.zeros(judged.shape)), **pairs.features}
            xs.append(design(features, fusion.scorers["hybrid"].rank_scores(pairs.features))[judged])
            ys.append(labels[judged])
            covered.append(np.full(int(judged.sum()), reads_coverage(pairs.features)))
        return ServesModel.fit(np.concatenate(xs), np.concatenate(ys), np.concatenate(covered))

    def training_labels(self, plan: str, ref: str) -> tuple[np.ndarray, np.ndarray]:
        """(labels, judged), both tasks x clauses: the hand labels' judged rows, joined by the coverage
        labels' judged columns (a pair either says serves, serves), with the reviewed pairs (`reviewed`)
        written over them."""
        labels, rows = self.served[(plan, ref)]
        judged = np.repeat(rows[:, None], labels.shape[1], axis=1)
        covering = self.covering.get((plan, ref))
        if covering is not None:
            labels, judged = labels | covering[0], judged | covering[1]
        extra = self.reviewed.get((plan, ref))
        if extra is None:
            return labels, judged
        said, told = extra
        return np.where(told, said, labels), judged | told

    def evidence(self, without: frozenset[str], plan: str, ref: Document) -> PlanEvidence:
        fusion, serves = self.models(without)
        pairs = self.scored(plan, ref.id, without)
        return from_pairs([self.plans[plan]], ref, pairs, fusion, serves, METHOD, self.links[ref.id])[plan]


def _served(doc: Document, pairs, ref_id: str, task_labels) -> tuple[np.ndarray, np.ndarray]:
    from align.evaluate import find_task

    ids = [c.id for c in pairs.clauses]
    position = {t.id: i for i, t in enumerate(doc.tasks)}
    labels = np.zeros((len(doc.tasks), len(ids)), bool)
    judged = np.zeros(len(doc.tasks), bool)
    for label in task_labels:
        task = find_task(doc.tasks, label.anchor, label.occurrence) if label.plan == doc.id else None
        if task is None or label.refs.get(ref_id) is None:
            continue
        judged[position[task.id]] = True
        for clause in label.refs[ref_id]:
            if clause in ids:
                labels[position[task.id], ids.index(clause)] = True
    return labels, judged


def _covering(doc: Document, pairs, ref_id: str, coverage_labels, named) -> tuple[np.ndarray, np.ndarray]:
    """The coverage labels of `doc` on `ref_id` as serves labels: (named tasks, judged columns); `named`
    is `_named_tasks` of the labels."""
    ids = {c.id: j for j, c in enumerate(pairs.clauses)}
    labels = np.zeros((len(doc.tasks), len(ids)), bool)
    judged = np.zeros((len(doc.tasks), len(ids)), bool)
    for label in coverage_labels:
        if label.plan == doc.id and label.ref == ref_id and label.clause in ids and label.status != "na":
            judged[:, ids[label.clause]] = True
    for row, task in enumerate(doc.tasks):
        for clause in named.get((doc.id, task.id), {}).get(ref_id, ()):
            if clause in ids:
                labels[row, ids[clause]] = True
    return labels, judged


def load_corpus(session, task_labels, plan_ids: Sequence[str], coverage_labels=(), ranked=None) -> LabelledCorpus:
    """The labelled plans scored against every reference; `coverage_labels` also train the serves model.
    `ranked` (align.evaluate.LocoRun of the same session and task labels) lends its samples, fusions
    and scores instead of computing them again: the ranker reads none of the coverage labels' evidence,
    so its fits are the same."""
    from align.corpus_index import task_records
    from align.evaluate import collect_samples, label_memory

    plans = {pid: session.corpus.document(pid) for pid in plan_ids}
    groups = {pid: str(session.corpus.entry(pid).meta.get("commune", pid)) for pid in plan_ids}
    refs = session.corpus.references(None)
    pairs = {(pid, ref.id): session.aligner.pair_scores(task_records(doc), ref.id, remember=False)
             for pid, doc in plans.items() if doc.tasks for ref in refs}
    served = {key: _served(plans[key[0]], p, key[1], task_labels) for key, p in pairs.items()}
    named = _named_tasks(plans, coverage_labels)
    covering = {key: _covering(plans[key[0]], p, key[1], coverage_labels, named) for key, p in pairs.items()}
    samples = list(ranked.samples) if ranked is not None else collect_samples(session, task_labels)[0]
    memory = label_memory(session.embedder.model_id, samples).with_covers(named)
    return LabelledCorpus(session, plans, groups, refs, pairs, {r.id: reference_links(session.aligner, r)
                                                                for r in refs}, samples, served, memory,
                          covering={k: v for k, v in covering.items() if v[1].any()},
                          _alone=list(ranked.alone) if ranked is not None else None,
                          _fits=dict(ranked.fusions) if ranked is not None else {})


def _named_tasks(plans: dict[str, Document], coverage_labels) -> dict[tuple[str, str], dict[str, tuple[str, ...]]]:
    """(plan, task id) -> {reference: the clauses the coverage labels name the task for}."""
    from align.evaluate import find_task

    named: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for label in coverage_labels:
        doc = plans.get(label.plan)
        if doc is None or label.status != "covered":
            continue
        for anchor, occurrence in label.tasks:
            task = find_task(doc.tasks, anchor, occurrence)
            if task is not None:
                named[(doc.id, task.id)][label.ref].add(label.clause)
    return {key: {ref: tuple(sorted(c)) for ref, c in refs.items()} for key, refs in named.items()}


def review_labels(corpus: LabelledCorpus, decisions) -> dict[tuple[str, str], tuple[np.ndarray, np.ndarray]]:
    """Reviewers' decisions in force ({plan: {(task, ref): decision}}) as serves labels of the plans in `corpus`:
    a chosen or accepted clause is served, a rejected one is not, "serves no clause" says no for the whole row.
    Only the pairs a reviewer spoke about are judged."""
    from align.reviews import for_plan
    from align.types import REJECT, SERVES_NONE

    out = {}
    for pid, found in decisions.items():
        doc = corpus.plans.get(pid)
        if doc is None:
            continue
        placed, _ = for_plan(dict(found), doc)
        for (row, ref), d in placed.items():
            pairs = corpus.pairs.get((pid, ref))
            ids = [c.id for c in pairs.clauses] if pairs is not None else []
            if pairs is None or (d.action != SERVES_NONE and d.clause_id not in ids):
                continue
            said, told = out.setdefault((pid, ref), (np.zeros((len(doc.tasks), len(ids)), bool),
                                                     np.zeros((len(doc.tasks), len(ids)), bool)))
            columns = slice(None) if d.action == SERVES_NONE else ids.index(d.clause_id)
            said[row, columns] = d.action not in (REJECT, SERVES_NONE)
            told[row, columns] = True
    return out


# -- orphans -----------------------------------------------------------------------------------
def orphan_rows(corpus: LabelledCorpus, task_labels, without: frozenset[str], plans: Sequence[str]):
    """(plan, is an orphan, orphan score) of every task judged against every reference (align.decide.orphans:
    the probability of serving nothing, 0 for a task that names a subject of the references)."""
    from align.evaluate import find_task

    out = []
    by_plan = defaultdict(list)
    for label in task_labels:
        by_plan[label.plan].append(label)
    for pid in plans:
        doc = corpus.plans.get(pid)
        if doc is None or not doc.tasks:
            continue
        none = orphan_scores([corpus.evidence(without, pid, ref) for ref in corpus.refs])
        position = {t.id: i for i, t in enumerate(doc.tasks)}
        for label in by_plan[pid]:
            task = find_task(doc.tasks, label.anchor, label.occurrence)
            if task is not None and all(v is not None for v in label.refs.values()):
                out.append((pid, not any(label.refs.values()), float(none[position[task.id]])))
    return out


def orphan_cut(rows) -> float:
    """The best F-0.5 among cuts precise enough, and never at or below a task of these rows that serves
    something: a task is called an orphan only when it is further from every clause than every labelled
    task that turned out to serve one. The second rule needs no orphans among the rows, so it holds
    where the orphans are few and in one commune (12 of the 14 labelled are in Bình Giang)."""
    scores, actual = np.array([r[2] for r in rows]), np.array([r[1] for r in rows], bool)
    cut = best_cut(scores, actual, beta=0.5, min_precision=ORPHAN_PRECISION)
    serving = scores[~actual & (scores > 0)]
    return float(max(cut, np.nextafter(serving.max(), np.inf))) if serving.size else cut


def evaluate_orphans(corpus: LabelledCorpus, task_labels) -> tuple[list, list]:
    """(plan, actual, predicted) of every judged task, LOCO; and the LOCO rows (for the deployed cut)."""
    predicted, loco = [], []
    for group in corpus.communes:
        test = [p for p in corpus.plans if corpus.groups[p] == group]
        inner = [r for h in corpus.communes if h != group
                 for r in orphan_rows(corpus, task_labels, frozenset({group, h}),
                                      [p for p in corpus.plans if corpus.groups[p] == h])]
        cut = orphan_cut(inner)
        rows = orphan_rows(corpus, task_labels, frozenset({group}), test)
        predicted += [(pid, actual, value >= cut) for pid, actual, value in rows]
        loco += rows
    return predicted, loco


def orphan_figures(rows: Sequence[tuple[str, bool, bool]]) -> dict:
    actual = np.array([r[1] for r in rows], bool)
    predicted = np.array([r[2] for r in rows], bool)
    c = confusion(predicted, actual)
    return {"tasks": int(len(rows)), "orphans_labelled": int(actual.sum()), "orphans_reported": int(predicted.sum()),
            "orphan_precision": c["precision"], "orphan_recall": c["recall"]}


# -- everything ----------------------------------------------------------------------------------
def evaluate_decisions(session, task_labels, coverage_labels, pair_labels, reviews=None, ranked=None) -> dict:
    """Every decision figure, leave-one-commune-out, and the decision models fitted on all labels.

    `reviews` ({plan: decisions in force}) add training labels for the serves model; a plan's reviews,
    like its hand labels, never enter a model that scores its commune. `ranked`: see `load_corpus`
    (fitted with the same reviews)."""
    plan_ids = sorted({l.plan for l in task_labels} | {l.plan for l in coverage_labels})
    corpus = load_corpus(session, task_labels, plan_ids, coverage_labels, ranked)
    if reviews:
        from align.evaluate import remember_reviews

        corpus.memory = remember_reviews(corpus.memory, session, reviews)
        corpus.reviewed = review_labels(corpus, reviews)
        log.info("%d reviewed (task, clause) pairs added to the serves model's labels",
                 sum(int(told.sum()) for _, told in corpus.reviewed.values()))
    rules = clause_rules(labelled_refs(corpus, coverage_labels))
    coverage, coverage_loco = evaluate_coverage(corpus, coverage_labels)
    orphans, orphan_loco = evaluate_orphans(corpus, task_labels)
    per_plan = [{"plan": pid, "ref": "all", **coverage_figures([r for r in coverage if r[0] == pid], rules),
                 **orphan_figures([r for r in orphans if r[0] == pid])} for pid in sorted({r[0] for r in coverage})]
    by_reference = [{"plan": "all", "ref": ref, **coverage_figures([r for r in coverage if r[1].ref == ref], rules)}
                    for ref in sorted({r[1].ref for r in coverage})]
    duplicates, pair_model = evaluate_pairs(PairSet.resolve(session, pair_labels, corpus.groups))
    _, serves = corpus.models(frozenset())
    decisions = Decisions(session.embedder.model_id, serves,
                          deployed_cuts(general_support(corpus, coverage_labels)), OrphanModel(orphan_cut(orphan_loco)),
                          pair_model,
                          {"fitted": True, "coverage_labels": len(coverage_labels), "task_labels": len(task_labels),
                           "pair_labels": duplicates["pairs"],
                           "review_labels": sum(int(told.sum()) for _, told in corpus.reviewed.values())},
                          {ref: deployed_cuts([x for x in coverage_loco if x[0].ref == ref])
                           for ref in sorted({l.ref for l, _ in coverage_loco})})
    return {"overall": {"plan": "all", "ref": "all", **coverage_figures(coverage, rules), **orphan_figures(orphans)},
            "by_reference": by_reference, "per_plan": per_plan, "memory": corpus.memory, "duplicates": duplicates,
            "applicability": rule_accuracy(corpus.refs), "decisions": decisions}

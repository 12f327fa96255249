"""Coverage of a reference by a plan: gaps, peer coverage, orphans, applicable level.

A clause is covered by a plan when some task's calibrated score for it reaches the
coverage threshold (chosen on the evaluation set, see `coverage_threshold`). Scores
are the full task x clause matrix, not only each task's top-k, so a clause that is
every task's second choice still counts. Peers are the other communes' plans in the
corpus: a gap most peers cover is what a reviewer asks the commune about first.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from align.reports.alignment import plan_header
from align.text.normalize import fold
from align.types import DEADLINE, LEAD, TARGET, Clause, Document

log = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 0.5
CHUNK_TASKS = 4096          # tasks scored per pair_scores call when scoring a whole corpus
CHUNK_PLANS = 256           # plans whose full score matrices are held at once while caching coverage
COVERAGE_FORMAT = 1
# Modules whose code shapes the scores: an edit to any of them invalidates cached coverage.
SCORING_MODULES = ("align.align", "align.retrieval.features", "align.retrieval.fusion", "align.text.analyze")

# Applicable level of a clause.
COMMUNE = "commune"         # something a commune can do: counted in the headline gaps
NATIONAL = "national"       # laws, central bodies, national facilities or national aggregates
GUIDANCE = "guidance"       # guiding viewpoints: nothing to implement as such
# What the first sentence of a clause names when it is not a commune's to do (folded text).
_NATIONAL_MARKERS = re.compile("|".join((
    r"quốc hội", r"bộ chính trị", r"ban chấp hành trung ương", r"ban bí thư",
    r"\b(?:ban|văn phòng|hội đồng)(?: \w+){0,4} trung ương", r"ban cán sự đảng chính phủ",
    r"(?:sửa đổi|bổ sung|hoàn thiện|ban hành|xây dựng)[^.;]{0,60}(?:quy định pháp luật|pháp luật|\bluật\b)",
    r"thể chế hóa", r"phòng thí nghiệm trọng điểm quốc gia", r"viện hàn lâm", r"không gian vũ trụ",
    r"công nghiệp chiến lược", r"\bgdp\b", r"nhóm \d+ nước", r"đông nam á", r"các nước tiên tiến",
)))
_SENTENCE_END = re.compile(r"[.;:](?:\s|$)")
# Peers can overrule the text: a "national" clause that this share of peer plans covers is local after
# all; and a target of the reference that none of at least PEER_DEMOTE_MIN peer plans takes up is a
# national aggregate (GDP shares, international rankings), not a commune's figure.
PEER_OVERRULE_SHARE = 2 / 3
PEER_OVERRULE_MIN = 3
PEER_DEMOTE_MIN = 3


@dataclass(frozen=True)
class Threshold:
    """The coverage threshold in use and where it came from (override, fitted, default)."""

    value: float
    source: str


@dataclass(frozen=True, eq=False)
class PlanScores:
    """A plan's calibrated scores against one reference: rows = plan.tasks, columns = ref.clauses."""

    plan: Document
    ref: Document
    scores: np.ndarray

    @property
    def best(self) -> np.ndarray:
        """Best score of each clause over the plan's tasks (0 for a plan without tasks)."""
        if self.scores.shape[0] == 0:
            return np.zeros(self.scores.shape[1], dtype=np.float32)
        return self.scores.max(axis=0)

    def covered(self, threshold: float) -> np.ndarray:
        return self.best >= threshold

    def summary(self) -> "PlanCoverage":
        return PlanCoverage(self.plan.id, self.plan.title, len(self.plan.tasks), self.best)


@dataclass(frozen=True, eq=False)
class PlanCoverage:
    """What peer coverage and the matrix need of a plan: its best score for each clause of the reference."""

    plan_id: str
    title: str
    tasks: int
    best: np.ndarray

    def covered(self, threshold: float) -> np.ndarray:
        return self.best >= threshold


@dataclass(frozen=True, eq=False)
class Coverage:
    """Everything a coverage report needs: the plan's full scores and every corpus plan's best scores."""

    target: PlanScores
    plans: dict[str, PlanCoverage]      # every corpus plan, and the target when it is outside the corpus
    threshold: Threshold
    communes: dict[str, str]
    method: str


def coverage_threshold(fusion=None, override: float | None = None) -> Threshold:
    """The threshold to use: an explicit override, else the one fitted with the fusion, else 0.5."""
    if override is not None:
        if not 0.0 <= override <= 1.0:
            from align.errors import PlanAlignError

            raise PlanAlignError(f"threshold {override} is not between 0 and 1")
        return Threshold(float(override), "override")
    fitted = ((getattr(fusion, "meta", None) or {}).get("threshold") or {}).get("threshold")
    if fitted is not None:
        return Threshold(float(fitted), "fitted on eval/labels.jsonl (plan-align eval --fit)")
    log.warning("no coverage threshold fitted (run `plan-align eval --fit`); using %.2f", DEFAULT_THRESHOLD)
    return Threshold(DEFAULT_THRESHOLD, "default (no threshold fitted yet)")


# -- scoring ------------------------------------------------------------------------
def score_plans(aligner, plans: Sequence[Document], ref: Document, method: str) -> dict[str, PlanScores]:
    """Full score matrices of several plans against `ref`, scored in chunks of tasks."""
    from align.corpus_index import task_records

    order = {c.id: j for j, c in enumerate(ref.clauses)}
    out: dict[str, PlanScores] = {}
    chunk: list[Document] = []

    def flush() -> None:
        records = [r for doc in chunk for r in task_records(doc)]
        if records:
            pairs = aligner.pair_scores(records, ref.id)
            scores = aligner.fusion.score(method, pairs.features)
            columns = np.zeros((len(ref.clauses),), dtype=np.int64)
            for j, record in enumerate(pairs.clauses):
                columns[order[record.id]] = j
            scores = scores[:, columns]
        else:
            scores = np.zeros((0, len(ref.clauses)), dtype=np.float32)
        start = 0
        for doc in chunk:
            out[doc.id] = PlanScores(doc, ref, np.asarray(scores[start:start + len(doc.tasks)], dtype=np.float32))
            start += len(doc.tasks)
        chunk.clear()

    for plan in plans:
        chunk.append(plan)
        if sum(len(d.tasks) for d in chunk) >= CHUNK_TASKS:
            flush()
    flush()
    return out


def _coverage_base(session, ref: Document, method: str) -> str:
    """What every plan's cached scores depend on besides the plan: the references (the clause
    index and its idf), the model, the method, the fusion weights and the scoring code."""
    import hashlib
    import importlib
    import json

    from align import __version__

    corpus, fusion = session.corpus, session.aligner.fusion
    weights = fusion.to_json() if hasattr(fusion, "to_json") else repr(fusion)
    references = {e.id: corpus.fingerprint(e.id) for e in corpus.entries if e.kind == "reference"}
    digest = hashlib.sha256(json.dumps(
        {"format": COVERAGE_FORMAT, "version": __version__, "model": session.embedder.model_id,
         "references": references, "ref": ref.id, "ref_hash": ref.content_hash, "method": method,
         "fusion": weights}, sort_keys=True, default=str).encode())
    for name in SCORING_MODULES:
        digest.update(Path(importlib.import_module(name).__file__).read_bytes())
    return digest.hexdigest()


def coverage_keys(session, ref: Document, method: str) -> dict[str, str]:
    """The coverage cache key of every corpus plan (no plan is parsed)."""
    from align.reports.coverage_cache import plan_key

    base = _coverage_base(session, ref, method)
    corpus = session.corpus
    return {e.id: plan_key(base, corpus.fingerprint(e.id)) for e in corpus.entries if e.kind != "reference"}


def corpus_coverage(session, ref: Document, method: str) -> dict[str, PlanCoverage]:
    """Best scores of every corpus plan against `ref`: cached plans as stored, the others scored and stored.

    Peer coverage and the matrix need the whole corpus; scoring it again for each report, or
    after each plan added, would not scale (align/reports/coverage_cache.py).
    """
    from align.reports.coverage_cache import CoverageCache

    cache = CoverageCache()
    keys = coverage_keys(session, ref, method)
    cached = cache.get_many(list(keys.values()))
    missing = [pid for pid, key in keys.items() if key not in cached]
    if missing:
        log.info("scoring %d of %d plans against %s (%d cached)", len(missing), len(keys), ref.id,
                 len(keys) - len(missing))
    for start in range(0, len(missing), CHUNK_PLANS):
        plans = [session.corpus.document(pid) for pid in missing[start:start + CHUNK_PLANS]]
        fresh = {keys[pid]: scores.summary() for pid, scores in score_plans(session.aligner, plans, ref,
                                                                             method).items()}
        cache.put_many(fresh)
        cached.update(fresh)
    return {pid: cached[key] for pid, key in keys.items()}


def prepare_coverage(session, plan: str | Document, ref_id: str, method: str | None = None,
                     threshold: float | None = None) -> Coverage:
    """The inputs of `gap_report` for `plan` (a corpus id, a file path or a Document)."""
    from align.align import DEFAULT_METHOD

    method = method or DEFAULT_METHOD
    document = plan if isinstance(plan, Document) else session.corpus.resolve(plan)
    ref = session.corpus.references([ref_id])[0]
    th = coverage_threshold(session.aligner.fusion, threshold)
    target = score_plans(session.aligner, [document], ref, method)[document.id]
    plans = dict(corpus_coverage(session, ref, method))
    plans.setdefault(document.id, target.summary())     # a plan outside the corpus joins the comparison
    return Coverage(target, plans, th, plan_communes(session.corpus, [document]), method)


def plan_communes(corpus, extra: Iterable[Document] = ()) -> dict[str, str]:
    """Plan id -> commune name (manifest `commune`, else the plan id, so unknown plans stand alone)."""
    communes = {e.id: str(e.meta.get("commune") or e.id) for e in corpus.entries if e.kind != "reference"}
    for doc in extra:
        communes.setdefault(doc.id, str(doc.meta.get("commune") or doc.id))
    return communes


# -- applicable level -----------------------------------------------------------------
def first_sentence(text: str) -> str:
    match = _SENTENCE_END.search(text)
    return text[:match.start()] if match else text


def text_level(clause: Clause) -> tuple[str, str]:
    """(level, reason) from the clause kind and what its first sentence names."""
    if clause.kind == "viewpoint":
        return GUIDANCE, "guiding viewpoint"
    found = _NATIONAL_MARKERS.search(fold(first_sentence(clause.text)))
    if found:
        return NATIONAL, f"names '{found.group(0)}'"
    return COMMUNE, ""


def applicable_level(clause: Clause, peers_covering: int, peers: int) -> tuple[str, str]:
    """The level the text says, corrected by what peer plans do (see PEER_OVERRULE_* and PEER_DEMOTE_MIN)."""
    level, reason = text_level(clause)
    if level == NATIONAL and peers and peers_covering >= max(PEER_OVERRULE_MIN, PEER_OVERRULE_SHARE * peers):
        return COMMUNE, f"{reason}, but {peers_covering} of {peers} peer plans cover it"
    if level == COMMUNE and clause.kind == TARGET and peers >= PEER_DEMOTE_MIN and peers_covering == 0:
        return NATIONAL, f"a target none of {peers} peer plans takes up"
    return level, reason


# -- the report -------------------------------------------------------------------------
def _task_entry(doc: Document, row: int, score: float) -> dict[str, Any]:
    task = doc.tasks[row]
    return {"id": task.id, "text": task.text, "score": round(float(score), 4)}


def gap_report(target: PlanScores, plans: Mapping[str, PlanCoverage], threshold: Threshold,
               communes: Mapping[str, str]) -> dict[str, Any]:
    """The gaps JSON: every clause with its serving tasks and peer coverage, items, gap ranking, orphans.

    `plans` holds the corpus plans' best scores; peers are those of other communes.
    """
    plan, ref, t = target.plan, target.ref, threshold.value
    own = communes.get(plan.id, plan.id)
    others = [c for pid, c in plans.items() if pid != plan.id]
    peer_cov = {c.plan_id: c.covered(t) for c in others if communes.get(c.plan_id, c.plan_id) != own}
    same_cov = {c.plan_id: c.covered(t) for c in others if communes.get(c.plan_id, c.plan_id) == own}
    best = target.best
    clauses = []
    for j, clause in enumerate(ref.clauses):
        column = target.scores[:, j]
        rows = [int(i) for i in np.argsort(-column, kind="stable") if column[i] >= t]
        covering = sorted(pid for pid, cov in peer_cov.items() if cov[j])
        level, reason = applicable_level(clause, len(covering), len(peer_cov))
        entry = {"clause_id": clause.id, "item": clause.item, "heading": clause.heading, "text": clause.text,
                 "kind": clause.kind, "level": level, "level_reason": reason, "covered": bool(best[j] >= t),
                 "best_score": round(float(best[j]), 4),
                 "tasks": [_task_entry(plan, i, column[i]) for i in rows],
                 "peer_coverage": len(covering), "peers": covering,
                 "same_commune": sorted(pid for pid, cov in same_cov.items() if cov[j]), "gap_rank": None}
        if not rows and len(column):
            entry["nearest"] = _task_entry(plan, int(np.argmax(column)), float(column.max()))
        clauses.append(entry)
    gaps = rank_gaps(clauses)
    orphans = orphan_tasks(target, t)
    items = item_rollup(clauses)
    targets = sum(1 for task in plan.tasks if task.kind == TARGET)
    summary = {"tasks": len(plan.tasks) - targets, "targets": targets, "clauses": len(clauses),
               "covered": sum(c["covered"] for c in clauses),
               "applicable": sum(c["level"] == COMMUNE for c in clauses),
               "applicable_covered": sum(c["level"] == COMMUNE and c["covered"] for c in clauses),
               "gaps": sum(1 for g in gaps if g["level"] == COMMUNE),
               "gaps_not_applicable": sum(1 for g in gaps if g["level"] != COMMUNE),
               "orphans": len(orphans), "peer_plans": len(peer_cov)}
    return {"plan": {**plan_header(plan), "commune": own}, "ref": ref.id, "threshold": t,
            "threshold_source": threshold.source, "summary": summary, "clauses": clauses, "items": items,
            "gaps": gaps, "orphans": orphans}


def rank_gaps(clauses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Uncovered clauses, commune-level first, then most peer-covered, then nearest miss; sets gap_rank."""
    uncovered = [c for c in clauses if not c["covered"]]
    uncovered.sort(key=lambda c: (c["level"] != COMMUNE, -c["peer_coverage"], -c["best_score"]))
    for rank, clause in enumerate(uncovered, start=1):
        clause["gap_rank"] = rank
    return [{"rank": c["gap_rank"], "clause_id": c["clause_id"], "item": c["item"], "heading": c["heading"],
             "text": c["text"], "level": c["level"], "peer_coverage": c["peer_coverage"],
             "best_score": c["best_score"]} for c in uncovered]


def orphan_tasks(target: PlanScores, threshold: float) -> list[dict[str, Any]]:
    """Tasks whose best score over every clause of the reference stays below the threshold."""
    out = []
    for i, task in enumerate(target.plan.tasks):
        row = target.scores[i]
        j = int(np.argmax(row)) if len(row) else -1
        if j < 0 or row[j] < threshold:
            out.append({"id": task.id, "kind": task.kind, "text": task.text,
                        "best_score": round(float(row[j]), 4) if j >= 0 else 0.0,
                        "best_clause": target.ref.clauses[j].id if j >= 0 else None,
                        "lead": task.fields.get(LEAD, ""), "deadline": task.fields.get(DEADLINE, "")})
    return out


def item_rollup(clauses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per item (III.1 ... III.7, II.1, ...): clauses, how many are covered, share, status."""
    items: dict[str, dict[str, Any]] = {}
    for c in clauses:
        item = items.setdefault(c["item"], {"item": c["item"], "heading": c["heading"], "clauses": 0,
                                            "covered": 0, "applicable": 0, "applicable_covered": 0})
        item["clauses"] += 1
        item["covered"] += c["covered"]
        item["applicable"] += c["level"] == COMMUNE
        item["applicable_covered"] += c["level"] == COMMUNE and c["covered"]
    for item in items.values():
        item["share"] = round(item["covered"] / item["clauses"], 4)
        item["status"] = ("covered" if item["covered"] == item["clauses"] else
                          "gap" if item["covered"] == 0 else "partial")
    return list(items.values())


CLAUSE_COLUMNS = ("clause_id", "level", "covered", "best_score", "peer_coverage", "gap_rank", "tasks", "text")
ITEM_COLUMNS = ("item", "clauses", "covered", "share", "status", "heading")
ORPHAN_COLUMNS = ("id", "kind", "best_score", "best_clause", "text")


TASKS_SHOWN = 5


def clause_rows(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per clause for tables and CSV: the best serving tasks as 'id (score)', then how many more."""
    rows = []
    for c in report["clauses"]:
        tasks = [f"{t['id']} ({t['score']:.2f})" for t in c["tasks"][:TASKS_SHOWN]]
        if len(c["tasks"]) > TASKS_SHOWN:
            tasks.append(f"+{len(c['tasks']) - TASKS_SHOWN} more")
        rows.append({**c, "tasks": tasks, "covered": "yes" if c["covered"] else "no"})
    return rows

"""Every corpus plan's support for each clause of a reference: peer coverage and the matrix.

A gap most peers cover is what a reviewer asks the commune about first, and the coverage
matrix shows every plan against the reference's items; both need each corpus plan's
support per clause. A plan's support depends only on its own text, the references, the
model, the fusion weights, the decision models and the scoring code, so it is cached
under a key of exactly those (align/decide/cache.py): adding or editing one plan of a
national corpus scores that plan alone, and the unchanged plans are not even parsed.
"""
from __future__ import annotations

import dataclasses
import hashlib
import importlib
import json
import logging
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from align.decide.actors import actor_masks
from align.decide.applicability import applicability
from align.decide.coverage import CoverageModel, support
from align.decide.evidence import PlanEvidence, score_plans
from align.types import Applicability, Document, PlanCoverage

log = logging.getLogger(__name__)

CHUNK_PLANS = 256           # plans whose full evidence is held at once while caching support
COVERAGE_FORMAT = 2
# Modules whose code shapes the support: an edit to any of them invalidates cached coverage.
SCORING_MODULES = ("align.align", "align.retrieval.features", "align.retrieval.fusion", "align.text.analyze",
                   "align.decide.evidence", "align.decide.coverage", "align.decide.serves", "align.decide.logistic",
                   "align.decide.actors", "align.retrieval.memory")


def states(plan: PlanCoverage, model: CoverageModel, applicability: list[Applicability]) -> list[str]:
    """The state of each clause for a plan of the corpus."""
    return [model.status(float(s), a.commune) for s, a in zip(plan.support, applicability)]


def summarise(ev: PlanEvidence, rules: Sequence[Applicability]) -> PlanCoverage:
    values = support(ev, actor_masks(ev.plan, ev.ref, rules), rules)
    return PlanCoverage(ev.plan.id, ev.plan.title, len(ev.plan.tasks), np.asarray(values, dtype=np.float32))


def _base(session, ref: Document, method: str) -> str:
    """What every plan's cached support depends on besides the plan itself."""
    from align.version import __version__

    corpus, fusion = session.corpus, session.aligner.fusion
    references = {e.id: corpus.fingerprint(e.id) for e in corpus.entries if e.kind == "reference"}
    digest = hashlib.sha256(json.dumps(
        {"format": COVERAGE_FORMAT, "version": __version__, "model": session.embedder.model_id,
         "references": references, "ref": ref.id, "ref_hash": ref.content_hash, "method": method,
         "fusion": fusion.to_json(), "serves": session.decisions.serves.to_json(),
         "memory": session.aligner.memory.fingerprint() if session.aligner.memory is not None else "",
         "applicability": [dataclasses.astuple(a) for a in applicability(ref)]},
        sort_keys=True, default=str).encode())
    for name in SCORING_MODULES:
        digest.update(Path(importlib.import_module(name).__file__).read_bytes())
    return digest.hexdigest()


def coverage_keys(session, ref: Document, method: str) -> dict[str, str]:
    """The coverage cache key of every corpus plan (no plan is parsed)."""
    from align.decide.cache import plan_key

    base = _base(session, ref, method)
    corpus = session.corpus
    return {e.id: plan_key(base, corpus.fingerprint(e.id)) for e in corpus.entries if e.kind != "reference"}


def corpus_coverage(session, ref: Document, method: str) -> dict[str, PlanCoverage]:
    """Support of every corpus plan for the clauses of `ref`: cached plans as stored, the others scored."""
    from align.decide.cache import CoverageCache

    cache = CoverageCache()
    rules = applicability(ref)
    keys = coverage_keys(session, ref, method)
    cached = cache.get_many(list(keys.values()))
    missing = [pid for pid, key in keys.items() if key not in cached]
    if missing:
        log.info("scoring %d of %d plans against %s (%d cached)", len(missing), len(keys), ref.id,
                 len(keys) - len(missing))
    for start in range(0, len(missing), CHUNK_PLANS):
        plans = [session.corpus.document(pid) for pid in missing[start:start + CHUNK_PLANS]]
        scored = score_plans(session.aligner, plans, ref, method, session.decisions.serves)
        fresh = {keys[pid]: summarise(ev, rules) for pid, ev in scored.items()}
        cache.put_many(fresh)
        cached.update(fresh)
    return {pid: cached[key] for pid, key in keys.items()}


def plan_communes(corpus, extra: Iterable[Document] = ()) -> dict[str, str]:
    """Plan id -> commune name (manifest `commune`, else the plan id, so unknown plans stand alone)."""
    communes = {e.id: str(e.meta.get("commune") or e.id) for e in corpus.entries if e.kind != "reference"}
    for doc in extra:
        communes.setdefault(doc.id, str(doc.meta.get("commune") or doc.id))
    return communes

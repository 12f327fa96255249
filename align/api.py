"""`PlanAlign`: the one way into plan-align from Python; the CLI and the reports sit on top of it.

Settings go in the constructor and nothing happens there; the state (corpus, model, index,
aligner, fitted models) is built on first use and kept, as with a scikit-learn estimator
or a sentence-transformers model. There is one method per job of the command line; inputs
are corpus ids or file paths, results are the frozen records of align/results.py, each with
`to_json()` (the JSON the CLI prints) and `rows()`::

    from align import PlanAlign

    pa = PlanAlign(corpus="../shared/corpus")
    report = pa.gaps("binh-giang-nq57-2026", ref="nq57")
    print(report.title)
"""
from __future__ import annotations

import dataclasses
from functools import cached_property
from pathlib import Path
from typing import Sequence

from align.embed.backends import DEFAULT_MODEL
from align.results import (AlignmentReport, CorpusListing, CoverageMatrix, DuplicateReport, Evaluation, GapReport,
                           IndexInfo, OrphanReport, ParsedDocument, Review, SearchResult, SuggestionReport)
from align.session import Session
from align.types import Document

PRIMARY_REF = "nq57"        # the reference a plan is assessed against unless told otherwise


class PlanAlign:
    """A corpus, an embedding model, the corpus's index for it and the fitted models, with every job.

    corpus: the corpus directory (default: $PLAN_ALIGN_CORPUS, else ../shared/corpus).
    model: the embedding model (e5, st:PATH or a built model's name).
    index_dir: where the index lives (default: the user cache, one folder per model).
    data_dir: where fitted models are read from first and written by `evaluate(fit=True)`
      (default: $PLAN_ALIGN_DATA, else the XDG data directory); the shipped defaults otherwise.
    eval_dir: the labels (default: $PLAN_ALIGN_EVAL, else ./eval); only `evaluate` needs them.
    progress: progress bars on stderr. rebuild: rebuild a stale index (else an error).
    approx: an approximate (HNSW) index even below 1,000,000 vectors.
    """

    def __init__(self, corpus: str | Path | None = None, model: str = DEFAULT_MODEL,
                 index_dir: str | Path | None = None, data_dir: str | Path | None = None,
                 eval_dir: str | Path | None = None, progress: bool = False, rebuild: bool = True,
                 approx: bool | None = None) -> None:
        self.corpus_dir, self.model, self.index_dir = corpus, model, index_dir
        self.data_dir, self.eval_dir = data_dir, eval_dir
        self.progress, self.rebuild, self.approx = progress, rebuild, approx

    def __repr__(self) -> str:
        return f"PlanAlign(corpus={self.corpus_dir!r}, model={self.model!r}, index_dir={self.index_dir!r})"

    # -- state, built on first use -------------------------------------------------------------
    @cached_property
    def session(self) -> Session:
        """The shared state the library's functions take (corpus, embedder, index, aligner, decisions)."""
        return self._session(self.model, self.index_dir)

    def _session(self, model: str, index_dir: str | Path | None) -> Session:
        return Session(self.corpus_dir, model=model, index_dir=index_dir, rebuild=self.rebuild,
                       approx=self.approx, progress=self.progress, data_dir=self.data_dir)

    @property
    def corpus(self):
        return self.session.corpus

    @property
    def index(self):
        return self.session.index

    @property
    def model_id(self) -> str:
        return self.session.embedder.model_id

    # -- documents and the index ---------------------------------------------------------------
    def parse(self, document: str | Path, structure: bool = False) -> ParsedDocument:
        """A document (a file, or a corpus id) parsed: its tasks or clauses, or with `structure` its blocks."""
        from align.corpus import DOCUMENT_SUFFIXES, load_document

        path = Path(document)
        text = str(document)
        if path.exists() or "/" in text or path.suffix.lower() in DOCUMENT_SUFFIXES:
            return ParsedDocument(load_document(path, doc_id=path.stem), structure)
        return ParsedDocument(self.corpus.document(text), structure)

    def documents(self) -> CorpusListing:
        """Every document of the corpus, parsed, with its counts."""
        corpus = self.corpus
        return CorpusListing(corpus.root, tuple(corpus.document(i) for i in corpus.ids))

    def add_document(self, file: str | Path, kind: str, doc_id: str | None = None, level: str | None = None,
                     parents: Sequence[str] = (), title: str | None = None, commune: str | None = None):
        """Check `file` (read and parsed as `kind`: commune-plan or reference) and add it to the corpus;
        returns its manifest entry and the parsed document. The index follows on the next job."""
        from align.corpus_edit import add_document

        added = add_document(self.corpus_dir, file, kind, doc_id=doc_id, level=level, parents=parents,
                             title=title, commune=commune)
        self._corpus_changed()
        return added

    def remove_document(self, doc_id: str):
        """Drop `doc_id` from the manifest; returns its entry and the file deleted (only a copy `add` made)."""
        from align.corpus_edit import remove_document

        removed = remove_document(self.corpus_dir, doc_id)
        self._corpus_changed()
        return removed

    def _corpus_changed(self) -> None:
        """Forget the corpus and what was built on it; the next job reads the new manifest."""
        if "session" in self.__dict__:
            for name in ("corpus", "index", "aligner", "task_idf"):
                self.session.__dict__.pop(name, None)

    def build_index(self, full: bool = False) -> IndexInfo:
        """Build (or update) the index; unless `full`, unchanged documents are carried over."""
        index = self.session.build_index(incremental=not full)
        return IndexInfo(index.info(self.corpus, self.model_id))

    def index_info(self) -> IndexInfo:
        """The current index's manifest and whether it is stale; never builds."""
        from align.corpus_index import CorpusIndex, default_index_dir

        directory = self.index_dir or default_index_dir(self.model_id)
        return IndexInfo(CorpusIndex.load(directory).info(self.corpus, self.model_id))

    # -- one plan ------------------------------------------------------------------------------
    def align(self, plan: str | Path, refs: Sequence[str] | None = None, top_k: int = 5,
              method: str | None = None, reviewed: bool = True) -> AlignmentReport:
        """Each task of `plan` with its `top_k` nearest clauses of each reference (default: all); with
        `reviewed`, also the clauses reviewers chose for near-repeats of its tasks in other plans."""
        from align.align import DEFAULT_METHOD

        document = self.corpus.resolve(str(plan))
        references = self.corpus.references(list(refs) if refs else None)
        found = self.suggestions(document).suggestions if reviewed else ()
        wanted = {r.id for r in references}
        return AlignmentReport(self.session.aligner.align(document, references, top_k=top_k,
                                                          method=method or DEFAULT_METHOD),
                               tuple(s for s in found if s.ref in wanted))

    def suggestions(self, plan: str | Path | Document) -> SuggestionReport:
        """Clauses reviewers chose for near-repeats of `plan`'s tasks in other plans (the duplicate pair model
        across plans decides what a near-repeat is), each with where it was reviewed; none for a task whose
        own decision is in force."""
        from align.decide.suggest import in_force_by_plan, suggestions

        document = plan if isinstance(plan, Document) else self.corpus.resolve(str(plan))
        rows = self._review_rows()
        found = suggestions(self.session, document, in_force_by_plan(rows)) if rows else []
        return SuggestionReport(document, tuple(found))

    def _review_rows(self) -> list:
        """Every row of the review memory (none when it was never created: reading never creates it)."""
        from align.reviews import FILE, ReviewStore

        store = ReviewStore.existing(Path(self.data_dir) / FILE if self.data_dir else None)
        if store is None:
            return []
        with store:
            return store.history()

    def gaps(self, plan: str | Path, ref: str | None = None, method: str | None = None,
             threshold: float | None = None, reviewed: bool = True) -> GapReport:
        """Every clause of `ref` with its state for `plan` (covered, weak, gap, not applicable), and the orphans.

        `threshold` overrides the fitted support below which a clause is a gap; with `reviewed`, the
        reviewers' decisions in the review memory (`reviews`) override the model's.
        """
        from align.decide.assess import assess

        reviews = self.reviews_in_force(plan) if reviewed else None
        return GapReport(assess(self.session, str(plan), ref or self.default_ref(), method, threshold, reviews))

    def reviews_in_force(self, plan: str | Path) -> dict | None:
        """The reviewers' decisions in force for `plan` ((task, ref) -> ReviewDecision); None when none were
        ever recorded (reading never creates the review memory)."""
        from align.reviews import FILE, ReviewStore

        store = ReviewStore.existing(Path(self.data_dir) / FILE if self.data_dir else None)
        if store is None:
            return None
        with store:
            return store.current(self.corpus.resolve(str(plan)).id)

    def orphans(self, plan: str | Path, method: str | None = None) -> OrphanReport:
        """The tasks of `plan` that serve no clause of any reference (the plan scored and the orphans decided,
        without the clauses' states and the peer coverage `gaps` also computes)."""
        from align.decide.assess import assess_orphans

        return OrphanReport(assess_orphans(self.session, str(plan), self.default_ref(), method))

    def duplicates(self, plan: str | Path, across: bool = False, threshold: float | None = None,
                   near: float | None = None) -> DuplicateReport:
        """Pairs of tasks that are one task stated twice, inside `plan` or (`across`) with the other plans.

        `threshold`: the pair probability from which two tasks are one (default: fitted);
        `near`: the word-sequence similarity from which a duplicate is a near repeat.
        """
        from align.decide.duplicates import NEAR_SIMILARITY, plan_duplicates

        document = self.corpus.resolve(str(plan))
        model = self.session.decisions.duplicates
        if threshold is not None:
            model = dataclasses.replace(model, threshold=threshold)
        near = NEAR_SIMILARITY if near is None else near
        pairs = plan_duplicates(self.session, document, across=across, model=model, near=near)
        return DuplicateReport(document, tuple(pairs), across, model.threshold, near)

    def review(self, plan: str | Path, ref: str | None = None, method: str | None = None,
               threshold: float | None = None, reviewed: bool = True) -> Review:
        """The review report: gaps with peer coverage, orphans, each task's best clauses, duplicates, heatmap."""
        from align.decide.duplicates import plan_duplicates
        from align.reports.review import assemble_review

        report = self.gaps(plan, ref, method, threshold, reviewed)
        a = report.assessment
        duplicates = plan_duplicates(self.session, a.plan)
        peers, marks = self._reviewed_plans(a.peers, a.ref, a.method, skip=a.plan.id) if reviewed else (a.peers, {})
        if a.reviewed:
            marks[a.plan.id] = len(a.reviewed)
        matrix = CoverageMatrix(a.ref, peers, a.model, a.cut_source, a.applicability, a.communes, a.plan.id, marks)
        found = self.suggestions(a.plan).suggestions if reviewed else ()
        return Review(assemble_review(report.to_json(), a, duplicates, matrix.to_json(), self.model_id, found))

    # -- the corpus ----------------------------------------------------------------------------
    def search(self, text: str, kind: str = "task", commune: str | None = None, top_k: int = 10,
               lexical: bool = True) -> SearchResult:
        """The tasks (or, `kind="clause"`, the reference clauses) of the corpus most similar to `text`."""
        from align.search import search

        hits = search(self.session, text, kind=kind, commune=commune, top_k=top_k, lexical=lexical)
        return SearchResult(text, kind, commune, tuple(hits))

    def matrix(self, ref: str | None = None, method: str | None = None,
               threshold: float | None = None, reviewed: bool = True) -> CoverageMatrix:
        """Coverage of the items of `ref` by every plan of the corpus; with `reviewed`, each plan's reviewers'
        decisions in force override the model (the plan is marked reviewed), as in `gaps`."""
        from align.align import DEFAULT_METHOD
        from align.decide.applicability import applicability
        from align.decide.assess import coverage_model
        from align.decide.peers import corpus_coverage, plan_communes

        reference = self.corpus.references([ref or self.default_ref()])[0]
        model, source = coverage_model(self.session, reference.id, threshold)
        plans = corpus_coverage(self.session, reference, method or DEFAULT_METHOD)
        plans, marks = self._reviewed_plans(plans, reference, method or DEFAULT_METHOD) if reviewed else (plans, {})
        return CoverageMatrix(reference, plans, model, source, tuple(applicability(reference)),
                              plan_communes(self.corpus), reviewed=marks)

    def _reviewed_plans(self, plans: dict, reference, method: str, skip: str | None = None) -> tuple[dict, dict]:
        """`plans` (plan -> PlanCoverage) with the reviewed decisions of each written in, and plan -> tasks reviewed."""
        from align.decide.reviewed import reviewed_coverage
        from align.decide.suggest import in_force_by_plan

        plans, marks = dict(plans), {}
        for pid, decisions in in_force_by_plan(self._review_rows()).items():
            if pid not in plans or pid == skip:
                continue
            found, touched = reviewed_coverage(self.session, self.corpus.document(pid), reference, method, decisions)
            if found is not None:
                plans[pid], marks[pid] = found, touched
        return plans, marks

    def default_ref(self) -> str:
        """NQ 57 when the corpus has it, else its first reference document."""
        known = [e.id for e in self.corpus.entries if e.kind == "reference"]
        return PRIMARY_REF if PRIMARY_REF in known or not known else known[0]

    # -- evaluation ----------------------------------------------------------------------------
    def evaluate(self, models: Sequence[str] | None = None, methods: Sequence[str] | None = None,
                 labels: str | Path | None = None, decisions: bool = True, fit: bool = False,
                 with_reviews: bool = False) -> Evaluation:
        """Retrieval figures of each model (default: this one) and method against the labels,
        leave-one-commune-out, and (`decisions`) the decision figures of the first model.

        `fit` writes the fusion weights, label memory and decision models fitted on all labels to
        the data directory, where every later PlanAlign finds them. `with_reviews` adds the
        reviewers' decisions in force (review memory) to the serves model's training labels and
        writes them into the label memory; a plan's reviews never score its own commune.
        """
        from align.evaluate import LABELS_FILE, read_labels
        from align.paths import eval_dir

        from align.decide.suggest import in_force_by_plan

        gold = read_labels(labels or eval_dir(self.eval_dir) / LABELS_FILE)
        reviews = in_force_by_plan(self._review_rows()) if with_reviews else None
        runs = [self._retrieval(spec, gold, reviews) for spec in (models or [self.model])]
        rows = [r for run in runs for r in run["rows"] if not methods or r["method"].split()[0] in methods]
        verdicts = (self._decisions((models or [self.model])[0], gold, reviews, runs[0]["ranked"])
                    if decisions or fit else None)
        fitted = self._save_fitted(runs, verdicts) if fit else ()
        details = [{k: run[k] for k in ("model", "threshold", "unresolved", "worst", "labels", "samples")}
                   for run in runs]
        shown = {k: v for k, v in verdicts.items() if k not in ("decisions", "memory")} if verdicts is not None else None
        return Evaluation(tuple(rows), tuple(p for run in runs for p in run["per_plan"]), tuple(details), shown,
                          fitted)

    def _retrieval(self, spec: str, gold, reviews=None) -> dict:
        """evaluate_session for one model; with leave-one-commune-out variants when the registry has them."""
        from align.evaluate import evaluate_session
        from align.models.registry import loco_variants

        variants = loco_variants(spec)
        groups = {commune: self._session(v, None) for commune, v in variants.items()} if variants else None
        return evaluate_session(self._model_session(spec), gold, group_sessions=groups,
                                name=f"{spec} (loco)" if variants else None, reviews=reviews)

    def _model_session(self, spec: str) -> Session:
        return self.session if spec == self.model else self._session(spec, None)

    def _decisions(self, spec: str, gold, reviews=None, ranked=None) -> dict:
        from align.decide.evaluate import evaluate_decisions
        from align.decide.labels import COVERAGE_FILE, PAIRS_FILE, read_coverage_labels, read_pair_labels
        from align.paths import eval_dir

        labels = eval_dir(self.eval_dir)
        return evaluate_decisions(self._model_session(spec), gold, read_coverage_labels(labels / COVERAGE_FILE),
                                  read_pair_labels(labels / PAIRS_FILE), reviews, ranked)

    def _save_fitted(self, runs: Sequence[dict], verdicts: dict | None) -> tuple[Path, ...]:
        from align.decide.models import DECISIONS_FILE, save_decisions
        from align.paths import data_root
        from align.retrieval.fusion import FUSION_FILE, save_fusions
        from align.retrieval.memory import memory_dir

        root = Path(self.data_dir) if self.data_dir else data_root()
        save_fusions([run["fusion"] for run in runs], root / FUSION_FILE)
        written = [root / FUSION_FILE]
        # The first model's memory from the decision run also holds the coverage labels' tasks.
        memories = [verdicts["memory"] if verdicts is not None and i == 0 else run["memory"]
                    for i, run in enumerate(runs)]
        for memory in (m for m in memories if m is not None):
            written.append(memory.save(memory_dir(memory.model_id, root, shipped=False)))
        if verdicts is not None:
            save_decisions([verdicts["decisions"]], root / DECISIONS_FILE)
            written.append(root / DECISIONS_FILE)
        return tuple(written)


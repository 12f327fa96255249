"""What each job of `align.PlanAlign` returns: typed, frozen records that render themselves.

Each record keeps the library's own objects (a `Document`, an `Alignment`, an `Assessment`,
`DuplicatePair`s, search `Hit`s) and knows its three views, the ones every writer uses:
`to_json()` (the JSON contract the CLI prints, pinned by tests/reports and tests/cli),
`rows()` with `columns` (one flat table, for CSV and terminal tables) and `sections()` (every
table of the result, with its title, for Markdown and plain text). The views come from
`align/reports/`; the records only choose which, so a writer never computes anything.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

from align.decide.assess import Assessment, OrphanAssessment
from align.decide.coverage import CoverageModel
from align.decide.suggest import suggestion_json
from align.i18n import reason_text
from align.reports import alignment as alignment_view
from align.reports import document as document_view
from align.reports import duplicates as duplicates_view
from align.reports import gaps as gaps_view
from align.reports import matrix as matrix_view
from align.reports import review as review_view
from align.reports import search as search_view
from align.search import Hit
from align.types import Alignment, Applicability, Document, DuplicatePair, PlanCoverage, Suggestion

Section = tuple[str, Sequence[str], list[dict[str, Any]]]      # (title, columns, rows)


class _Views:
    """The default views of a result with a single table."""

    columns: Sequence[str] = ()

    @property
    def title(self) -> str:
        return ""

    def rows(self) -> list[dict[str, Any]]:
        raise NotImplementedError

    def to_json(self) -> Any:
        return self.rows()

    def sections(self) -> list[Section]:
        return [(self.title, self.columns, self.rows())]


@dataclass(frozen=True)
class ParsedDocument(_Views):
    """A parsed document: its units (tasks or clauses), or with `structure` its blocks."""

    document: Document
    structure: bool = False

    @property
    def columns(self) -> Sequence[str]:
        return document_view.BLOCK_COLUMNS if self.structure else document_view.UNIT_COLUMNS

    @property
    def title(self) -> str:
        return f"{self.document.id}: {self.document.title}"

    def rows(self) -> list[dict[str, Any]]:
        view = document_view.block_rows if self.structure else document_view.unit_rows
        return view(self.document)

    def to_json(self) -> dict[str, Any]:
        return document_view.document_to_json(self.document, self.structure)


@dataclass(frozen=True)
class CorpusListing(_Views):
    """The corpus documents with their counts of clauses, tasks, targets and citations."""

    root: Path
    documents: tuple[Document, ...]
    columns = ("id", "level", "kind", "clauses", "tasks", "targets", "citations", "cites")

    @property
    def title(self) -> str:
        return str(self.root)

    def rows(self) -> list[dict[str, Any]]:
        return document_view.corpus_rows(list(self.documents))


@dataclass(frozen=True)
class IndexInfo(_Views):
    """An index build's manifest (without per-document fingerprints), where it lives and whether it is stale."""

    info: Mapping[str, Any]
    columns = ("directory", "model_id", "index_type", "clauses", "tasks", "recall_at_10", "stale")

    @property
    def directory(self) -> Path:
        return Path(self.info["directory"])

    @property
    def stale(self) -> str | None:
        return self.info.get("stale")

    def summary(self) -> str:
        """One line: counts, model, index type, recall and how much of the build was reused."""
        m = self.info
        build = m.get("build", {})
        kinds = ", ".join(f"{kind} {store}" for kind, store in m["index_type"].items())
        recall = "".join(f", recall@10 of the {kind} {value:.3f}"
                         for kind, value in (m.get("recall_at_10") or {}).items() if value is not None)
        return (f"{m['directory']}: {m['counts']['clauses']} clauses, {m['counts']['tasks']} tasks, "
                f"model {m['model_id']}, index {kinds}{recall}; "
                f"{build.get('parsed_documents')} documents parsed, {build.get('reused_documents')} reused")

    def rows(self) -> list[dict[str, Any]]:
        m = self.info
        return [{"directory": m["directory"], "model_id": m["model_id"], "index_type": m["index_type"],
                 "clauses": m["counts"]["clauses"], "tasks": m["counts"]["tasks"],
                 "recall_at_10": m["recall_at_10"], "stale": m.get("stale") or ""}]

    def to_json(self) -> dict[str, Any]:
        return dict(self.info)


@dataclass(frozen=True)
class AlignmentReport(_Views):
    """Each task of a plan with its nearest clauses in each reference."""

    alignment: Alignment
    suggestions: tuple[Suggestion, ...] = ()     # reviewed clauses of near-repeats in other plans
    columns = alignment_view.ROW_COLUMNS

    @property
    def title(self) -> str:
        a = self.alignment
        return f"{a.plan.id} ({a.method}, {a.model_id})"

    def rows(self) -> list[dict[str, Any]]:
        return alignment_view.alignment_rows(self.alignment)

    def to_json(self) -> dict[str, Any]:
        return {**alignment_view.alignment_to_json(self.alignment),
                "suggestions": [suggestion_json(s) for s in self.suggestions]}

    def sections(self) -> list[Section]:
        shown = [(SUGGESTIONS_TITLE, SUGGESTION_COLUMNS, suggestion_rows(self.suggestions))] if self.suggestions else []
        return [(self.title, self.columns, self.rows()), *shown]


SUGGESTION_COLUMNS = ("task_id", "ref", "clause_id", "origin_plan", "origin_task", "commune", "probability", "reason")
SUGGESTIONS_TITLE = "Suggestions from near-repeats reviewed in other plans"


def suggestion_rows(found: Sequence[Suggestion]) -> list[dict[str, Any]]:
    return [{"task_id": s.task_id, "ref": s.ref, "clause_id": s.clause_id, "origin_plan": s.origin.plan_id,
             "origin_task": s.origin_task, "commune": s.commune, "probability": s.probability,
             "reason": reason_text(s.reason)} for s in found]


@dataclass(frozen=True)
class SuggestionReport(_Views):
    """Clauses reviewers chose for near-repeats of a plan's tasks in other plans."""

    plan: Document
    suggestions: tuple[Suggestion, ...]
    columns = SUGGESTION_COLUMNS

    @property
    def title(self) -> str:
        return f"{self.plan.id}: {len(self.suggestions)} suggestions from reviewed near-repeats in other plans"

    def rows(self) -> list[dict[str, Any]]:
        return suggestion_rows(self.suggestions)

    def to_json(self) -> dict[str, Any]:
        return {"plan": alignment_view.plan_header(self.plan),
                "suggestions": [suggestion_json(s) for s in self.suggestions]}


@dataclass(frozen=True)
class GapReport(_Views):
    """Every clause of a reference with its state for one plan, the items, the gaps and the orphans."""

    assessment: Assessment
    columns = gaps_view.CLAUSE_COLUMNS

    @property
    def gaps(self) -> tuple:
        """The clause decisions that are gaps, in the reference's order."""
        from align.types import GAP

        return tuple(d for d in self.assessment.clauses if d.status == GAP)

    @property
    def title(self) -> str:
        return self.headline(self.to_json())

    def headline(self, report: Mapping[str, Any]) -> str:
        s, cuts = report["summary"], report["cuts"]
        return (f"{report['plan']['id']} against {report['ref']}: {s['covered']}/{s['applicable']} applicable "
                f"clauses covered ({s['weak']} weak), {s['gaps']} gaps, {s['not_applicable']} not for a commune, "
                f"{s['orphans']} orphan tasks (gap below support {cuts['weak']:.2f}, covered from "
                f"{cuts['covered']:.2f}; {cuts['source']})")

    def rows(self) -> list[dict[str, Any]]:
        return gaps_view.clause_rows(self.to_json())

    def to_json(self) -> dict[str, Any]:
        return gaps_view.gap_report(self.assessment)

    def sections(self) -> list[Section]:
        report = self.to_json()
        return [(self.headline(report), gaps_view.CLAUSE_COLUMNS, gaps_view.clause_rows(report)),
                ("Items", gaps_view.ITEM_COLUMNS, report["items"]),
                ("Orphan tasks", gaps_view.ORPHAN_COLUMNS, report["orphans"])]


@dataclass(frozen=True)
class OrphanReport(_Views):
    """The tasks of a plan that serve no clause of any reference in scope."""

    assessment: OrphanAssessment | Assessment
    columns = gaps_view.ORPHAN_COLUMNS

    @property
    def title(self) -> str:
        return f"{self.assessment.plan.id}: {len(self.assessment.orphans)} orphan tasks"

    def rows(self) -> list[dict[str, Any]]:
        return gaps_view.orphan_rows(self.assessment)

    def to_json(self) -> dict[str, Any]:
        a = self.assessment
        return {"plan": alignment_view.plan_header(a.plan), "refs": [ev.ref.id for ev in a.scope],
                "method": a.method, "orphans": self.rows()}


@dataclass(frozen=True)
class DuplicateReport(_Views):
    """Pairs of tasks taken for one, inside a plan or (`across`) between it and the other plans."""

    plan: Document
    pairs: tuple[DuplicatePair, ...]
    across: bool
    threshold: float
    near: float
    columns = duplicates_view.PAIR_COLUMNS

    @property
    def title(self) -> str:
        where = "with other plans" if self.across else "inside the plan"
        return f"{self.plan.id}: {len(self.pairs)} duplicate pairs {where}"

    def rows(self) -> list[dict[str, Any]]:
        return duplicates_view.pair_rows(self.pairs)

    def to_json(self) -> dict[str, Any]:
        return duplicates_view.duplicates_to_json(self.plan, self.pairs, self.across, self.threshold, self.near)


@dataclass(frozen=True)
class SearchResult(_Views):
    """The units of the corpus most similar to a text, best first."""

    query: str
    kind: str
    commune: str | None
    hits: tuple[Hit, ...]
    columns = search_view.HIT_COLUMNS

    @property
    def title(self) -> str:
        return f"{len(self.hits)} {self.kind}s like: {self.query}"

    def rows(self) -> list[dict[str, Any]]:
        return search_view.hit_rows(self.hits)

    def to_json(self) -> dict[str, Any]:
        return search_view.search_to_json(self.query, self.kind, self.commune, self.hits)


@dataclass(frozen=True)
class CoverageMatrix(_Views):
    """Coverage of a reference's items by every plan of the corpus (covered/applicable per cell)."""

    ref: Document
    plans: Mapping[str, PlanCoverage]
    model: CoverageModel
    cut_source: str
    applicability: tuple[Applicability, ...]
    communes: Mapping[str, str]
    highlight: str | None = None
    reviewed: Mapping[str, int] = field(default_factory=dict)     # plan -> tasks whose reviewed decisions count

    @property
    def columns(self) -> Sequence[str]:
        return matrix_view.matrix_columns(self.to_json())

    @property
    def title(self) -> str:
        return f"Coverage of {self.ref.id} (gap below support {self.model.weak:.3f}, {self.cut_source})"

    def rows(self) -> list[dict[str, Any]]:
        return matrix_view.matrix_rows(self.to_json())

    def to_json(self) -> dict[str, Any]:
        return matrix_view.coverage_matrix(self.plans, self.ref, self.model, self.applicability, self.communes,
                                           highlight=self.highlight, reviewed=self.reviewed)


@dataclass(frozen=True)
class Review(_Views):
    """The review report of one plan: summary, tasks, gaps, orphans, duplicates, heatmap."""

    data: Mapping[str, Any]

    @property
    def columns(self) -> Sequence[str]:
        return review_view.task_columns(self.data)

    @property
    def title(self) -> str:
        return f"Review of {self.data['plan']['id']}"

    def summary(self) -> str:
        s = self.data["summary"]
        return (f"{s['tasks']} tasks, {s['covered']}/{s['clauses']} clauses covered, {s['gaps']} gaps, "
                f"{s['orphans']} orphans, {s['duplicates']} duplicate pairs")

    def rows(self) -> list[dict[str, Any]]:
        return review_view.task_rows(self.data)

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.data.items() if k != "duplicate_rows"}

    def sections(self) -> list[Section]:
        return [(title, columns, rows) for _, title, columns, rows in review_view.review_tables(self.data)]

    def write(self, out: str | Path, lang: str = "vi") -> Path:
        """Render by the file's suffix (.html, .md, .json, .xlsx, .docx), labels in `lang`, written atomically."""
        return review_view.write_review(self.data, out, lang)


EVAL_COLUMNS = ("model", "method", "ref", "n", "hit@1", "hit@5", "mrr", "ndcg@5", "item@1", "auc_none", "n_none")
DECISION_COLUMNS = ("plan", "ref", "gap_precision", "gap_recall", "gaps_labelled", "gaps_reported", "max_false_gaps",
                    "covered_recall", "weak_share", "central_gaps", "orphan_precision", "orphan_recall",
                    "orphans_labelled", "orphans_reported")
DUPLICATE_COLUMNS = ("pairs", "same", "related", "different", "duplicate_precision", "duplicate_recall",
                     "false_positives", "not_candidates")


@dataclass(frozen=True)
class Evaluation(_Views):
    """Retrieval figures method by method (and plan by plan), and the decision figures, leave-one-commune-out."""

    methods: tuple[dict[str, Any], ...]
    per_plan: tuple[dict[str, Any], ...]
    details: tuple[dict[str, Any], ...]
    decisions: Mapping[str, Any] | None = None
    fitted: tuple[Path, ...] = field(default=())        # files written by fit=True
    columns = EVAL_COLUMNS
    title = "Clause-level retrieval against eval/labels.jsonl"

    def rows(self) -> list[dict[str, Any]]:
        return list(self.methods)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"methods": list(self.methods), "per_plan": list(self.per_plan),
                                "details": list(self.details)}
        if self.decisions is not None:
            data["decisions"] = dict(self.decisions)
        return data

    def sections(self, per_plan: bool = False) -> list[Section]:
        out: list[Section] = [(self.title, EVAL_COLUMNS, self.rows())]
        if per_plan:
            out.append(("Per plan", ("model", "method", "ref", "plan") + EVAL_COLUMNS[3:], list(self.per_plan)))
        if self.decisions is not None:
            d = self.decisions
            out += [("Decisions, leave-one-commune-out (eval/coverage_labels.jsonl, eval/labels.jsonl)",
                     DECISION_COLUMNS, [d["overall"], *d.get("by_reference", ()), *d["per_plan"]]),
                    ("Duplicate pairs, leave-one-commune-out (eval/duplicate_pairs.jsonl)", DUPLICATE_COLUMNS,
                     [d["duplicates"]]),
                    *([("Duplicate precision at each recall, leave-one-commune-out (pooled probabilities)",
                        ("recall", "precision", "cut"), list(d["duplicates"]["curve"]))]
                      if d["duplicates"].get("curve") else []),
                    ("Applicability read from the text (rules) against the curated tables",
                     ("ref", "n", "accuracy", "national", "national_found", "own_plan", "own_plan_found",
                      "own_plan_extra"),
                     [{"ref": ref, **figures} for ref, figures in d["applicability"].items()])]
        return out

    def notes(self) -> list[str]:
        """One line per model: labels resolved and the coverage threshold the labels give."""
        lines = []
        for item in self.details:
            th = item["threshold"]
            lines.append(f"{item['model']}: {item['samples']} labelled (task, reference) pairs from {item['labels']} "
                         f"labels; {len(item['unresolved'])} anchors unresolved; coverage threshold "
                         f"{th['threshold']:.3f} (F1 {th['f1']:.3f}, P {th['precision']:.3f}, R {th['recall']:.3f})")
        return lines

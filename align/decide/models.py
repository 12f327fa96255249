"""The fitted decision models of one embedding model: serves, coverage cuts, orphan cut, duplicates.

Defaults shipped in align/data/decisions.json; `plan-align eval --fit` (on the labels in eval/)
writes them to the data directory, which then wins. One entry per embedding model, like the
fusion weights beside them: the cosines the models look at are the embedding model's. Before any fitting, priors (a task serves the
clauses it ranks first; a duplicate is a pair above cosine 0.93) keep every command working.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from align.decide import pairs, serves
from align.decide.coverage import CoverageModel
from align.decide.logistic import Logistic
from align.decide.orphans import OrphanModel
from align.decide.pairs import PairModel
from align.decide.serves import ServesModel
from align.errors import ModelError
from align.fitted import fitted_entry, write_entries
from align.paths import SHIPPED_DATA, data_root

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
WHAT = "decision models"
DECISIONS_FILE = "decisions.json"     # in the data directory, else the shipped default (align/paths.py)


def _single(names: tuple[str, ...], feature: str, weight: float, centre: float) -> Logistic:
    """A model that looks at one feature only: sigmoid(weight * (x - centre))."""
    weights = tuple(weight if n == feature else 0.0 for n in names)
    means = tuple(centre if n == feature else 0.0 for n in names)
    return Logistic(names, means, tuple(1.0 for _ in names), weights, 0.0)


@dataclass(frozen=True)
class Decisions:
    model_id: str
    serves: ServesModel
    coverage: CoverageModel             # the cuts for a reference without its own (a province's plan)
    orphans: OrphanModel
    duplicates: PairModel
    meta: dict = field(default_factory=dict)
    coverage_refs: dict = field(default_factory=dict)   # reference id -> its own cuts, fitted on its labels

    def coverage_for(self, ref_id: str) -> CoverageModel:
        """The cuts for `ref_id`: its own where its clauses were labelled (NQ 57's are broad, 03/NQ-CP's
        narrow, so the same support means less in one than in the other), else the cuts fitted on all."""
        return self.coverage_refs.get(ref_id, self.coverage)

    @classmethod
    def prior(cls, model_id: str = "") -> "Decisions":
        """Unfitted: a task serves the clauses it ranks first; duplicates are pairs above cosine 0.93."""
        return cls(model_id, ServesModel(_single(serves.GENERAL_FEATURES, "inverse_rank", 8.0, 0.75)),
                   CoverageModel(0.2, 0.5), OrphanModel(0.9),
                   PairModel(_single(pairs.FEATURES, "cosine", 200.0, 0.93), 0.5), {"fitted": False})

    def to_json(self) -> dict:
        return {"model_id": self.model_id, "meta": self.meta, "serves": self.serves.to_json(),
                "coverage": self.coverage.to_json(),
                "coverage_by_ref": {ref: model.to_json() for ref, model in sorted(self.coverage_refs.items())},
                "orphans": self.orphans.to_json(), "duplicates": self.duplicates.to_json()}

    @classmethod
    def from_json(cls, data: dict) -> "Decisions":
        try:
            return cls(data["model_id"], ServesModel.from_json(data["serves"]),
                       CoverageModel.from_json(data["coverage"]), OrphanModel.from_json(data["orphans"]),
                       PairModel.from_json(data["duplicates"]),
                       data.get("meta", {}),
                       {ref: CoverageModel.from_json(cuts) for ref, cuts in data.get("coverage_by_ref", {}).items()})
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"malformed decision models ({exc})") from exc


def load_decisions(model_id: str, path: str | Path | None = None, data_dir: str | Path | None = None) -> Decisions:
    """The decisions fitted for `model_id` (in `path`, else in the data directory's file or the shipped
    one: `align.fitted.fitted_entry`), else those of the first model in the file, else the priors."""
    entry = fitted_entry(DECISIONS_FILE, model_id, WHAT, FORMAT_VERSION, path=path, data_dir=data_dir)
    if entry is None:
        log.warning("no fitted decision models (run `plan-align eval --fit`); using the priors")
        return Decisions.prior(model_id)
    return Decisions.from_json(entry)


def save_decisions(decisions: list[Decisions], path: str | Path | None = None) -> None:
    """Write fitted decisions to `path` (default: the data directory), keeping the other models' entries."""
    write_entries(Path(path) if path else data_root() / DECISIONS_FILE, [d.to_json() for d in decisions],
                  SHIPPED_DATA / DECISIONS_FILE, WHAT, FORMAT_VERSION)

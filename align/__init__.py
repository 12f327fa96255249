"""plan-align: align Vietnamese commune plans with the plans they implement.

`PlanAlign` is the way in (align/api.py); its jobs return the records of align/results.py.
They are loaded on first use (PEP 562): importing any module of the package runs this file,
and loading the API here would import numpy and the whole library for `plan-align --help`.
Importing the package changes nothing in the process: the settings the native engines need
(threads, OpenMP waiting, offline hubs) are applied where an engine starts
(`align.embed.runtime.prepare_native`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from align.version import __version__

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

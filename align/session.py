"""The state every job shares: corpus, model, index, aligner and fitted models, built lazily.

Every job needs the same chain (corpus -> embedder -> index -> aligner -> decisions), built
on first use. `align.PlanAlign` (align/api.py), the one way in, owns a `Session`; the
library's functions (align/decide/, align/search.py, align/evaluate.py) take it for the
pieces they need. It has no jobs of its own.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from align.corpus import Corpus
from align.embed.backends import DEFAULT_MODEL


@dataclass
class Session:
    """Lazily built corpus, embedder, index and aligner for one (corpus, model)."""

    corpus_dir: str | Path | None = None
    model: str = DEFAULT_MODEL
    index_dir: str | Path | None = None
    rebuild: bool = True
    approx: bool | None = None
    progress: bool = True
    data_dir: str | Path | None = None      # fitted models; None: align.paths.data_root()

    @cached_property
    def corpus(self) -> Corpus:
        return Corpus(self.corpus_dir)

    @cached_property
    def embedder(self):
        from align.embed.backends import load_embedder

        return load_embedder(self.model)

    @cached_property
    def index(self):
        from align.corpus_index import CorpusIndex

        return CorpusIndex.ensure(self.corpus, self.embedder, self.index_dir, rebuild=self.rebuild,
                                  approx=self.approx, progress=self.progress)

    @cached_property
    def aligner(self):
        from align.align import Aligner

        from align.retrieval.fusion import load_fusion
        from align.retrieval.memory import load_memory

        fusion = load_fusion(self.embedder.model_id, data_dir=self.data_dir)
        return Aligner(self.index, self.embedder, fusion=fusion, progress=self.progress,
                       memory=load_memory(self.embedder.model_id, self.data_dir))

    @cached_property
    def decisions(self):
        """The decision models fitted for this embedding model (align/decide/models.py)."""
        from align.decide.models import load_decisions

        return load_decisions(self.embedder.model_id, data_dir=self.data_dir)

    @cached_property
    def task_idf(self) -> dict[str, float]:
        """idf of the terms of the corpus's tasks: what makes two tasks' shared words telling."""
        bm25 = self.index.task_bm25
        return bm25.idf() if bm25 is not None else {}

    def build_index(self, incremental: bool = True):
        """Build (or update) the index and use it from now on."""
        from align.corpus_index import CorpusIndex

        index = CorpusIndex.build(self.corpus, self.embedder, self.index_dir, approx=self.approx,
                                  progress=self.progress, incremental=incremental)
        self.__dict__["index"] = index
        self.__dict__.pop("aligner", None)
        self.__dict__.pop("task_idf", None)
        return index

"""One place that wires corpus, model, index and aligner together, lazily.

Every command needs the same chain (corpus -> embedder -> index -> aligner), built
on first use; the CLI and the reports ask a `Session` instead of repeating it.
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

        return Aligner(self.index, self.embedder, progress=self.progress)

    @cached_property
    def decisions(self):
        """The decision models fitted for this embedding model (align/decide/models.py)."""
        from align.decide.models import load_decisions

        return load_decisions(self.embedder.model_id)

    @cached_property
    def task_idf(self) -> dict[str, float]:
        """idf of the terms of the corpus's tasks: what makes two tasks' shared words telling."""
        bm25 = self.index.task_bm25
        return bm25.idf() if bm25 is not None else {}

    def build_index(self, incremental: bool = True):
        from align.corpus_index import CorpusIndex

        index = CorpusIndex.build(self.corpus, self.embedder, self.index_dir, approx=self.approx,
                                  progress=self.progress, incremental=incremental)
        self.__dict__["index"] = index
        return index

    def align(self, plan: str, refs: list[str] | None = None, top_k: int = 5, method: str | None = None):
        from align.align import DEFAULT_METHOD

        document = self.corpus.resolve(plan)
        references = self.corpus.references(refs)
        return self.aligner.align(document, references, top_k=top_k, method=method or DEFAULT_METHOD)

"""The index of a whole corpus: reference clauses and commune tasks, dense and lexical.

An index directory holds complete builds side by side and a `current` symlink to
the one in use. A build is written in full under `builds/` and only then published
by replacing the symlink (an atomic rename), under an exclusive lock: a build killed
at any moment, or two builds at once, leave the previous index usable. A build whose
files changed after it was written (their checksums differ) is not used: it is rebuilt,
or refused with `--no-rebuild`.

    DIR/current -> builds/<stamp>/
    DIR/builds/<stamp>/manifest.json     format, versions, model, dimension, corpus hash, counts,
                                         size, SHA-256 and mtime of every file (align/checksums.py)
    DIR/builds/<stamp>/clauses/          VectorStore of reference clauses (+ bm25/)
    DIR/builds/<stamp>/tasks/            VectorStore of commune tasks (+ bm25/)
    DIR/builds/<stamp>/views/            EmbeddingTable of the derived texts alignment embeds
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import numpy as np

from align import checksums
from align.corpus import Corpus
from align.embed.base import Embedder
from align.embed.cache import EmbeddingCache, encode_cached
from align.embed.table import EmbeddingTable
from align.errors import REBUILD_HINT, IndexStoreError
from align.index import FORMAT_VERSION, VectorStore
from align.paths import atomic_dir
from align.retrieval.features import embedded_texts
from align.records import RecordTable
from align.types import Document, IndexRecord, Role
from align.version import __version__

log = logging.getLogger(__name__)

KEEP_BUILDS = 2


def clause_records(doc: Document) -> list[IndexRecord]:
    return [IndexRecord(uid=f"{doc.id}#{c.id}", doc_id=doc.id, id=c.id, kind=c.kind, role=Role.CLAUSE, text=c.text,
                        heading=c.heading, heading_path=tuple(c.heading_path), fields=dict(c.fields))
            for c in doc.clauses]


def task_records(doc: Document) -> list[IndexRecord]:
    return [IndexRecord(uid=f"{doc.id}#{t.id}", doc_id=doc.id, id=t.id, kind=t.kind, role=Role.TASK, text=t.text,
                        heading=t.heading_path[-1] if t.heading_path else "", heading_path=tuple(t.heading_path),
                        fields=dict(t.fields))
            for t in doc.tasks]


def default_index_dir(model_id: str) -> Path:
    from align.paths import cache_dir

    slug = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in model_id)
    return cache_dir("index") / slug


class CorpusIndex:
    """Clause and task stores of one corpus for one model, with their lexical twins."""

    def __init__(self, directory: Path, manifest: dict, clauses: VectorStore, tasks: VectorStore,
                 clause_bm25=None, task_bm25=None, views: EmbeddingTable | None = None) -> None:
        self.directory = directory
        self.manifest = manifest
        self.clauses = clauses
        self.tasks = tasks
        self.clause_bm25 = clause_bm25
        self.task_bm25 = task_bm25
        self.views = views if views is not None else EmbeddingTable.empty(manifest["model_id"], clauses.dim)

    @property
    def model_id(self) -> str:
        return self.manifest["model_id"]

    def part(self, role: str):
        """(VectorStore, BM25Index) of the reference clauses ("clause") or commune tasks ("task")."""
        return (self.clauses, self.clause_bm25) if role == "clause" else (self.tasks, self.task_bm25)

    # -- build --------------------------------------------------------------------
    @classmethod
    def build(cls, corpus: Corpus, embedder: Embedder, directory: str | Path | None = None,
              approx: bool | None = None, progress: bool = True,
              cache: EmbeddingCache | None = None, incremental: bool = True) -> "CorpusIndex":
        """Build and publish a new index of `corpus`.

        With `incremental`, documents unchanged since the current build (same file, same
        manifest entry, same model and plan-align version) are carried over as they are:
        only new or changed documents are parsed, analysed and embedded.
        """
        directory = Path(directory) if directory else default_index_dir(embedder.model_id)
        cache = cache if cache is not None else EmbeddingCache()
        with _locked(directory):
            previous = _previous_build(directory, embedder) if incremental else None
            fingerprints = {e.id: corpus.fingerprint(e.id) for e in corpus.entries}
            reused = {doc_id for doc_id, fp in fingerprints.items()
                      if previous is not None and previous.manifest.get("documents", {}).get(doc_id) == fp}
            stamp = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{time.time_ns() % 10**6}"
            build_dir = directory / "builds" / stamp
            with atomic_dir(build_dir) as tmp:
                stores = {}
                views = previous.views if previous is not None else EmbeddingTable.empty(embedder.model_id,
                                                                                          embedder.dim)
                for step, (name, role, kind, make) in enumerate((("clauses", "clause", "passage", clause_records),
                                                                 ("tasks", "task", "query", task_records))):
                    ids = [e.id for e in corpus.entries if (e.kind == "reference") == (role == "clause")]
                    old, old_bm25 = previous.part(role) if previous is not None else (None, None)
                    fresh = [r for doc_id in ids if doc_id not in reused for r in make(corpus.document(doc_id))]
                    vectors = encode_cached(embedder, [r.text for r in fresh], kind=kind, cache=cache,
                                            progress=progress, stage=f"index build {2 * step + 1}/4: {name}")
                    store, bm25 = _assemble(ids, reused, old, old_bm25, fresh, vectors, embedder, approx)
                    store.save(tmp / name)
                    bm25.save(tmp / name / "bm25")
                    stores[name] = store
                    texts = views.missing(kind, embedded_texts(fresh, role))
                    views = views.merged(kind, texts, encode_cached(
                        embedder, texts, kind=kind, cache=cache, progress=progress,
                        stage=f"index build {2 * step + 2}/4: {role} contexts and sentences"))
                views.save(tmp / "views")
                manifest = {"format_version": FORMAT_VERSION, "package_version": __version__,
                            "model_id": embedder.model_id, "engine": embedder.engine, "dimension": embedder.dim,
                            "metric": "inner_product",
                            "corpus": str(corpus.root), "corpus_hash": corpus.content_hash(),
                            "counts": {"documents": len(corpus.entries), "clauses": len(stores["clauses"]),
                                       "tasks": len(stores["tasks"])},
                            "index_type": {k: s.manifest()["index_type"] for k, s in stores.items()},
                            "recall_at_10": {k: s.recall_at_10 for k, s in stores.items()},
                            "documents": fingerprints,
                            "build": {"reused_documents": len(reused),
                                      "parsed_documents": len(fingerprints) - len(reused)},
                            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
                            "files": checksums.record(tmp)}
                (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                                   encoding="utf-8")
            _publish(directory, build_dir)
        log.info("index built in %s: %d clauses, %d tasks (%d documents reused, %d parsed)", directory,
                 len(stores["clauses"]), len(stores["tasks"]), len(reused), len(fingerprints) - len(reused))
        return cls.load(directory)

    # -- load ---------------------------------------------------------------------
    @classmethod
    def load(cls, directory: str | Path) -> "CorpusIndex":
        from align.retrieval.bm25 import BM25Index

        directory = Path(directory)
        current = directory / "current"
        if not current.exists():
            raise IndexStoreError(f"{directory}: no index here; build one with `plan-align index build`")
        build_dir = current.resolve()
        try:
            manifest = json.loads((build_dir / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise IndexStoreError(f"{build_dir}: corrupted index manifest ({exc})", REBUILD_HINT) from exc
        if manifest.get("format_version") != FORMAT_VERSION:
            raise IndexStoreError(f"{build_dir}: index format {manifest.get('format_version')} is not "
                                  f"{FORMAT_VERSION}", REBUILD_HINT)
        problem = checksums.verify(build_dir, manifest.get("files") or {})
        if problem:
            raise IndexStoreError(f"{build_dir}: damaged index ({problem})", REBUILD_HINT)
        try:
            clause_bm25 = BM25Index.load(build_dir / "clauses" / "bm25")
            task_bm25 = BM25Index.load(build_dir / "tasks" / "bm25")
        except IndexStoreError:
            raise
        except Exception as exc:  # any failure reading the lexical side means a broken build
            raise IndexStoreError(f"{build_dir}: corrupted lexical index ({type(exc).__name__}: {exc})") from exc
        return cls(directory, manifest, VectorStore.load(build_dir / "clauses"),
                   VectorStore.load(build_dir / "tasks"), clause_bm25, task_bm25,
                   EmbeddingTable.load(build_dir / "views"))

    def changes(self, corpus: Corpus) -> dict[str, list[str]]:
        """Documents of `corpus` that are new, changed or gone since this build."""
        built = self.manifest.get("documents", {})
        now = {e.id: corpus.fingerprint(e.id) for e in corpus.entries}
        return {"new": [d for d in now if d not in built],
                "changed": [d for d in now if d in built and built[d] != now[d]],
                "removed": [d for d in built if d not in now]}

    def staleness(self, corpus: Corpus, model_id: str) -> str | None:
        """Why this index does not fit (corpus, model), or None when it does."""
        if self.manifest.get("model_id") != model_id:
            engine = f" on {self.manifest['engine']}" if self.manifest.get("engine") else ""
            return f"built with model {self.manifest.get('model_id')}{engine}, not {model_id}"
        if self.manifest.get("corpus_hash") != corpus.content_hash():
            changed = {k: v for k, v in self.changes(corpus).items() if v}
            detail = "; ".join(f"{k}: {', '.join(v[:3])}{' ...' if len(v) > 3 else ''}" for k, v in changed.items())
            return f"the corpus changed since it was built ({detail or 'manifest edited'})"
        if self.manifest.get("package_version") != __version__:
            return f"built by plan-align {self.manifest.get('package_version')}, not {__version__}"
        if not self.manifest.get("files"):
            return "built without file checksums"
        return None

    def info(self, corpus: Corpus, model_id: str) -> dict:
        """The manifest without per-document fingerprints, with where it lives and whether it is stale."""
        summary = {k: v for k, v in self.manifest.items() if k not in ("documents", "files")}
        return dict(summary, directory=str(self.directory), stale=self.staleness(corpus, model_id))

    @classmethod
    def ensure(cls, corpus: Corpus, embedder: Embedder, directory: str | Path | None = None,
               rebuild: bool = True, approx: bool | None = None, progress: bool = True) -> "CorpusIndex":
        """Load the index for (corpus, model); build it if missing or stale, unless rebuild=False."""
        directory = Path(directory) if directory else default_index_dir(embedder.model_id)
        reason, incremental = "there is none yet", True
        if (directory / "current").exists():
            try:
                index = cls.load(directory)
                reason = index.staleness(corpus, embedder.model_id)
                if reason is None:
                    return index
            except IndexStoreError as exc:
                if not rebuild:
                    raise
                log.warning("%s; rebuilding it", exc.problem)
                reason, incremental = "the current one is unusable", False
        if not rebuild:
            raise IndexStoreError(f"{directory}: index is stale ({reason}); run `plan-align index build`")
        log.info("building index in %s (%s)", directory, reason)
        return cls.build(corpus, embedder, directory, approx=approx, progress=progress, incremental=incremental)


def _build_bm25(records: list[IndexRecord]):
    from align.retrieval.bm25 import BM25Index
    from align.text.analyze import analyze

    return BM25Index().fit([analyze(r.text) for r in records], [r.uid for r in records])


def _previous_build(directory: Path, embedder: Embedder) -> "CorpusIndex | None":
    """The current build when its units can be carried into a new one, else None."""
    if not (directory / "current").exists():
        return None
    try:
        previous = CorpusIndex.load(directory)
    except IndexStoreError as exc:
        log.warning("not reusing the current index: %s", exc)
        return None
    m = previous.manifest
    if (m.get("model_id"), m.get("dimension"), m.get("package_version")) != (embedder.model_id, embedder.dim,
                                                                             __version__):
        return None
    return previous


def _assemble(ids: list[str], reused: set[str], old: VectorStore | None, old_bm25, fresh: list[IndexRecord],
              fresh_vectors: np.ndarray, embedder: Embedder, approx: bool | None):
    """The store and BM25 index of documents `ids`, in that order: reused rows from `old`, the rest fresh."""
    from align.retrieval.bm25 import BM25Index

    kept = np.array([row for row, doc_id in enumerate(old.doc_ids) if doc_id in reused] if old else [],
                    dtype=np.int64)
    sources: dict[str, list[int]] = {}  # document -> positions in (kept rows, then fresh records)
    for position, row in enumerate(kept):
        sources.setdefault(old.doc_ids[row], []).append(position)
    for position, record in enumerate(fresh, start=len(kept)):
        sources.setdefault(record.doc_id, []).append(position)
    order = np.array([p for doc_id in ids for p in sources.get(doc_id, [])], dtype=np.int64)
    from_old = order < len(kept)
    vectors = np.zeros((len(order), embedder.dim), dtype=np.float32)
    if from_old.any():
        vectors[from_old] = old.vectors[kept[order[from_old]]]
    vectors[~from_old] = fresh_vectors[order[~from_old] - len(kept)]
    fresh_table, fresh_bm25 = RecordTable.from_records(fresh), _build_bm25(fresh)
    if old is not None:
        records = RecordTable.concat([old.records.take(kept), fresh_table]).take(order)
        bm25 = BM25Index.concat([old_bm25.take(kept), fresh_bm25]).take(order)
    else:  # everything fresh, parsed in `ids` order already: `order` is the identity
        records, bm25 = fresh_table, fresh_bm25
    return VectorStore.build(records, vectors, embedder.model_id, approx=approx), bm25


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """Exclusive lock on the index directory for the length of a build."""
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _publish(directory: Path, build_dir: Path) -> None:
    """Point `current` at `build_dir` atomically, then drop old builds."""
    link = directory / f".current.tmp-{os.getpid()}"
    if link.is_symlink() or link.exists():
        link.unlink()
    os.symlink(Path("builds") / build_dir.name, link)
    os.replace(link, directory / "current")
    builds = sorted((p for p in (directory / "builds").iterdir() if p.is_dir() and not p.name.startswith(".")),
                    key=lambda p: p.stat().st_mtime)
    for old in builds[:-KEEP_BUILDS]:
        if old.resolve() != build_dir.resolve():
            shutil.rmtree(old, ignore_errors=True)
    for junk in (directory / "builds").glob(".*.tmp-*"):  # remains of killed builds
        if time.time() - junk.stat().st_mtime > 3600:
            shutil.rmtree(junk, ignore_errors=True)

"""The corpus directory: where it is, what its manifest says, and its parsed documents.

Location order: an explicit directory (`--corpus`), then `PLAN_ALIGN_CORPUS`, then
`../shared/corpus` beside the project root when it exists. Documents are parsed on
first use and kept for the life of the `Corpus`.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from align.errors import CorpusError
from align.types import Document

log = logging.getLogger(__name__)

ENV_VAR = "PLAN_ALIGN_CORPUS"
PROJECT_ROOT = Path(__file__).resolve().parents[1]
DOCUMENT_SUFFIXES = (".txt", ".md", ".docx", ".pdf")


@dataclass(frozen=True)
class ManifestEntry:
    """One document as the manifest describes it."""

    id: str
    path: str
    kind: str
    level: str
    title: str = ""
    parents: tuple[str, ...] = ()
    meta: Mapping[str, Any] = field(default_factory=dict)


def default_corpus_candidates() -> list[Path]:
    return [PROJECT_ROOT.parent / "shared" / "corpus", Path.cwd().parent / "shared" / "corpus"]


def locate_corpus(directory: str | os.PathLike | None = None) -> Path:
    """The corpus directory to use, or a CorpusError saying how to point at one."""
    if directory:
        path = Path(directory).expanduser()
        if not path.is_dir():
            raise CorpusError(f"{path}: corpus directory does not exist")
        return path
    if os.environ.get(ENV_VAR):
        path = Path(os.environ[ENV_VAR]).expanduser()
        if not path.is_dir():
            raise CorpusError(f"{path}: corpus directory from ${ENV_VAR} does not exist")
        return path
    for candidate in default_corpus_candidates():
        if candidate.is_dir():
            return candidate
    raise CorpusError(f"no corpus found: pass --corpus DIR or set {ENV_VAR} "
                      f"(looked for {default_corpus_candidates()[0]})")


def read_manifest(root: Path) -> list[ManifestEntry]:
    path = root / "manifest.json"
    if not path.is_file():
        raise CorpusError(f"{root}: corpus directory has no manifest.json")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = []
        for item in data["documents"]:
            meta = {k: v for k, v in item.items() if k not in {"id", "path", "kind", "level", "title", "parents"}}
            entries.append(ManifestEntry(id=item["id"], path=item["path"], kind=item.get("kind", "commune-plan"),
                                         level=item.get("level", "commune"), title=item.get("title", ""),
                                         parents=tuple(item.get("parents", ())), meta=meta))
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise CorpusError(f"{path}: malformed manifest ({type(exc).__name__}: {exc})") from exc
    ids = [e.id for e in entries]
    if len(set(ids)) != len(ids):
        raise CorpusError(f"{path}: duplicate document ids in manifest")
    return entries


class Corpus:
    """The documents of a corpus directory, parsed lazily."""

    def __init__(self, root: str | os.PathLike | None = None) -> None:
        self.root = locate_corpus(root)
        self.entries = read_manifest(self.root)
        self._by_id = {e.id: e for e in self.entries}
        self._docs: dict[str, Document] = {}
        self._fingerprints: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"Corpus({str(self.root)!r}, {len(self.entries)} documents)"

    @property
    def ids(self) -> list[str]:
        return [e.id for e in self.entries]

    def entry(self, doc_id: str) -> ManifestEntry:
        try:
            return self._by_id[doc_id]
        except KeyError:
            raise CorpusError(f"unknown document id {doc_id!r} (known: {', '.join(self.ids)})") from None

    def document(self, doc_id: str) -> Document:
        if doc_id not in self._docs:
            entry = self.entry(doc_id)
            self._docs[doc_id] = load_document(self.root / entry.path, doc_id=entry.id, title=entry.title,
                                               level=entry.level, kind=entry.kind)
        return self._docs[doc_id]

    def references(self, ids: list[str] | None = None) -> list[Document]:
        """Reference documents, all or the ones named (in the order named)."""
        refs = [e.id for e in self.entries if e.kind == "reference"]
        if ids:
            unknown = [i for i in ids if i not in refs]
            if unknown:
                raise CorpusError(f"unknown reference id {unknown[0]!r} (references: {', '.join(refs)})")
            refs = ids
        return [self.document(i) for i in refs]

    def plans(self) -> list[Document]:
        return [self.document(e.id) for e in self.entries if e.kind != "reference"]

    def resolve(self, plan: str) -> Document:
        """A plan given as a corpus id or a file path (a file outside the manifest works too)."""
        if plan in self._by_id:
            return self.document(plan)
        path = Path(plan).expanduser()
        for entry in self.entries:
            if path.exists() and (self.root / entry.path).resolve() == path.resolve():
                return self.document(entry.id)
        if not path.exists():
            raise CorpusError(f"{plan}: neither a document id in {self.root / 'manifest.json'} nor a file")
        return load_document(path, doc_id=path.stem)

    def fingerprint(self, doc_id: str) -> str:
        """Changes whenever what parsing one document depends on changes: its file or its entry.

        Read once per Corpus, like the parsed documents: a Corpus is a snapshot of the directory.
        """
        if doc_id not in self._fingerprints:
            entry = self.entry(doc_id)
            file = self.root / entry.path
            digest = hashlib.sha256(json.dumps([entry.id, entry.path, entry.kind, entry.level, entry.title],
                                               ensure_ascii=False).encode("utf-8"))
            digest.update(file.read_bytes() if file.is_file() else b"<missing>")
            self._fingerprints[doc_id] = digest.hexdigest()
        return self._fingerprints[doc_id]

    def content_hash(self) -> str:
        """Changes whenever the manifest or any document file changes."""
        digest = hashlib.sha256((self.root / "manifest.json").read_bytes())
        for entry in self.entries:
            digest.update(self.fingerprint(entry.id).encode("ascii"))
        return digest.hexdigest()


def load_document(path: str | os.PathLike, *, doc_id: str, title: str = "", level: str | None = None,
                  kind: str | None = None) -> Document:
    """Read and parse one file into a Document."""
    from align.ingest.read import read_text
    from align.parse.document import parse_document

    source = read_text(path)
    return parse_document(source.text, raw=source.raw, doc_id=doc_id, path=str(path), title=title,
                          level=level, kind=kind)

"""Adding documents to a corpus and removing them (`plan-align corpus add|remove`).

A document is validated before the corpus changes: it is read and parsed as what it is
said to be, and a commune plan must give tasks, a reference clauses. A file from outside
the corpus is copied in (`communes/<id><ext>` or `reference/<id><ext>`, its origin kept
as `copied_from`): the corpus stays one directory that can be moved, shared or backed up,
and the index fingerprints the copy, not a file elsewhere that may change or vanish. A
file already inside the corpus directory is referenced where it is. `remove` drops the
entry and deletes the file only when `add` copied it in.

The manifest is rewritten atomically (temp file + rename) under a lock on the corpus
directory: a killed command leaves the old manifest, two at once both land. Keys the
manifest holds that plan-align does not use are kept.
"""
from __future__ import annotations

import fcntl
import json
import os
import re
from contextlib import contextmanager
from itertools import takewhile
from pathlib import Path
from typing import Any, Iterator, Sequence

from align.corpus import locate_corpus, read_manifest
from align.errors import CorpusError
from align.types import Document

KINDS = ("commune-plan", "reference")
LEVELS = ("central", "government", "province", "commune")
FOLDERS = {"commune-plan": "communes", "reference": "reference"}
COPIED_FROM = "copied_from"
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")


def slug(name: str) -> str:
    """A document id from a file name: 'Kế hoạch Bình An 2026' -> 'ke-hoach-binh-an-2026'."""
    from align.text.normalize import plain_key

    return "-".join(plain_key(name).split())[:80]


def check_id(doc_id: str) -> str:
    if not _ID.match(doc_id):
        raise CorpusError(f"{doc_id!r}: not a usable document id (lower-case letters, digits, '.', '_', '-'; "
                          "starting with a letter or digit)")
    return doc_id


def guess_commune(document: Document) -> str:
    """The commune a plan's title names ("... xã Bình Thành năm 2026" -> "Bình Thành"), or ""."""
    words = [w.strip(".,;:()") for w in document.title.split()]
    for i, word in enumerate(words):
        if word.lower() == "xã":
            name = list(takewhile(lambda w: w[:1].isupper(), words[i + 1:i + 5]))
            if name:
                return " ".join(name)
    return ""


def add_document(corpus_dir: str | os.PathLike | None, file: str | os.PathLike, kind: str, doc_id: str | None = None,
                 level: str | None = None, parents: Sequence[str] = (), title: str | None = None,
                 commune: str | None = None) -> tuple[dict[str, Any], Document]:
    """Validate `file` and add it to the corpus; returns the manifest entry and the parsed document."""
    from align.corpus import load_document

    root = locate_corpus(corpus_dir)
    source = Path(file).expanduser()
    if kind not in KINDS:
        raise CorpusError(f"unknown kind {kind!r} (choose from {', '.join(KINDS)})")
    if level is not None and level not in LEVELS:
        raise CorpusError(f"unknown level {level!r} (choose from {', '.join(LEVELS)})")
    doc_id = check_id(doc_id or slug(source.stem))
    _refuse_known(root, doc_id)
    document = load_document(source, doc_id=doc_id, title=title or "", kind=kind,
                             level=level or ("commune" if kind == "commune-plan" else None))
    _refuse_empty(source, document, kind)
    with _locked(root):
        data = _read_raw(root)
        _refuse_known(root, doc_id)
        path, copy = _destination(root, source, kind, doc_id)
        entry = {"id": doc_id, "path": path, "kind": kind, "level": document.level, "title": document.title,
                 "parents": list(parents)}
        if kind == "commune-plan" and (commune or guess_commune(document)):
            entry["commune"] = commune or guess_commune(document)
        if copy:
            entry[COPIED_FROM] = str(source.resolve())
            _copy(source, root / path)
        try:
            _write_manifest(root, dict(data, documents=[*data["documents"], entry]))
        except BaseException:
            if copy:
                (root / path).unlink(missing_ok=True)
            raise
    return entry, document


def remove_document(corpus_dir: str | os.PathLike | None, doc_id: str) -> tuple[dict[str, Any], Path | None]:
    """Drop `doc_id` from the manifest; returns its entry and the file deleted (only a copy `add` made)."""
    root = locate_corpus(corpus_dir)
    with _locked(root):
        data = _read_raw(root)
        entries = [d for d in data["documents"] if d.get("id") == doc_id]
        if not entries:
            known = ", ".join(str(d.get("id")) for d in data["documents"])
            raise CorpusError(f"unknown document id {doc_id!r} (known: {known})")
        entry = entries[0]
        kept = [d for d in data["documents"] if d.get("id") != doc_id]
        _write_manifest(root, dict(data, documents=kept))
    file = (root / str(entry.get("path", ""))).resolve()
    shared = any((root / str(d.get("path", ""))).resolve() == file for d in kept)
    if entry.get(COPIED_FROM) and not shared and file.is_file() and file.is_relative_to(root.resolve()):
        file.unlink()
        return entry, file
    return entry, None


# -- checks -------------------------------------------------------------------------
def _refuse_known(root: Path, doc_id: str) -> None:
    if doc_id in {e.id for e in read_manifest(root)}:
        raise CorpusError(f"{doc_id!r} is already in {root / 'manifest.json'} (remove it first, or give another --id)")


def _refuse_empty(source: Path, document: Document, kind: str) -> None:
    if kind == "commune-plan" and not document.tasks:
        raise CorpusError(f"{source}: no tasks or targets found in it, so it was not added (is it a plan?)")
    if kind == "reference" and not document.clauses:
        raise CorpusError(f"{source}: no clauses found in it, so it was not added (is it a reference document?)")


def _destination(root: Path, source: Path, kind: str, doc_id: str) -> tuple[str, bool]:
    """(path relative to the corpus, whether the file must be copied there)."""
    resolved = source.resolve()
    if resolved.is_relative_to(root.resolve()):
        return resolved.relative_to(root.resolve()).as_posix(), False
    relative = f"{FOLDERS[kind]}/{doc_id}{source.suffix.lower()}"
    if (root / relative).exists():
        raise CorpusError(f"{root / relative} already exists (not in the manifest): remove it, or give another --id")
    return relative, True


# -- writing ------------------------------------------------------------------------
def _read_raw(root: Path) -> dict[str, Any]:
    """The manifest as JSON, every key kept (read_manifest has validated it)."""
    read_manifest(root)
    return json.loads((root / "manifest.json").read_text(encoding="utf-8"))


def _copy(source: Path, target: Path) -> None:
    from align.output import write_atomic

    try:
        write_atomic(target, source.read_bytes())
    except OSError as exc:
        raise CorpusError(f"{target}: cannot copy the document into the corpus ({exc.strerror or exc})") from None


def manifest_text(data: dict[str, Any]) -> str:
    """The manifest with one document per line: short, and a diff shows the documents changed."""
    parts = []
    for key, value in data.items():
        if key == "documents":
            rows = ",\n".join("    " + json.dumps(d, ensure_ascii=False) for d in value)
            parts.append(f'  "documents": [\n{rows}\n  ]' if rows else '  "documents": []')
        else:
            parts.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def _write_manifest(root: Path, data: dict[str, Any]) -> None:
    from align.output import write_atomic

    try:
        write_atomic(root / "manifest.json", manifest_text(data))
    except OSError as exc:
        raise CorpusError(f"{root / 'manifest.json'}: cannot write the manifest ({exc.strerror or exc})") from None


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    """An exclusive lock for one read-modify-write of the manifest."""
    try:
        handle = open(root / ".manifest.lock", "a")
    except OSError as exc:
        raise CorpusError(f"{root}: cannot write to the corpus directory ({exc.strerror or exc})") from None
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)

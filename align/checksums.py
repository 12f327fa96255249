"""Checksums of the files of an index build, so damage is found before the files are used.

A build records, for every file under its folder, its size, its SHA-256 and its mtime
(`record`). Before a build is used, `verify` checks every size (one stat per file, always)
and hashes only the files whose mtime is neither the one recorded at build time nor one
already verified: an intact index costs a few dozen stats, however large; a file rewritten
in place, even with bytes of the same size, has a new mtime and is hashed, and a difference
makes the build unusable. Files verified under a new mtime (an index copied without
preserving times) are remembered in `verified.json` beside the manifest, so each is hashed
once, not on every load.

SHA-256 rather than BLAKE2b: hashlib's SHA-256 uses the CPU's SHA instructions and ran about
twice as fast on the development machine (bench/RESULTS.md, "Index checksums").
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Mapping

log = logging.getLogger(__name__)

VERIFIED = "verified.json"
_SKIP = frozenset(("manifest.json", VERIFIED))   # top-level files that hold the checksums themselves


def sha256_file(path: str | Path) -> str:
    """Hex digest of a file, read in chunks (also identifies the source of a model build)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def record(directory: str | Path) -> dict[str, dict]:
    """Relative path -> {"size", "sha256", "mtime_ns"} of every file under `directory`."""
    directory = Path(directory)
    files: dict[str, dict] = {}
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        relative = path.relative_to(directory).as_posix()
        if relative in _SKIP:
            continue
        stat = path.stat()
        files[relative] = {"size": stat.st_size, "sha256": sha256_file(path), "mtime_ns": stat.st_mtime_ns}
    return files


def verify(directory: str | Path, files: Mapping[str, Mapping]) -> str | None:
    """What is wrong with the files of `directory` against their record, or None."""
    directory = Path(directory)
    verified = _read_verified(directory)
    unsure: list[tuple[str, int]] = []
    for relative, entry in files.items():
        try:
            stat = os.stat(directory / relative)
        except OSError:
            return f"{relative} is missing"
        if stat.st_size != entry.get("size"):
            return f"{relative} is {stat.st_size} bytes, not {entry.get('size')}"
        if stat.st_mtime_ns not in (entry.get("mtime_ns"), verified.get(relative)):
            unsure.append((relative, stat.st_mtime_ns))
    for relative, _ in unsure:
        log.debug("%s: checking %s against its checksum", directory, relative)
        if sha256_file(directory / relative) != files[relative].get("sha256"):
            return f"{relative} differs from its checksum (changed since the build)"
    if unsure:
        _remember(directory, dict(verified, **dict(unsure)))
    return None


def _read_verified(directory: Path) -> dict[str, int]:
    try:
        data = json.loads((directory / VERIFIED).read_text(encoding="utf-8"))
        return {str(k): int(v) for k, v in data.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def _remember(directory: Path, verified: dict[str, int]) -> None:
    """Best effort: an index in a read-only folder is hashed again next time, nothing worse."""
    from align.output import write_atomic

    try:
        write_atomic(directory / VERIFIED, json.dumps(verified, indent=0) + "\n")
    except OSError as exc:
        log.debug("%s: cannot record verified files (%s)", directory, exc)

"""Text -> Document: structure, citations, and the clauses (references) or tasks (plans).

The one entry point the rest of the tool uses to parse a document:

    parse_document(text, doc_id="x", raw=source.raw, path=source.path) -> Document

`text` is normalize_text output (align.ingest.read.read_text(...).text); `raw` the same lines
before normalisation (keeps the `<b>` marks of bold table rows). Unknown kind and level are
guessed from the preamble: a plan issued by a commune ("UBND xã ...", "... xã Bình Thành")
is a "commune-plan", anything else a "reference".
"""
from __future__ import annotations

import hashlib
import logging
import re
from typing import Any, Iterable, Mapping

from align.errors import InputError
from align.parse.citations import extract_citations
from align.parse.lines import line_blocks
from align.parse.plan import count_by_section, extract_tasks
from align.parse.structure import parse_blocks
from align.types import HEADING, Block, Document

log = logging.getLogger(__name__)

COMMUNE, PROVINCE, GOVERNMENT, CENTRAL = "commune", "province", "government", "central"
REFERENCE, COMMUNE_PLAN = "reference", "commune-plan"

# Checked in this order: a commune plan cites its province, the Government and the Politburo,
# so the most local issuer named in the preamble wins.
_LEVELS = (
    (COMMUNE, re.compile(r"\b(?:UBND|Ủy ban nhân dân|Đảng ủy|Ban Chỉ đạo[^.;]{0,60}?)\s+xã\b"
                         r"|\b[Xx]ã\s+[A-ZĐ]")),
    (PROVINCE, re.compile(r"\b(?:tỉnh|thành phố|Tỉnh|Thành phố|TỈNH|THÀNH PHỐ)\s+[A-ZĐ]")),
    (GOVERNMENT, re.compile(r"\bChính phủ\b|\bCHÍNH PHỦ\b")),
    (CENTRAL, re.compile(r"\bBộ Chính trị\b|\bBan Chấp hành Trung ương\b|\bBan Bí thư\b"
                         r"|\bBỘ CHÍNH TRỊ\b")),
)
_DOC_TYPES = ("KẾ HOẠCH", "NGHỊ QUYẾT", "CHƯƠNG TRÌNH", "QUYẾT ĐỊNH", "ĐỀ ÁN", "CHỈ THỊ")
_SUBTITLE_MAX_WORDS = 40
_HEADER_CHARS = 3000


def _preamble(blocks: Iterable[Block]) -> list[Block]:
    return [b for b in blocks if b.fields.get("role") == "preamble"]


def guess_level(blocks: Iterable[Block], text: str = "") -> str:
    """central | government | province | commune, from the issuer named in the preamble."""
    header = " ".join(b.text for b in _preamble(blocks))[:_HEADER_CHARS] or text[:_HEADER_CHARS]
    for level, rx in _LEVELS:
        if rx.search(header):
            return level
    log.warning("no issuer level found in the preamble; assuming %s", COMMUNE)
    return COMMUNE


def guess_kind(level: str) -> str:
    return COMMUNE_PLAN if level == COMMUNE else REFERENCE


def _lower_first(text: str) -> str:
    words = text.split()
    if len(words) > 1 and words[1][:1].islower() and not words[0].isupper():
        return text[:1].lower() + text[1:]
    return text


def guess_title(blocks: Iterable[Block]) -> str:
    """'KẾ HOẠCH' + the line under it -> 'Kế hoạch thực hiện Nghị quyết ...'; else the first heading."""
    pre = _preamble(blocks)
    for i, b in enumerate(pre):
        if b.kind == HEADING and b.text.rstrip(": ").upper() in _DOC_TYPES:
            name = b.text.rstrip(": ").capitalize()
            nxt = pre[i + 1] if i + 1 < len(pre) else None
            if nxt and (nxt.kind == HEADING or (len(nxt.text.split()) <= _SUBTITLE_MAX_WORDS
                                                and not nxt.text.endswith(":"))):
                return f"{name} {_lower_first(nxt.text)}"
            return name
    heading = next((b for b in pre if b.kind == HEADING), None)
    return heading.text if heading else (pre[0].text if pre else "")


def parse_document(text: str, *, doc_id: str, path: str = "", title: str = "",
                   level: str | None = None, kind: str | None = None, raw: str | None = None,
                   known: Mapping[str, str] | None = None) -> Document:
    """Parse a normalised text into a Document.

    References get `clauses` (align.parse.reference.parse_reference), plans get `tasks`
    (align.parse.plan); both get `blocks` and `citations` (`known`: document number ->
    corpus id, default align.parse.citations.DEFAULT_KNOWN).
    """
    if not text.strip():
        raise InputError(path or doc_id, "no text to parse")
    marked = line_blocks(text)       # one line pass, read as plan blocks and as reference segments
    blocks = parse_blocks(text, raw, marked)
    level = level or guess_level(blocks, text)
    kind = kind or guess_kind(level)
    citations = extract_citations(blocks, known=known, doc_id=doc_id)
    clauses: tuple = ()
    tasks: tuple = ()
    meta: dict[str, Any] = {"blocks": len(blocks)}
    if kind == REFERENCE:
        from align.parse.reference import parse_reference
        clauses = tuple(parse_reference(text, doc_id, marked))
        meta["clauses"] = len(clauses)
    else:
        tasks = tuple(extract_tasks(blocks, doc_id))
        meta["tasks"] = dict(count_by_section(tasks))
    log.debug("%s: %s (%s), %d blocks, %d clauses, %d tasks, %d citations",
             doc_id, kind, level, len(blocks), len(clauses), len(tasks), len(citations))
    return Document(
        id=doc_id, path=path, title=title or guess_title(blocks), level=level, kind=kind,
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(), blocks=blocks,
        clauses=clauses, tasks=tasks, citations=tuple(citations), meta=meta)

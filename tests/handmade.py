"""Small documents, evidence matrices and decision models written for the decision and report tests.

Our own words, never the corpus. A matrix is `base` everywhere except the (task row, clause id)
cells given; the cosines rise with the scores. With the cuts here every expected state can be
read off the cells: a clause's support is the noisy-or of its three best serves probabilities,
a task's chance of serving nothing the product of 1 - p over every clause in scope.
"""
from __future__ import annotations

import re

import numpy as np

from align.decide.coverage import CoverageModel
from align.decide.evidence import PlanEvidence
from align.decide.orphans import OrphanModel
from align.text.normalize import fold
from align.types import Applicability, Clause, Document, Task

CLAUSES = (
    ("I.1", "viewpoint", "Quan điểm", "Coi chuyển đổi số là động lực phát triển."),
    ("III.1.1", "task", "Nâng cao nhận thức", "Tuyên truyền cho cán bộ và người dân về chuyển đổi số."),
    ("III.1.2", "task", "Nâng cao nhận thức", "Phát động phong trào học tập kỹ năng số trong cộng đồng."),
    ("III.5.1", "task", "Chuyển đổi số trong cơ quan", "Giải quyết thủ tục hành chính trên môi trường điện tử."),
    ("III.7.1", "task", "Hợp tác quốc tế", "Mở rộng hợp tác nghiên cứu với các đối tác nước ngoài."),
    ("IV.2", "implementation", "Tổ chức thực hiện", "Đảng đoàn Quốc hội chỉ đạo rà soát, hoàn thiện pháp luật."),
)
CENTRAL = "IV.2"
CENTRAL_REASON = "only the National Assembly's Party delegation can do it"

WEAK_CUT, COVERED_CUT = 0.3, 0.6
MODEL = CoverageModel(WEAK_CUT, COVERED_CUT)
ORPHANS = OrphanModel(0.8)          # an orphan when the chance of serving nothing in scope is 0.8 or more
BASE = 0.01
_WORDS = re.compile(r"\w+")


def words(text: str) -> tuple[str, ...]:
    return tuple(_WORDS.findall(fold(text)))


def make_ref(doc_id: str = "ref") -> Document:
    clauses = tuple(Clause(doc_id, cid, text, heading, kind=kind) for cid, kind, heading, text in CLAUSES)
    return Document(doc_id, f"{doc_id}.md", "Văn bản tham chiếu", "central", "reference", "h", clauses=clauses)


def make_plan(doc_id: str, texts: list[str], commune: str | None = None) -> Document:
    tasks = tuple(Task(doc_id, f"t{i + 1}", text, fields={"lead": "UBND xã", "deadline": "Quý I"})
                  for i, text in enumerate(texts))
    return Document(doc_id, f"{doc_id}.txt", f"Kế hoạch {doc_id}", "commune", "commune-plan", "h", tasks=tasks,
                    meta={"commune": commune or doc_id})


def matrix(plan: Document, ref: Document, cells: dict[tuple[int, str], float], base: float = BASE) -> np.ndarray:
    """(tasks x clauses), `base` everywhere except the (task row, clause id) cells given."""
    out = np.full((len(plan.tasks), len(ref.clauses)), base, dtype=np.float32)
    column = {c.id: j for j, c in enumerate(ref.clauses)}
    for (row, clause_id), value in cells.items():
        out[row, column[clause_id]] = value
    return out


def evidence_for(plan: Document, ref: Document, cells: dict[tuple[int, str], float], base: float = BASE,
                 serves: dict[tuple[int, str], float] | None = None,
                 links: tuple[tuple[int, ...], ...] = ()) -> PlanEvidence:
    """Evidence whose ranker scores are the cells given; the serves probabilities are the same cells
    unless `serves` gives others."""
    scores = matrix(plan, ref, cells, base)
    serving = scores.copy() if serves is None else matrix(plan, ref, serves, base)
    dense = (0.80 + 0.15 * scores).astype(np.float32)
    return PlanEvidence(plan, ref, scores, serving, dense, tuple(words(t.text) for t in plan.tasks),
                        tuple(words(c.text) for c in ref.clauses), links)


def applicability_of(ref: Document) -> list[Applicability]:
    """Every clause for every level except CENTRAL, as a curated table would say."""
    return [Applicability(c.id, "central", False, CENTRAL_REASON, ("Đảng đoàn Quốc hội",), "table")
            if c.id == CENTRAL else Applicability(c.id, "all-levels", True, "every level acts on it", (), "table")
            for c in ref.clauses]

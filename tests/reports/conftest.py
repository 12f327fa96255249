"""Small documents and score matrices written for the report tests (our own words, not the corpus)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from align.reports.gaps import PlanScores
from align.types import Clause, Document, Task

CLAUSES = (
    ("I.1", "viewpoint", "Quan điểm", "Coi chuyển đổi số là động lực phát triển."),
    ("III.1.1", "task", "Nâng cao nhận thức", "Tuyên truyền cho cán bộ và người dân về chuyển đổi số."),
    ("III.1.2", "task", "Nâng cao nhận thức", "Phát động phong trào học tập kỹ năng số trong cộng đồng."),
    ("III.5.1", "task", "Chuyển đổi số trong cơ quan", "Giải quyết thủ tục hành chính trên môi trường điện tử."),
    ("III.7.1", "task", "Hợp tác quốc tế", "Mở rộng hợp tác nghiên cứu với các đối tác nước ngoài."),
    ("IV.2", "implementation", "Tổ chức thực hiện", "Đảng đoàn Quốc hội chỉ đạo rà soát, hoàn thiện pháp luật."),
)


def make_ref(doc_id: str = "ref") -> Document:
    clauses = tuple(Clause(doc_id, cid, text, heading, kind=kind) for cid, kind, heading, text in CLAUSES)
    return Document(doc_id, f"{doc_id}.md", "Văn bản tham chiếu", "central", "reference", "h", clauses=clauses)


def make_plan(doc_id: str, texts: list[str], commune: str | None = None) -> Document:
    tasks = tuple(Task(doc_id, f"t{i + 1}", text, fields={"lead": "UBND xã", "deadline": "Quý I"})
                  for i, text in enumerate(texts))
    return Document(doc_id, f"{doc_id}.txt", f"Kế hoạch {doc_id}", "commune", "commune-plan", "h", tasks=tasks,
                    meta={"commune": commune or doc_id})


def summaries(scores: dict[str, PlanScores]) -> dict:
    """The corpus view gap_report and coverage_matrix take: each plan's best scores."""
    return {pid: s.summary() for pid, s in scores.items()}


def scores_for(plan: Document, ref: Document, cells: dict[tuple[int, str], float]) -> PlanScores:
    """A score matrix that is 0.1 everywhere except the (task row, clause id) cells given."""
    matrix = np.full((len(plan.tasks), len(ref.clauses)), 0.1, dtype=np.float32)
    column = {c.id: j for j, c in enumerate(ref.clauses)}
    for (row, clause_id), value in cells.items():
        matrix[row, column[clause_id]] = value
    return PlanScores(plan, ref, matrix)


@pytest.fixture()
def ref() -> Document:
    return make_ref()


@pytest.fixture()
def small_corpus(ref):
    """A plan under review, a peer in another commune and a sibling plan of the same commune."""
    plan = make_plan("xa-a-2026", ["Tuyên truyền về chuyển đổi số cho người dân.",
                                   "Số hóa hồ sơ thủ tục hành chính.", "Sửa chữa trụ sở làm việc."], "Xã A")
    peer = make_plan("xa-b-2026", ["Phát động học tập kỹ năng số.", "Hợp tác với đối tác nước ngoài."], "Xã B")
    sibling = make_plan("xa-a-khac", ["Học tập kỹ năng số trong thôn."], "Xã A")
    scores = {
        plan.id: scores_for(plan, ref, {(0, "III.1.1"): 0.9, (1, "III.5.1"): 0.7, (0, "III.5.1"): 0.55}),
        peer.id: scores_for(peer, ref, {(0, "III.1.2"): 0.8, (1, "III.7.1"): 0.6}),
        sibling.id: scores_for(sibling, ref, {(0, "III.1.2"): 0.75}),
    }
    communes = {plan.id: "Xã A", peer.id: "Xã B", sibling.id: "Xã A"}
    return plan, scores, communes


MINI_CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "fixtures" / "mini"


@pytest.fixture(scope="module")
def mini_session(tmp_path_factory):
    """A Session over the project's mini corpus, its index built once per test module."""
    from align.session import Session

    return Session(MINI_CORPUS, index_dir=tmp_path_factory.mktemp("mini-index"), progress=False)

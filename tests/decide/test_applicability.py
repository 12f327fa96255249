import json
from collections import Counter

import pytest

from align.decide.applicability import TABLES, WHO, applicability, by_rules, rule_accuracy, table_for
from align.errors import ModelError
from align.types import LEAD, Clause

from tests.handmade import make_ref


def _clause(text: str, kind: str = "task", lead: str = "") -> Clause:
    return Clause("r", "X.1", text, "h", kind=kind, fields={LEAD: lead} if lead else {})


def _rows(ref_id: str) -> list[dict]:
    lines = (TABLES / f"{ref_id}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.mark.parametrize("text", [
    "Ban Tuyên giáo Trung ương chủ trì, phối hợp với các cơ quan báo chí làm tốt công tác tuyên truyền.",
    "Quốc hội sửa đổi, bổ sung các luật về khoa học và công nghệ.",
    "Đảng đoàn Quốc hội lãnh đạo rà soát các luật.",
])
def test_by_rules_marks_a_clause_addressed_to_a_central_body_not_for_a_commune(text):
    assert by_rules(_clause(text)).commune is False


@pytest.mark.parametrize("text", [
    "Cấp ủy, chính quyền các cấp quán triệt và tổ chức thực hiện nghiêm Nghị quyết.",
    "Các địa phương bố trí kinh phí cho chuyển đổi số.",
])
def test_by_rules_marks_a_clause_for_every_level_for_a_commune(text):
    assert by_rules(_clause(text)).commune is True


def test_by_rules_reason_names_the_central_body():
    found = by_rules(_clause("Ban Tuyên giáo Trung ương chủ trì công tác tuyên truyền."))
    assert "trung uong" in found.reason and found.source == "rules" and found.who == "central"


def test_by_rules_reads_the_lead_agency_before_the_text():
    found = by_rules(_clause("Triển khai nền tảng số dùng chung.", lead="Bộ Khoa học và Công nghệ"))
    assert found.commune is False and found.who == "ministries"


def test_by_rules_reads_only_the_first_sentence_for_actors():
    assert by_rules(_clause("Quốc hội giám sát việc thực hiện. Các địa phương báo cáo kết quả.")).commune is False


def test_by_rules_marks_national_work_whoever_is_named():
    assert by_rules(_clause("Phấn đấu quy mô kinh tế số đạt 30% GDP.")).commune is False


def test_by_rules_keeps_a_viewpoint_for_every_level():
    assert by_rules(_clause("Quốc hội và Chính phủ coi khoa học là động lực.", kind="viewpoint")).commune is True


def test_by_rules_does_not_take_society_for_a_commune():
    text = "Ban Tuyên giáo Trung ương chủ trì tuyên truyền trong toàn xã hội."
    assert by_rules(_clause(text)).commune is False


def test_applicability_reads_the_rules_for_a_reference_without_a_table(tmp_path):
    found = applicability(make_ref("no-table"), tmp_path)
    assert [a.clause_id for a in found] == [c.id for c in make_ref().clauses]
    assert {a.source for a in found} == {"rules"} and found[-1].commune is False      # IV.2: Quốc hội


def test_applicability_prefers_the_table_and_fills_missing_clauses_from_the_rules(tmp_path):
    row = {"clause": "IV.2", "who": "all-levels", "commune": True, "reason": "our test says so"}
    (tmp_path / "part.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    found = {a.clause_id: a for a in applicability(make_ref("part"), tmp_path)}
    assert found["IV.2"].commune is True and found["IV.2"].source == "table"
    assert found["III.1.1"].source == "rules"


def test_table_for_refuses_a_malformed_row(tmp_path):
    (tmp_path / "bad.jsonl").write_text('{"clause": "I.1", "who": "everyone", "commune": true, "reason": "x"}\n',
                                        encoding="utf-8")
    with pytest.raises(ModelError, match="bad.jsonl:1"):
        table_for("bad", tmp_path)


def test_rule_accuracy_counts_agreement_with_the_table(tmp_path):
    rows = [{"clause": "III.1.1", "who": "all-levels", "commune": True, "reason": "a"},
            {"clause": "IV.2", "who": "all-levels", "commune": True, "reason": "b"}]   # the rules say national
    (tmp_path / "acc.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert rule_accuracy([make_ref("acc")], tmp_path)["acc"] == {"n": 2, "accuracy": 0.5, "national": 0,
                                                                 "national_found": 0, "own_plan": 0,
                                                                 "own_plan_found": 0, "own_plan_extra": 0}


@pytest.mark.parametrize("ref_id", ["nq57", "nq03"])
def test_applicability_tables_are_well_formed(ref_id):
    bad = [r for r in _rows(ref_id) if r["who"] not in WHO or not isinstance(r["commune"], bool)
           or not r["reason"].strip() or "\n" in r["reason"]]
    assert bad == []


@pytest.mark.corpus
@pytest.mark.parametrize("ref_id", ["nq57", "nq03"])
def test_applicability_table_has_every_clause_of_the_reference_once(real_session, ref_id):
    ids = [c.id for c in real_session.corpus.references([ref_id])[0].clauses]
    counts = Counter(r["clause"] for r in _rows(ref_id))
    assert [c for c, n in counts.items() if n > 1] == [] and set(counts) == set(ids)


@pytest.mark.corpus
def test_applicability_of_nq57_keeps_its_central_clauses_away_from_communes(real_session):
    found = {a.clause_id: a for a in applicability(real_session.corpus.references(["nq57"])[0])}
    assert found["IV.3"].commune is False and found["IV.5"].commune is False
    assert {a.source for a in found.values()} == {"table"}


def test_by_rules_keeps_the_central_body_as_written():
    found = by_rules(_clause("Ban Tuyên giáo Trung ương chủ trì công tác tuyên truyền."))
    assert found.actors == ("Ban Tuyên giáo Trung ương",)


@pytest.mark.parametrize("text", [
    "Xây dựng kế hoạch thực hiện Chỉ thị của tỉnh.",
    "Ủy ban nhân dân các xã, phường ban hành kế hoạch triển khai thực hiện Đề án này trước quý III.",
    "Ban hành kế hoạch thực hiện Nghị quyết.",
])
def test_by_rules_marks_a_clause_asking_only_for_the_local_plan_as_carried_out_by_the_plan(text):
    found = by_rules(_clause(text))
    assert found.commune and found.by_plan


@pytest.mark.parametrize("text", [
    "Xây dựng kế hoạch thực hiện đề án với các chỉ tiêu cụ thể; phân công người phụ trách; đặt tiêu chí chấm điểm.",
    "Xây dựng kế hoạch để mọi hộ gia đình có địa chỉ số.",
    "Xây dựng kế hoạch hỗ trợ hợp tác xã bán hàng trên sàn thương mại điện tử.",
])
def test_by_rules_does_not_take_a_plan_with_its_own_content_for_the_plan_itself(text):
    assert not by_rules(_clause(text)).by_plan


def test_by_rules_never_marks_a_central_clause_as_carried_out_by_the_plan():
    assert not by_rules(_clause("Bộ Tài chính xây dựng chương trình hành động thực hiện Chỉ thị.")).by_plan


def test_table_for_reads_the_by_plan_flag(tmp_path):
    rows = [{"clause": "I.1", "who": "all-levels", "commune": True, "by_plan": True, "reason": "its own plan"},
            {"clause": "I.2", "who": "all-levels", "commune": True, "reason": "b"}]
    (tmp_path / "own.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    table = table_for("own", tmp_path)
    assert table["I.1"].by_plan and not table["I.2"].by_plan


@pytest.mark.corpus
@pytest.mark.parametrize("ref_id", ["nq57", "nq03"])
def test_by_rules_finds_the_clauses_the_table_says_the_plan_itself_carries_out(real_session, ref_id):
    ref = real_session.corpus.references([ref_id])[0]
    table = table_for(ref_id)
    assert {c.id for c in ref.clauses if by_rules(c).by_plan} == {c for c, a in table.items() if a.by_plan}

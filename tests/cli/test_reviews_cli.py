"""`plan-align review ...` end to end on the mini corpus; the data directory is a temp dir (tests/conftest.py)."""
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from align.cli.main import app

MINI = Path(__file__).resolve().parents[2] / "corpus" / "fixtures" / "mini"
PLAN = "xa-an-phu"


@pytest.fixture(scope="module")
def common(tmp_path_factory):
    return ["--corpus", str(MINI), "--index-dir", str(tmp_path_factory.mktemp("cli-index")), "--quiet"]


def _run(*args):
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def _task():
    from align.corpus import Corpus

    return Corpus(MINI).document(PLAN).tasks[0]


def _add(action, clause=None, reviewer="An"):
    extra = ["--clause", clause] if clause else []
    return _run("review", "add", PLAN, _task().id, "--action", action, "--ref", "ref-mini", "--reviewer", reviewer,
                "--corpus", str(MINI), *extra)


def _listed(*extra):
    return json.loads(_run("review", "list", "-f", "json", *extra))


def test_review_list_is_empty_before_any_decision():
    assert _listed() == []


def test_review_add_then_list_shows_the_decision_with_its_reviewer():
    _add("reject", "II.1.a", reviewer="Nguyễn An")
    [row] = _listed()
    assert (row["reviewer"], row["action"], row["clause_id"], row["task_id"]) == ("Nguyễn An", "reject", "II.1.a",
                                                                                   _task().id)


def test_review_undo_brings_back_the_earlier_decision_and_history_keeps_all():
    _add("reject", "II.1.a")
    _add("none")
    _run("review", "undo", PLAN, _task().id, "--ref", "ref-mini", "--reviewer", "An")
    assert [r["action"] for r in _listed()] == ["reject"]
    assert [r["action"] for r in _listed("--history")] == ["reject", "none", "undo"]


def test_review_export_then_import_adds_each_decision_once(tmp_path, monkeypatch):
    _add("reject", "II.1.a")
    exported = tmp_path / "reviews.jsonl"
    _run("review", "export", "--out", str(exported))
    monkeypatch.setenv("PLAN_ALIGN_DATA", str(tmp_path / "elsewhere"))
    result = CliRunner().invoke(app, ["review", "import", str(exported)])
    again = CliRunner().invoke(app, ["review", "import", str(exported)])
    assert "1 new decisions" in result.stderr and "0 new decisions" in again.stderr
    assert len(_listed()) == 1


def test_review_import_of_a_bad_file_prints_one_error_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["review", "import", str(bad)])
    assert result.exit_code != 0 and "bad.jsonl:1" in str(result.exception)


def test_gaps_applies_a_reviewed_choice_and_no_reviews_ignores_it(common):
    before = json.loads(_run("gaps", PLAN, "--ref", "ref-mini", "-f", "json", *common))
    target = next(c["clause_id"] for c in before["clauses"] if c["status"] in ("gap", "weak"))
    _add("choose", target)
    after = json.loads(_run("gaps", PLAN, "--ref", "ref-mini", "-f", "json", *common))
    model = json.loads(_run("gaps", PLAN, "--ref", "ref-mini", "-f", "json", "--no-reviews", *common))
    state = {c["clause_id"]: (c["status"], c["reviewed"]) for c in after["clauses"]}
    assert state[target] == ("covered", True) and after["summary"]["reviewed"] == 1
    assert next(c for c in model["clauses"] if c["clause_id"] == target)["reviewed"] is False


def test_review_add_refuses_a_clause_the_reference_does_not_have():
    result = CliRunner().invoke(app, ["review", "add", PLAN, _task().id, "--action", "choose", "--clause", "IX.9",
                                      "--ref", "ref-mini", "--reviewer", "An", "--corpus", str(MINI)])
    assert "no clause IX.9" in str(result.exception) and _listed() == []


def test_matrix_marks_a_reviewed_plan_and_no_reviews_does_not(common):
    gaps = json.loads(_run("gaps", PLAN, "--ref", "ref-mini", "-f", "json", *common))
    _add("choose", next(c["clause_id"] for c in gaps["clauses"] if c["status"] in ("gap", "weak")))
    reviewed = json.loads(_run("matrix", "--ref", "ref-mini", "-f", "json", *common))
    model = json.loads(_run("matrix", "--ref", "ref-mini", "-f", "json", "--no-reviews", *common))
    assert {p["plan"]: p["reviewed"] for p in reviewed["plans"]}[PLAN] is True
    assert not any(p["reviewed"] for p in model["plans"])


def test_align_shows_a_suggestion_from_a_reviewed_near_repeat_and_no_reviews_hides_it(common):
    from align.corpus import Corpus

    other = next(t for t in Corpus(MINI).document("xa-binh-minh").tasks if "trực tuyến toàn trình" in t.text)
    _run("review", "add", "xa-binh-minh", other.id, "--action", "choose", "--clause", "II.3.a", "--ref", "ref-mini",
         "--reviewer", "Lan", "--corpus", str(MINI))
    shown = json.loads(_run("align", PLAN, "--top-k", "1", "-f", "json", *common))["suggestions"]
    hidden = json.loads(_run("align", PLAN, "--top-k", "1", "-f", "json", "--no-reviews", *common))["suggestions"]
    assert {s["origin"]["commune"] for s in shown} == {"Bình Minh"} and hidden == []

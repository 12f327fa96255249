"""The reviewer commands end to end on the project's mini corpus (one index for the module)."""
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from align.cli.main import app

MINI = Path(__file__).resolve().parents[2] / "corpus" / "fixtures" / "mini"


@pytest.fixture(scope="module")
def common(tmp_path_factory):
    return ["--corpus", str(MINI), "--index-dir", str(tmp_path_factory.mktemp("cli-index")), "--quiet"]


def _run(args, common):
    result = CliRunner().invoke(app, args + common)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_gaps_json_has_the_contract(common):
    data = json.loads(_run(["gaps", "xa-an-phu", "--ref", "ref-mini", "-f", "json"], common))
    assert data["plan"]["id"] == "xa-an-phu" and data["ref"] == "ref-mini"
    assert isinstance(data["threshold"], float) and data["items"] and "orphans" in data
    for clause in data["clauses"]:
        assert {"clause_id", "heading", "text", "covered", "status", "evidence", "reason", "best_score", "tasks",
                "peer_coverage"} <= set(clause)
        assert clause["covered"] is (clause["status"] in ("covered", "weak"))
        assert all(set(e) == {"task_id", "text", "score", "terms"} for e in clause["evidence"])
    assert all(o["reason"] for o in data["orphans"]) and all(g["reason"] for g in data["gaps"])


def test_gaps_threshold_option_changes_coverage(common):
    low = json.loads(_run(["gaps", "xa-an-phu", "--ref", "ref-mini", "--threshold", "0", "-f", "json"], common))
    high = json.loads(_run(["gaps", "xa-an-phu", "--ref", "ref-mini", "--threshold", "1", "-f", "json"], common))
    assert all(c["covered"] for c in low["clauses"] if c["status"] != "not_applicable") and low["threshold"] == 0.0
    assert high["threshold"] == 1.0 and high["summary"]["covered"] < low["summary"]["covered"]


def test_gaps_csv_has_one_row_per_clause(common):
    data = json.loads(_run(["gaps", "xa-an-phu", "--ref", "ref-mini", "-f", "json"], common))
    lines = _run(["gaps", "xa-an-phu", "--ref", "ref-mini", "-f", "csv"], common).strip().splitlines()
    assert lines[0].startswith("clause_id,") and len(lines) == 1 + len(data["clauses"])


def test_duplicates_json_finds_the_repeat_inside_the_plan(common):
    data = json.loads(_run(["duplicates", "xa-an-phu", "-f", "json"], common))
    assert data["plan"]["id"] == "xa-an-phu"
    exact = [p for p in data["pairs"] if p["kind"] == "exact"]
    assert len(exact) == 1 and exact[0]["a"]["plan"] == exact[0]["b"]["plan"] == "xa-an-phu"
    assert {"id", "text", "plan"} <= set(exact[0]["a"]) and "score" in exact[0] and exact[0]["reason"]


def test_duplicates_across_pairs_with_the_other_plan(common):
    data = json.loads(_run(["duplicates", "xa-an-phu", "--across", "-f", "json"], common))
    assert data["across"] is True and data["pairs"]
    assert {p["b"]["plan"] for p in data["pairs"]} == {"xa-binh-minh"}


def test_search_json_lists_plan_heading_path_and_score(common):
    data = json.loads(_run(["search", "thanh toán trực tuyến phí lệ phí", "--top-k", "3", "-f", "json"], common))
    assert len(data["hits"]) == 3 and data["hits"][0]["plan"] == "xa-binh-minh"
    assert {"heading_path", "score", "commune"} <= set(data["hits"][0])


def test_search_commune_without_diacritics_finds_that_commune(common):
    data = json.loads(_run(["search", "thanh toán trực tuyến", "--commune", "binh minh", "-f", "json"], common))
    assert data["hits"] and {h["commune"] for h in data["hits"]} == {"Bình Minh"}


def test_matrix_csv_has_a_row_per_plan(common):
    lines = _run(["matrix", "--ref", "ref-mini", "-f", "csv"], common).strip().splitlines()
    assert lines[0].startswith("plan,commune,") and lines[0].endswith(",total")
    assert sorted(line.split(",")[0] for line in lines[1:]) == ["xa-an-phu", "xa-binh-minh"]


def test_report_writes_a_self_contained_html_file(common, tmp_path):
    out = tmp_path / "review.html"
    result = CliRunner().invoke(app, ["report", "xa-an-phu", "--out", str(out)] + common)
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    links = []

    class Links(HTMLParser):
        def handle_starttag(self, tag, attrs):
            links.extend(v for k, v in attrs if k in {"src", "href"} and v)

    Links().feed(page)
    assert 'id="heatmap"' in page and "An Phú" in page
    assert not [link for link in links if "//" in link]


@pytest.mark.parametrize("suffix", [".md", ".json", ".xlsx", ".docx"])
def test_report_writes_the_other_formats(common, tmp_path, suffix):
    out = tmp_path / f"review{suffix}"
    result = CliRunner().invoke(app, ["report", "xa-an-phu", "--out", str(out)] + common)
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0


def test_report_unknown_suffix_fails_before_any_work(common, tmp_path):
    from align.errors import PlanAlignError

    result = CliRunner().invoke(app, ["report", "xa-an-phu", "--out", str(tmp_path / "r.pdf")] + common)
    assert isinstance(result.exception, PlanAlignError) and not (tmp_path / "r.pdf").exists()


def test_report_lang_en_writes_english_labels(common, tmp_path):
    out = tmp_path / "review.md"
    result = CliRunner().invoke(app, ["report", "xa-an-phu", "--out", str(out), "--lang", "en"] + common)
    assert result.exit_code == 0, result.output
    assert "## Summary" in out.read_text(encoding="utf-8")


def test_report_is_vietnamese_by_default(common, tmp_path):
    out = tmp_path / "review.html"
    assert CliRunner().invoke(app, ["report", "xa-an-phu", "--out", str(out)] + common).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert '<html lang="vi">' in page and "Nội dung còn thiếu" in page

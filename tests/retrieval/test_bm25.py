import json
import math

import numpy as np
import pytest

from align.errors import IndexStoreError
from align.retrieval.bm25 import BM25Index

# A toy corpus in analysed form (segmented, lower-cased, stop words gone).
DOCS = {
    "hạ-tầng": ["phát_triển", "hạ_tầng", "số", "mạng", "di_động", "cáp_quang", "hạ_tầng"],
    "dữ-liệu": ["xây_dựng", "cơ_sở_dữ_liệu", "dân_cư", "chia_sẻ", "dữ_liệu", "số"],
    "nhân-lực": ["đào_tạo", "nhân_lực", "chất_lượng", "cao", "khoa_học", "công_nghệ"],
    "dịch-vụ": ["dịch_vụ_công", "trực_tuyến", "người_dân", "hồ_sơ", "số"],
}


def toy_index(**params) -> BM25Index:
    return BM25Index(**params).fit(list(DOCS.values()), list(DOCS))


def okapi(query, doc, docs, k1=1.2, b=0.75):
    """BM25 written out term by term, as in the textbook."""
    avgdl = sum(map(len, docs)) / len(docs)
    total = 0.0
    for term in query:
        df = sum(term in d for d in docs)
        idf = math.log(1 + (len(docs) - df + 0.5) / (df + 0.5))
        tf = doc.count(term)
        total += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(doc) / avgdl))
    return total


def test_bm25_ranks_relevant_document_first():
    hits = toy_index().search(["chia_sẻ", "dữ_liệu", "dân_cư", "số"], k=2)
    assert hits[0][0] == "dữ-liệu"


def test_bm25_scores_match_okapi_formula():
    query = ["hạ_tầng", "số", "số", "nhân_lực"]
    docs = list(DOCS.values())
    expected = [okapi(query, d, docs, k1=1.5, b=0.6) for d in docs]
    assert toy_index(k1=1.5, b=0.6).score(query) == pytest.approx(expected, rel=1e-5)


def test_bm25_score_ignores_unknown_terms():
    assert not toy_index().score(["không_có"]).any()


def test_bm25_search_returns_only_positive_scores():
    assert [doc for doc, _ in toy_index().search(["cáp_quang"], k=10)] == ["hạ-tầng"]


def test_bm25_search_limits_to_k():
    assert len(toy_index().search(["số"], k=2)) == 2


def test_bm25_search_breaks_ties_by_fit_order():
    index = BM25Index().fit([["a"], ["b"], ["a"], ["a"]], ["w", "x", "y", "z"])
    assert [doc for doc, _ in index.search(["a"], k=2)] == ["w", "y"]


def test_bm25_search_respects_mask():
    mask = np.array([True, False, True, True])
    hits = toy_index().search(["chia_sẻ", "dữ_liệu", "số"], mask=mask)
    assert "dữ-liệu" not in [doc for doc, _ in hits] and hits


def test_bm25_search_rejects_mask_of_wrong_length():
    with pytest.raises(ValueError):
        toy_index().search(["số"], mask=np.ones(3, dtype=bool))


def test_bm25_idf_is_lower_for_common_terms():
    idf = toy_index().idf()
    assert idf["số"] < idf["cáp_quang"]


def test_bm25_fit_rejects_duplicate_ids():
    with pytest.raises(ValueError):
        BM25Index().fit([["a"], ["b"]], ["x", "x"])


def test_bm25_save_load_round_trip_gives_identical_scores(tmp_path):
    index = toy_index(k1=1.4, b=0.5)
    index.save(tmp_path / "bm25")
    loaded = BM25Index.load(tmp_path / "bm25")
    query = ["số", "dữ_liệu", "hạ_tầng", "khoa_học"]
    assert loaded.ids == index.ids and (loaded.k1, loaded.b) == (1.4, 0.5)
    assert np.array_equal(loaded.score(query), index.score(query))


def test_bm25_save_writes_manifest_and_readable_ids(tmp_path):
    toy_index().save(tmp_path / "bm25")
    manifest = json.loads((tmp_path / "bm25" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format_version"] == 1 and manifest["n_docs"] == 4
    assert "hạ-tầng" in (tmp_path / "bm25" / "ids.jsonl").read_text(encoding="utf-8")


def test_bm25_save_replaces_existing_index(tmp_path):
    toy_index().save(tmp_path / "bm25")
    BM25Index().fit([["một"]], ["duy-nhất"]).save(tmp_path / "bm25")
    assert BM25Index.load(tmp_path / "bm25").ids == ["duy-nhất"]
    assert [p.name for p in tmp_path.iterdir()] == ["bm25"]


def test_bm25_load_rejects_other_format_version(tmp_path):
    toy_index().save(tmp_path / "bm25")
    manifest_path = tmp_path / "bm25" / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest_path.write_text(json.dumps({**manifest, "format_version": 99}), encoding="utf-8")
    with pytest.raises(IndexStoreError):
        BM25Index.load(tmp_path / "bm25")


def test_bm25_load_missing_folder_raises_index_store_error(tmp_path):
    with pytest.raises(IndexStoreError):
        BM25Index.load(tmp_path / "nowhere")


def test_bm25_take_scores_like_a_fit_of_those_documents():
    names = ["dịch-vụ", "hạ-tầng"]
    taken = toy_index().take([list(DOCS).index(n) for n in names])
    fresh = BM25Index().fit([DOCS[n] for n in names], names)
    query = ["số", "hạ_tầng", "hồ_sơ", "nhân_lực"]
    assert taken.ids == names
    np.testing.assert_allclose(taken.score(query), fresh.score(query), rtol=1e-6)
    assert taken.idf() == pytest.approx(fresh.idf())


def test_bm25_concat_scores_like_one_fit():
    names = list(DOCS)
    left = BM25Index().fit([DOCS[n] for n in names[:2]], names[:2])
    right = BM25Index().fit([DOCS[n] for n in names[2:]], names[2:])
    joined = BM25Index.concat([left, right])
    query = ["số", "dữ_liệu", "khoa_học", "trực_tuyến"]
    assert joined.ids == names
    np.testing.assert_allclose(joined.score(query), toy_index().score(query), rtol=1e-6)


def test_bm25_concat_rejects_repeated_ids():
    with pytest.raises(ValueError, match="unique"):
        BM25Index.concat([toy_index(), toy_index()])

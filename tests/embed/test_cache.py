import numpy as np

from align.embed.base import Embedder
from align.embed.cache import EmbeddingCache, encode_cached


class CountingEmbedder(Embedder):
    """A deterministic character-count embedder that records what it was asked to encode."""

    model_id = "counting"
    dim = 8

    def __init__(self):
        self.seen: list[str] = []

    def _encode_batch(self, texts, kind):
        self.seen += texts
        return np.array([[t.count(c) + 1 for c in "aeiouhnt"] for t in texts], dtype=np.float32)


def test_encode_cached_embeds_each_text_once(tmp_path):
    cache, embedder = EmbeddingCache(tmp_path / "v.sqlite"), CountingEmbedder()
    first = encode_cached(embedder, ["an ninh", "hạ tầng", "an ninh"], cache=cache)
    second = encode_cached(embedder, ["hạ tầng", "an ninh"], cache=cache)
    assert sorted(embedder.seen) == ["an ninh", "hạ tầng"]
    assert np.allclose(first[1], second[0]) and np.allclose(first[0], first[2])


def test_encode_cached_persists_across_instances(tmp_path):
    embedder = CountingEmbedder()
    encode_cached(embedder, ["dữ liệu"], cache=EmbeddingCache(tmp_path / "v.sqlite"))
    encode_cached(embedder, ["dữ liệu"], cache=EmbeddingCache(tmp_path / "v.sqlite"))
    assert embedder.seen == ["dữ liệu"]


def test_encode_cached_separates_query_and_passage(tmp_path):
    cache, embedder = EmbeddingCache(tmp_path / "v.sqlite"), CountingEmbedder()
    encode_cached(embedder, ["dữ liệu"], kind="query", cache=cache)
    encode_cached(embedder, ["dữ liệu"], kind="passage", cache=cache)
    assert embedder.seen == ["dữ liệu", "dữ liệu"]


def test_encode_cached_matches_uncached(tmp_path):
    embedder = CountingEmbedder()
    texts = ["một", "hai ba", "bốn năm sáu"]
    assert np.allclose(encode_cached(embedder, texts, cache=EmbeddingCache(tmp_path / "v.sqlite")),
                       embedder.encode(texts))


class FailingEmbedder(CountingEmbedder):
    """Stops with an error once it has encoded `limit` texts, like a build killed halfway."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def _encode_batch(self, texts, kind):
        if len(self.seen) + len(texts) > self.limit:
            raise KeyboardInterrupt
        return super()._encode_batch(texts, kind)


def test_encode_cached_keeps_finished_chunks_when_interrupted(tmp_path, monkeypatch):
    import pytest

    monkeypatch.setattr("align.embed.cache.CHUNK", 2)
    texts = [f"nhiệm vụ {i}" for i in range(7)]
    with pytest.raises(KeyboardInterrupt):
        encode_cached(FailingEmbedder(limit=4), texts, cache=EmbeddingCache(tmp_path / "v.sqlite"))
    resumed = CountingEmbedder()
    encode_cached(resumed, texts, cache=EmbeddingCache(tmp_path / "v.sqlite"))
    assert len(resumed.seen) == 3


def test_encode_cached_corrupted_cache_is_moved_aside_and_refilled(tmp_path):
    path = tmp_path / "v.sqlite"
    path.write_bytes(b"\x00junk that is no database" * 300)
    embedder = CountingEmbedder()
    encode_cached(embedder, ["an ninh"], cache=EmbeddingCache(path))
    encode_cached(embedder, ["an ninh"], cache=EmbeddingCache(path))
    assert embedder.seen == ["an ninh"] and len(list(tmp_path.glob("v.sqlite.corrupt-*"))) == 1

"""The embedder contract: batches by length, rows back in the caller's order."""
import numpy as np

from align.embed.base import Embedder, batches


class LengthEmbedder(Embedder):
    """Embeds a text as (length, 1) and records the batches it was given."""

    model_id = "length"
    dim = 2
    batch_size = 2

    def __init__(self):
        self.batches: list[list[str]] = []

    def _encode_batch(self, texts, kind):
        self.batches.append(list(texts))
        return np.array([[len(t), 1.0] for t in texts], dtype=np.float32)


def test_batches_are_stable_shortest_first():
    assert [b.tolist() for b in batches(np.array([3, 1, 2, 1]), 4)] == [[1, 3, 2, 0]]


def test_batches_keep_padded_size_within_the_bound():
    assert [b.tolist() for b in batches(np.array([10, 1, 1, 1, 6, 6]), 8, padded=12)] == [[1, 2, 3], [4, 5], [0]]


def test_batches_put_a_text_longer_than_the_bound_alone():
    assert [b.tolist() for b in batches(np.array([50, 2]), 8, padded=10)] == [[1], [0]]


def test_encode_batches_texts_of_similar_length():
    embedder = LengthEmbedder()
    embedder.encode(["a" * 9, "b", "c" * 8, "d" * 2])
    assert embedder.batches == [["b", "dd"], ["c" * 8, "a" * 9]]


def test_encode_returns_rows_in_the_callers_order():
    texts = ["a" * 9, "b", "c" * 8, "d" * 2]
    vectors = LengthEmbedder().encode(texts)
    expected = np.array([[len(t), 1.0] for t in texts])
    assert np.allclose(vectors, expected / np.linalg.norm(expected, axis=1, keepdims=True))


def test_encode_tells_the_caller_of_each_batch():
    done: list[int] = []
    LengthEmbedder().encode(["a", "b", "c"], advance=done.append)
    assert done == [2, 1]


def test_encode_with_several_workers_keeps_the_callers_order():
    texts = ["a" * n for n in (9, 1, 8, 2, 7, 3, 5)]
    serial, parallel = LengthEmbedder(), LengthEmbedder()
    parallel.workers = 3
    assert np.array_equal(parallel.encode(texts), serial.encode(texts))
    assert sorted(map(tuple, parallel.batches)) == sorted(map(tuple, serial.batches))

"""The embedder contract: batches by length, rows back in the caller's order."""
import numpy as np

from align.embed.base import Embedder, length_order


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


def test_length_order_is_stable_shortest_first():
    assert length_order(["ccc", "a", "bb", "d"]).tolist() == [1, 3, 2, 0]


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

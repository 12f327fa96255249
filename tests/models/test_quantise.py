"""int8 per token: the rewritten graph, on a tiny BERT exported the way the real e5 is."""
from __future__ import annotations

import collections
import json

import onnx
import pytest

from align.embed.model_dir import ONNX_FILE
from align.models.export import export_onnx
from align.models.quantise import calibration_sentences, weighted_matmuls
from tests.models.test_export import SENTENCES, WORDS, _passages
from tests.models.test_finetune import build_tiny_bert


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    """The tiny model exported in fp32 and in int8: their graphs, without the weights."""
    from sentence_transformers import SentenceTransformer

    base = build_tiny_bert(tmp_path_factory.mktemp("tiny"), WORDS)
    (base / "plan_align_model.json").write_text(json.dumps({"dim": 32, "source_sha256": "cd" * 32}), encoding="utf-8")
    reference = _passages(SentenceTransformer(str(base), device="cpu"))
    out = tmp_path_factory.mktemp("exports")
    graphs = {}
    for precision in ("fp32", "int8"):
        export_onnx(base, out / precision, precision, SENTENCES, reference=reference)
        graphs[precision] = onnx.load(str(out / precision / ONNX_FILE), load_external_data=False)
    return graphs


def test_calibration_sentences_are_the_data_file_without_comments():
    sentences = calibration_sentences()
    assert len(sentences) >= 20
    assert not any(s.startswith("#") for s in sentences)


def test_quantise_per_token_replaces_every_weighted_product(exports):
    ops = collections.Counter(n.op_type for n in exports["int8"].graph.node)
    assert weighted_matmuls(exports["int8"]) == []
    assert ops["MatMulIntegerToFloat"] == len(weighted_matmuls(exports["fp32"]))


def test_quantise_per_token_quantises_each_input_once(exports):
    inputs = {n.input[0] for n in weighted_matmuls(exports["fp32"])}
    assert collections.Counter(n.op_type for n in exports["int8"].graph.node)["QuantizeLinear"] == len(inputs)


def test_quantise_per_token_leaves_the_input_after_gelu_unsmoothed(exports):
    smoothed = [n for n in exports["int8"].graph.node if n.op_type == "Mul" and n.input[1].endswith("_inv_smooth")]
    after_gelu = [x for x in {n.input[0] for n in weighted_matmuls(exports["fp32"])} if "intermediate_act_fn" in x]
    assert after_gelu and not any(n.input[0] in after_gelu for n in smoothed)
    assert len(smoothed) == len({n.input[0] for n in weighted_matmuls(exports["fp32"])}) - len(after_gelu)

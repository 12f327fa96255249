"""int8 per token: the e5 export's weighted matrix products in int8, with fp32-level vectors.

ONNX Runtime's dynamic int8 quantises each batch's activations with one scale, set by the
batch's largest value; e5's layer inputs carry outlier channels (max |x| 20-33 against a median
of 1-2), so that scale is coarse and the vectors drift (cosine 0.988 to fp32). Here each token
is scaled by its own maximum (uint8, zero point 128) and the outlier channels of the inputs of
QKV, the attention output and the FFN input are divided out into the weights first (SmoothQuant,
alpha 0.8, factors from a fixed set of calibration sentences). The FFN output's input, after
GELU, is left unsmoothed: smoothing it there lowered the cosine (bench/RESULTS.md). Weights are
int8 per output column; each product runs as ONNX Runtime's MatMulIntegerToFloat and one Mul by
the token scales. Cosine to fp32 0.9995 (min, 300 build texts), at about two thirds of its CPU.
"""
from __future__ import annotations

import collections
from pathlib import Path
from typing import Iterator

import numpy as np

ALPHA = 0.8
CALIBRATION_FILE = "calibration.txt"
_AFTER_GELU = "/intermediate/intermediate_act_fn/"


def calibration_sentences() -> list[str]:
    """The fixed sentences the smoothing factors are measured on (plan-style text written for it)."""
    from align.paths import SHIPPED_DATA

    text = (SHIPPED_DATA / CALIBRATION_FILE).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def weighted_matmuls(model) -> list:
    """The MatMul nodes whose second input is a weight (the layers' projections)."""
    names = {i.name for i in model.graph.initializer}
    return [n for n in model.graph.node if n.op_type == "MatMul" and n.input[1] in names]


def quantise_per_token(stage: Path, sentences: list[str], alpha: float = ALPHA) -> None:
    """Rewrite the fp32 export in `stage` (model.onnx + data, tokenizer, manifest) in int8 per token."""
    from align.embed.model_dir import DATA_FILE, ONNX_FILE, save_graph

    peaks = input_peaks(stage, sentences)
    model = _rewrite(stage / ONNX_FILE, peaks, alpha)
    (stage / ONNX_FILE).unlink()
    (stage / DATA_FILE).unlink()
    save_graph(model, stage / ONNX_FILE)


def input_peaks(stage: Path, sentences: list[str]) -> dict[str, np.ndarray]:
    """max |x| per channel of every weighted product's input, over `sentences` as queries and passages."""
    import onnx

    from align.embed.model_dir import ONNX_FILE, save_graph
    from align.embed.onnx_runtime import OnnxEmbedder

    model = onnx.load(str(stage / ONNX_FILE))
    names = list(dict.fromkeys(n.input[0] for n in weighted_matmuls(model)))
    for name in names:
        model.graph.output.append(onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None))
    probe = stage / "probe.onnx"
    save_graph(model, probe, "probe.onnx.data")
    try:
        import onnxruntime as ort

        session = ort.InferenceSession(str(probe), providers=["CPUExecutionProvider"])
        found: dict[str, np.ndarray] = {}
        for feed in feeds(OnnxEmbedder(stage), sentences):
            real = feed["attention_mask"].astype(bool)
            for name, x in zip(names, session.run(names, feed)):
                peak = np.abs(x[real]).max(0)
                found[name] = np.maximum(found[name], peak) if name in found else peak
        return found
    finally:
        probe.unlink()
        stage.joinpath("probe.onnx.data").unlink(missing_ok=True)


def feeds(embedder, sentences: list[str], batch: int = 16) -> Iterator[dict[str, np.ndarray]]:
    """The engine's own feeds (`OnnxEmbedder.feed`) of `sentences`, as queries then as passages, by length."""
    for kind in ("query", "passage"):
        tokens = sorted(embedder._tokens(sentences, kind), key=len)
        for i in range(0, len(tokens), batch):
            yield embedder.feed(tokens[i:i + batch])


def _rewrite(path: Path, peaks: dict[str, np.ndarray], alpha: float):
    """The model at `path` with each weighted MatMul replaced by smoothing, token quantisation and int8."""
    import onnx
    from onnx import helper

    model = onnx.load(str(path))
    graph = model.graph
    consumers: dict[str, list] = collections.defaultdict(list)
    for node in weighted_matmuls(model):
        consumers[node.input[0]].append(node)
    add = _Constants(graph)
    before, instead = {}, {}
    for k, (x, nodes) in enumerate(consumers.items()):
        weights = [add.value(n.input[1]) for n in nodes]
        smooth = np.ones(len(peaks[x]), np.float32) if _AFTER_GELU in x else _smoothing(peaks[x], weights, alpha)
        before[nodes[0].name] = _token_quantiser(f"pt{k}", x, smooth, add)
        for j, (node, weight) in enumerate(zip(nodes, weights)):
            instead[node.name] = _int8_product(f"pt{k}", f"pt{k}_{j}", node, weight * smooth[:, None], add)
    nodes = [m for n in graph.node for m in before.get(n.name, []) + instead.get(n.name, [n])]
    del graph.node[:]
    graph.node.extend(nodes)
    used = {i for n in graph.node for i in n.input}
    kept = [i for i in graph.initializer if i.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    return model


def _smoothing(peak: np.ndarray, weights: list[np.ndarray], alpha: float) -> np.ndarray:
    """Per input channel: max|x|^a / max|w|^(1-a), the factor each channel is divided by."""
    w_peak = np.maximum(np.max([np.abs(w).max(1) for w in weights], 0), 1e-5)
    return np.clip(np.maximum(peak, 1e-5) ** alpha / w_peak ** (1 - alpha), 1e-2, 1e3).astype(np.float32)


def _token_quantiser(t: str, x: str, smooth: np.ndarray, add: "_Constants") -> list:
    """Nodes giving `{t}_q` (uint8, zero point 128) and `{t}_scale` (one per token) of x / smooth."""
    from onnx import helper

    source = x
    nodes = []
    if not np.all(smooth == 1):
        nodes.append(helper.make_node("Mul", [x, add.new(t + "_inv_smooth", 1 / smooth)], [t + "_x"]))
        source = t + "_x"
    return nodes + [
        helper.make_node("ReduceMax", [source], [t + "_hi"], axes=[-1], keepdims=1),
        helper.make_node("ReduceMin", [source], [t + "_lo"], axes=[-1], keepdims=1),
        helper.make_node("Neg", [t + "_lo"], [t + "_nlo"]),
        helper.make_node("Max", [t + "_hi", t + "_nlo", add.eps], [t + "_peak"]),
        helper.make_node("Mul", [t + "_peak", add.inv127], [t + "_scale"]),
        helper.make_node("Div", [source, t + "_scale"], [t + "_unit"]),
        helper.make_node("QuantizeLinear", [t + "_unit", add.one, add.zero_point], [t + "_q"])]


def _int8_product(t: str, u: str, node, weight: np.ndarray, add: "_Constants") -> list:
    """MatMulIntegerToFloat of the quantised input by int8 weights per column, times the token scales."""
    from onnx import helper

    column = (np.maximum(np.abs(weight).max(0), 1e-12) / 127).astype(np.float32)
    quantised = np.clip(np.rint(weight / column), -127, 127).astype(np.int8)
    return [helper.make_node("MatMulIntegerToFloat", [t + "_q", add.new(u + "_w", quantised), add.one,
                                                      add.new(u + "_ws", column), add.zero_point],
                             [u + "_y"], domain="com.microsoft"),
            helper.make_node("Mul", [u + "_y", t + "_scale"], list(node.output))]


class _Constants:
    """The graph's weights, read as arrays, and the new constants the rewrite adds."""

    def __init__(self, graph) -> None:
        self.graph = graph
        self.weights = {i.name: i for i in graph.initializer}
        self.one = self.new("pt_one", np.float32(1))
        self.inv127 = self.new("pt_inv127", np.float32(1 / 127))
        self.eps = self.new("pt_eps", np.float32(1e-8))
        self.zero_point = self.new("pt_zp", np.uint8(128))

    def value(self, name: str) -> np.ndarray:
        from onnx import numpy_helper

        return numpy_helper.to_array(self.weights[name]).astype(np.float32)

    def new(self, name: str, value) -> str:
        from onnx import numpy_helper

        self.graph.initializer.append(numpy_helper.from_array(np.asarray(value), name))
        return name


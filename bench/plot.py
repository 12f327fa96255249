"""Cost against N (log-log) from the benchmark's figures: python bench/plot.py results.json out.png

Needs matplotlib, which is not a dependency of plan-align: run it with any Python that
has it (bench/report.py tries the current interpreter, then /work/plot-venv).
"""
from __future__ import annotations

import json
import sys


def series(sizes: list[dict], path: str) -> list[float | None]:
    out = []
    for s in sizes:
        value = s
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        out.append(float(value) if isinstance(value, (int, float)) else None)
    return out


PANELS = (
    ("Time (s)", (
        ("segmentation, cold", "segmentation.cold_seconds", "-"),
        ("embedding, measured", "embedding.full_real.seconds", "-"),
        ("embedding, extrapolated", "embedding.extrapolated_full_seconds", ":"),
        ("index build (warm caches)", "build.seconds", "-"),
        ("parse", "parse.seconds", "-"),
        ("add one plan: rebuild", "growth.rebuild_seconds", "--"),
    )),
    ("Memory and disk (MB)", (
        ("index build peak RSS", "build.peak_rss_mb", "-"),
        ("one index build on disk", "disk.build_mb", "-"),
        ("embedding cache on disk", "disk.embedding_cache_mb", "--"),
        ("segmentation cache on disk", "segmentation.cache_mb", "--"),
    )),
    ("Query latency, in process, p50 (s)", (
        ("align one plan", "latency.align.p50", "-"),
        ("search", "latency.search.p50", "-"),
        ("duplicates --across", "latency.duplicates_across.p50", "-"),
        ("open session (load + hash)", "session_open.seconds", "--"),
    )),
)


def main(data_path: str, out_path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    results = json.load(open(data_path, encoding="utf-8"))
    sizes = results["sizes"]
    n = [s["n_plans"] for s in sizes]
    fig, axes = plt.subplots(1, len(PANELS), figsize=(6 * len(PANELS), 4.8))
    for ax, (title, lines) in zip(axes, PANELS):
        for label, path, style in lines:
            ys = series(sizes, path)
            points = [(x, y) for x, y in zip(n, ys) if y is not None and y > 0]
            if points:
                ax.plot(*zip(*points), style, marker="o", label=label)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("commune plans (N)")
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(f"plan-align cost against N ({results['machine']['nproc']} shared cores, "
                 f"{results['machine']['cpu']})", fontsize=10)
    fig.tight_layout()
    fig.savefig(out_path, dpi=110)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

"""Plot bench/incremental.json: what adding one plan costs against N, updated vs rebuilt.

    python bench/plot_incremental.py bench/incremental.json bench/incremental_vs_n.png

Needs matplotlib (not a dependency of plan-align; see bench/README.md). Uses the runs of the
current code: those whose sizes carry a view table (the last measurement of each N wins).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path


def latest_by_size(data: dict) -> dict[int, dict]:
    sizes: dict[int, dict] = {}
    for run in data["runs"]:
        if "no view table" in run.get("note", ""):
            continue
        for size in run["sizes"]:
            sizes[size["n_plans"]] = size
    return dict(sorted(sizes.items()))


def main(source: Path, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = latest_by_size(json.loads(source.read_text(encoding="utf-8")))
    n = list(sizes)
    series = {
        "add one plan: incremental update": [s["add_one_plan"]["seconds"] for s in sizes.values()],
        "add one plan: full rebuild, warm caches": [s["full_rebuild_warm"]["seconds"] for s in sizes.values()],
        "nothing changed: update": [s["unchanged_rebuild"]["seconds"] for s in sizes.values()],
        "load the index": [s["load"]["load_seconds"] for s in sizes.values()],
    }
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for i, (label, seconds) in enumerate(series.items()):
        ax.plot(n, seconds, marker="o", label=label)
        ax.annotate(f"{seconds[-1]:.3g} s", (n[-1], seconds[-1]), textcoords="offset points",
                    xytext=(6, (9, 0, -9, 0)[i]), fontsize=8, va="center")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(n, [f"{x:,}" for x in n])
    ax.set_xlabel("commune plans in the corpus (N)")
    ax.set_ylabel("seconds (log)")
    ax.set_title("Index cost against N (model cost removed; bench/incremental.py)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=120)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))

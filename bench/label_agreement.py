"""How far the decision labels reproduce themselves: the second, blind reading of eval/ against the
first (align/decide/rereads.py; eval/GUIDE.md, "Second reading"). Reads only the files in eval/.

    python bench/label_agreement.py [--format md|json]

Per set (duplicate pairs inside a plan, across plans; coverage labels): pairs read twice, how many
each reading calls `same` (or `gap`), raw agreement, Cohen's kappa, and the second reading scored
as a detector against the first. Measures, never asserts.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

COLUMNS = ("set", "n", "positive_first", "positive_second", "agreement", "kappa", "precision", "recall")


def rows() -> list[dict]:
    from align.decide.labels import COVERAGE_FILE, PAIRS_FILE, read_coverage_labels, read_pair_labels
    from align.decide.rereads import (COVERAGE_REREAD_FILE, PAIRS_REREAD_FILE, agreement, read_coverage_rereads,
                                      read_pair_rereads)

    eval_dir = ROOT / "eval"
    pairs = read_pair_rereads(eval_dir / PAIRS_REREAD_FILE, read_pair_labels(eval_dir / PAIRS_FILE))
    coverage = read_coverage_rereads(eval_dir / COVERAGE_REREAD_FILE, read_coverage_labels(eval_dir / COVERAGE_FILE))
    out = [{"set": f"duplicates, {group}", **agreement([r for r in pairs if r.group == group], "same")}
           for group in ("within a plan", "across plans")]
    out.append({"set": "duplicates, all read twice", **agreement(pairs, "same")})
    out.append({"set": "coverage (gap or not)", **agreement(coverage, "gap")})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--format", choices=("md", "json"), default="md")
    args = parser.parse_args()
    table = rows()
    if args.format == "json":
        print(json.dumps(table, indent=1))
        return
    print("| " + " | ".join(COLUMNS) + " |")
    print("|" + "---|" * len(COLUMNS))
    for row in table:
        print("| " + " | ".join("" if row[c] is None else str(row[c]) for c in COLUMNS) + " |")


if __name__ == "__main__":
    main()

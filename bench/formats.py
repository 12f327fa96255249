"""How much of a plan survives each input format: .docx, text PDF, scan.

For each plan, builds from the corpus's .txt (in a temp dir, never in the repository) a
.docx with real Word tables, a PDF of it (LibreOffice headless) and a scan of that PDF
(pdftoppm at --dpi, one grey image per page, wrapped back into a PDF), parses each like
`plan-align parse FILE`, and compares the tasks and targets with the .txt's:

- kept: .txt units with an extracted unit at least --similar alike (difflib ratio on the
  folded text; --ocr-similar for the scan), each extracted unit used once, best pairs first;
- spurious: extracted units matched to no .txt unit, as a share of the .txt's count;
- OCR character accuracy: 1 - (edits / length) between the text the scan shows (the
  .docx's, without the .txt's Markdown marks) and the OCR text, both folded, blank lines
  dropped (edits: difflib's character opcodes, a replaced span counting its longer side).

    python bench/formats.py [--plans a,b] [--dpi 150] [--work DIR] [--formats docx,pdf,scan,pypdf]

(`pypdf`: the text PDF read with pypdf's extract_text, as before pdfplumber, for comparison.)
"""
from __future__ import annotations

import argparse
import difflib
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from align.corpus import Corpus, load_document  # noqa: E402
from align.ingest.read import read_text  # noqa: E402
from align.text.normalize import fold  # noqa: E402
from tests.ingest.builders import office_convert, plan_docx, scan_pdf  # noqa: E402

PLANS = ("binh-thanh-nq57-2026", "nguyen-luong-bang-nq57-2026")


def matched(truth: list[str], found: list[str], threshold: float) -> list[tuple[int, int, float]]:
    """One-to-one pairs (truth index, found index, ratio) at or above threshold, best first."""
    pairs = []
    for i, a in enumerate(truth):
        for j, b in enumerate(found):
            m = difflib.SequenceMatcher(None, a, b, autojunk=False)
            if m.real_quick_ratio() >= threshold and m.quick_ratio() >= threshold:
                ratio = m.ratio()
                if ratio >= threshold:
                    pairs.append((ratio, i, j))
    used_i, used_j, out = set(), set(), []
    for ratio, i, j in sorted(pairs, reverse=True):
        if i not in used_i and j not in used_j:
            used_i.add(i)
            used_j.add(j)
            out.append((i, j, ratio))
    return out


def char_accuracy(truth: str, found: str) -> float:
    """1 - CER: the edits are difflib's character opcodes over the whole folded texts (a
    replaced span counts its longer side), blank lines dropped, spaces collapsed."""
    t = "\n".join(" ".join(fold(x).split()) for x in truth.split("\n") if x.strip())
    f = "\n".join(" ".join(fold(x).split()) for x in found.split("\n") if x.strip())
    errors = sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2
                 in difflib.SequenceMatcher(None, t, f, autojunk=False).get_opcodes() if op != "equal")
    return 1 - errors / len(t)


def build(plan: str, text_path: Path, work: Path, fmt: str, dpi: int) -> Path:
    docx = work / f"{plan}.docx"
    if not docx.exists():
        plan_docx(read_text(text_path).raw.split("\n"), docx)
    if fmt == "docx":
        return docx
    pdf = work / f"{plan}.pdf"
    if not pdf.exists():
        office_convert(docx, "pdf", work)
    if fmt == "pdf":
        return pdf
    scan = work / f"{plan}-scan{dpi}.pdf"
    if not scan.exists():
        scan_pdf(pdf, scan, dpi=dpi)
    return scan


def pypdf_document(path: Path, plan: str):
    """The PDF read as before pdfplumber: pypdf's text, page after page (for comparison)."""
    from pypdf import PdfReader

    from align.parse.document import parse_document
    from align.text.normalize import normalize_text

    raw = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    text = "\n".join(normalize_text(line) for line in raw.split("\n"))
    return parse_document(text, raw=raw, doc_id=plan, path=str(path))


def units(doc) -> list[str]:
    return [" ".join(fold(t.text).split()) for t in doc.tasks]


def run(args: argparse.Namespace, work: Path) -> None:
    corpus = Corpus(args.corpus)
    print("| plan | format | units (.txt) | units | kept | kept % | spurious | spurious % | OCR char acc | seconds |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for plan in args.plans.split(","):
        entry = corpus.entry(plan)
        text_path = corpus.root / entry.path
        truth_doc = load_document(text_path, doc_id=plan)
        truth = units(truth_doc)
        for fmt in args.formats.split(","):
            path = build(plan, text_path, work, "pdf" if fmt == "pypdf" else fmt, args.dpi)
            start = time.perf_counter()
            found_doc = pypdf_document(path, plan) if fmt == "pypdf" else load_document(path, doc_id=plan)
            seconds = time.perf_counter() - start
            found = units(found_doc)
            threshold = args.ocr_similar if fmt == "scan" else args.similar
            pairs = matched(truth, found, threshold)
            spurious = len(found) - len(pairs)
            accuracy = ""
            if fmt == "scan":
                printed = read_text(work / f"{plan}.docx").text      # the text the scan shows
                accuracy = f"{char_accuracy(printed, read_text(path).text):.4f}"
            print(f"| {plan} | {fmt} | {len(truth)} | {len(found)} | {len(pairs)} | "
                  f"{100 * len(pairs) / len(truth):.1f} | {spurious} | {100 * spurious / len(truth):.1f} | "
                  f"{accuracy} | {seconds:.1f} |", flush=True)
            if args.show_misses:
                lost = set(range(len(truth))) - {i for i, _, _ in pairs}
                extra = set(range(len(found))) - {j for _, j, _ in pairs}
                for i in sorted(lost):
                    print(f"    lost: {truth[i][:150]}")
                for j in sorted(extra):
                    print(f"    extra: {found[j][:150]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plans", default=",".join(PLANS))
    parser.add_argument("--formats", default="docx,pdf,scan")
    parser.add_argument("--dpi", type=int, default=150)
    parser.add_argument("--similar", type=float, default=0.90)
    parser.add_argument("--ocr-similar", type=float, default=0.85)
    parser.add_argument("--corpus", default=None)
    parser.add_argument("--work", default=None, help="keep the built files here (default: a temp dir)")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    if args.work:
        Path(args.work).mkdir(parents=True, exist_ok=True)
        run(args, Path(args.work))
    else:
        with tempfile.TemporaryDirectory(prefix="plan-align-formats-") as tmp:
            run(args, Path(tmp))


if __name__ == "__main__":
    main()

"""Synthetic commune plans for the benchmark, made only of real sentences.

A national corpus (3,300 communes x ~100 tasks) does not exist to test with, and
inventing plans would measure nothing real. So each synthetic plan copies the
structure of a real plan (its preamble, headings, table headers, line for line) and
fills its task slots with real task sentences of the corpus, each changed by a few
controlled edits of the kind communes make when they copy a plan: dropped words,
abbreviation and synonym swaps (`align.text.abbrev`), reordered clauses.

The output is a corpus directory (manifest.json, reference/ copied from the source
corpus, communes/*.txt) plus `synth.jsonl`: the base sentence and edits of each task.
Write it to a temporary directory, never into the repository: it contains corpus text.
"""
from __future__ import annotations

import json
import logging
import random
import re
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Sequence

from align.corpus import Corpus
from align.text.abbrev import ABBREVIATIONS
from align.text.normalize import fold
from align.types import BULLET, HEADING, ROW, TARGET, TASK, Document, Task

log = logging.getLogger(__name__)

# Near-synonyms of plan language (ours), swapped in either direction.
SYNONYMS: tuple[tuple[str, str], ...] = (
    ("triển khai", "thực hiện"), ("đẩy mạnh", "tăng cường"), ("nâng cao", "cải thiện"),
    ("tuyên truyền", "phổ biến"), ("rà soát", "kiểm tra"), ("hỗ trợ", "giúp"),
    ("người dân", "nhân dân"), ("ứng dụng", "sử dụng"), ("hiệu quả", "thiết thực"),
    ("xây dựng", "hình thành"), ("kịp thời", "nhanh chóng"), ("phát triển", "mở rộng"),
    ("địa bàn", "địa phương"), ("cơ quan", "đơn vị"), ("thường xuyên", "định kỳ"),
)
# Abbreviations whose expansion is unambiguous enough to contract or expand.
_ABBREV_PAIRS = tuple((k, v) for k, v in ABBREVIATIONS.items()
                      if len(k) >= 3 and " " in v and not any(c in k for c in "&-"))
EDITS = ("drop", "abbrev", "synonym", "reorder")
_EDIT_WEIGHTS = (3, 2, 3, 2)
_LINE_PREFIX = re.compile(r"^\s*(?:[-+*\u2022]\s+|\(?\d{1,2}(?:\.\d{1,2})*[.)]\s*|[a-zđ]\)\s*)?")


@dataclass(frozen=True)
class SynthTask:
    """One generated task: its text, the real sentence it came from and the edits applied."""

    plan_id: str
    text: str
    base: str
    kind: str
    edits: tuple[str, ...]


@dataclass(frozen=True)
class Slot:
    """A task-bearing line of a template: how to write a new task in its place."""

    kind: str          # task | target (the pool to draw from)
    block: str         # bullet | paragraph | row
    pattern: str       # the raw line (rows: cells kept, the task cell replaced)


@dataclass(frozen=True)
class Template:
    """A real plan's lines with its task lines turned into slots (None: copy the line)."""

    doc_id: str
    title: str
    province: str
    lines: tuple[str | Slot, ...]

    @property
    def slots(self) -> int:
        return sum(isinstance(x, Slot) for x in self.lines)


@dataclass(frozen=True)
class SynthCorpus:
    root: Path
    plan_ids: tuple[str, ...]
    tasks: tuple[SynthTask, ...]
    duplicates: int            # generated texts equal (folded) to one generated before


# -- edits ----------------------------------------------------------------------------
def drop_words(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    if len(words) < 6:
        return text
    for _ in range(rng.randint(1, max(1, len(words) // 20))):
        del words[rng.randrange(2, len(words))]
    return " ".join(words)


def _swap_case(found: str, replacement: str) -> str:
    return replacement[:1].upper() + replacement[1:] if found[:1].isupper() else replacement


def _sub_one(text: str, pattern: str, replacement: str, rng: random.Random, keep_case: bool = True) -> str:
    matches = list(re.finditer(pattern, text, flags=re.IGNORECASE))
    if not matches:
        return text
    m = rng.choice(matches)
    new = _swap_case(m.group(0), replacement) if keep_case else replacement
    return text[:m.start()] + new + text[m.end():]


def swap_abbreviation(text: str, rng: random.Random) -> str:
    """Contract a spelled-out term to its abbreviation, or expand an abbreviation."""
    options = [(rf"(?<!\w){re.escape(v)}(?!\w)", k, False) for k, v in _ABBREV_PAIRS if v in text.lower()]
    options += [(rf"(?<![\w&/-]){re.escape(k)}(?![\w&/-])", v, True) for k, v in _ABBREV_PAIRS
                if re.search(rf"(?<![\w&/-]){re.escape(k)}(?![\w&/-])", text)]
    if not options:
        return text
    pattern, replacement, keep_case = rng.choice(options)
    return _sub_one(text, pattern, replacement, rng, keep_case)


def swap_synonym(text: str, rng: random.Random) -> str:
    lowered = text.lower()
    options = [(a, b) for a, b in SYNONYMS if a in lowered] + [(b, a) for a, b in SYNONYMS if b in lowered]
    if not options:
        return text
    old, new = rng.choice(options)
    return _sub_one(text, rf"(?<!\w){re.escape(old)}(?!\w)", new, rng)


def reorder_clauses(text: str, rng: random.Random) -> str:
    """Swap two clauses after the first (split at semicolons, else commas)."""
    end = text[-1] if text[-1:] in ".;:" else ""
    body = text[:-1] if end else text
    for sep in ("; ", ", "):
        parts = body.split(sep)
        if len(parts) >= 3:
            i, j = rng.sample(range(1, len(parts)), 2)
            parts[i], parts[j] = parts[j], parts[i]
            return sep.join(parts) + end
    return text


_EDIT_FUNCS = {"drop": drop_words, "abbrev": swap_abbreviation, "synonym": swap_synonym,
               "reorder": reorder_clauses}


def edit_text(base: str, rng: random.Random, max_edits: int = 3) -> tuple[str, tuple[str, ...]]:
    """`base` with 1..max_edits edits that changed something (the names of those applied)."""
    text, applied = base, []
    for _ in range(rng.randint(1, max_edits)):
        for name in rng.sample(EDITS, counts=_EDIT_WEIGHTS, k=len(EDITS)):
            changed = _EDIT_FUNCS[name](text, rng)
            if changed != text:
                text = changed
                applied.append(name)
                break
    return text, tuple(applied)


# -- templates ------------------------------------------------------------------------
def _task_cell(raw: str, text: str) -> str:
    """The row with its task cell (the one sharing most words with `text`) marked {}."""
    cells = raw.split("\t")
    words = set(fold(text).split())
    best = max(range(len(cells)), key=lambda i: (len(words & set(fold(cells[i]).split())), len(cells[i])))
    cells[best] = "{}"
    return "\t".join(c.replace("{", "{{").replace("}", "}}") if i != best else c for i, c in enumerate(cells))


def _slot_for(block_kind: str, raw: str, kind: str, text: str) -> Slot:
    if block_kind == ROW:
        return Slot(kind, ROW, _task_cell(raw, text))
    return Slot(kind, BULLET if block_kind == BULLET else "paragraph", _LINE_PREFIX.match(raw).group(0))


def plan_template(doc: Document, raw: str, province: str = "") -> Template:
    """The lines of `doc` with each line holding (the start of) a task made a slot.

    Continuation lines of a task (a sentence broken by a page break) are dropped.
    """
    raw_lines = raw.split("\n")
    task_at: dict[int, Task] = {}
    for task in doc.tasks:
        for n in range(task.lines[0], task.lines[1] + 1):
            task_at.setdefault(n, task)
    block_of = {b.lines[0]: b for b in doc.blocks if b.kind != HEADING}
    lines: list[str | Slot] = []
    skip_to = 0
    for n, line in enumerate(raw_lines, start=1):
        if n <= skip_to:
            continue
        block = block_of.get(n)
        if block is not None and n in task_at:
            task = task_at[n]
            lines.append(_slot_for(block.kind, line, TARGET if task.kind == TARGET else TASK, task.text))
            skip_to = block.lines[1]
        else:
            lines.append(line)
    return Template(doc.id, doc.title, province, tuple(lines))


def _fill(slot: Slot, text: str, row_number: int) -> str:
    if slot.block != ROW:
        return slot.pattern + text
    cells = slot.pattern.format(text).split("\t")
    if cells[0].strip().rstrip(".").isdigit():
        cells[0] = f"{row_number}"
    return "\t".join(cells)


def _as_written(text: str, slot: Slot) -> str:
    """Body lines end a sentence (a plan's bullets do; a bare phrase would read as a heading)."""
    return text if slot.block == ROW or text.endswith(tuple(".;:!?")) else text + "."


class _Pools:
    """Real sentences by kind, drawn without bias; remembers what was generated."""

    def __init__(self, pools: dict[str, Sequence[str]], rng: random.Random) -> None:
        self.pools = {k: list(v) for k, v in pools.items() if v}
        self.rng = rng
        self.seen: set[str] = set()
        self.duplicates = 0

    def draw(self, kind: str) -> tuple[str, str, tuple[str, ...]]:
        pool = self.pools.get(kind) or self.pools[TASK]
        for _ in range(5):
            base = self.rng.choice(pool)
            text, edits = edit_text(base, self.rng)
            key = fold(text)
            if key not in self.seen:
                self.seen.add(key)
                return base, text, edits
        self.duplicates += 1
        return base, text, edits


def render_plan(template: Template, plan_id: str, n_tasks: int, pools: _Pools) -> tuple[str, list[SynthTask]]:
    """A plan with the template's lines and about `n_tasks` tasks spread over its slots
    (at least one per slot: a heading left without its body would read as a task)."""
    n_tasks = max(n_tasks, template.slots)
    per_slot = [n_tasks // template.slots + (1 if i < n_tasks % template.slots else 0)
                for i in range(template.slots)]
    out: list[str] = []
    tasks: list[SynthTask] = []
    slot_index = 0
    for line in template.lines:
        if not isinstance(line, Slot):
            out.append(line)
            continue
        for k in range(per_slot[slot_index]):
            base, text, edits = pools.draw(line.kind)
            # a numbered point repeated would repeat its number: extra ones become bullets
            slot = line if k == 0 or line.block == ROW else Slot(line.kind, BULLET, "- ")
            text = _as_written(text, slot)
            out.append(_fill(slot, text, k + 1))
            tasks.append(SynthTask(plan_id, text, base, line.kind, edits))
        slot_index += 1
    return "\n".join(out) + "\n", tasks


# -- corpus ---------------------------------------------------------------------------
def sentence_pools(source: Corpus, include_clauses: bool = True) -> dict[str, list[str]]:
    """Distinct real task and target sentences of the plans (and reference clauses)."""
    pools: dict[str, dict[str, None]] = {TASK: {}, TARGET: {}}
    for doc in source.plans():
        for task in doc.tasks:
            pools[TARGET if task.kind == TARGET else TASK][task.text] = None
    if include_clauses:
        for ref in source.references():
            for clause in ref.clauses:
                if clause.kind == TASK:
                    pools[TASK][clause.text] = None
    return {k: list(v) for k, v in pools.items()}


def templates(source: Corpus) -> list[Template]:
    from align.ingest.read import read_text

    out = []
    for entry in source.entries:
        if entry.kind == "reference":
            continue
        doc = source.document(entry.id)
        template = plan_template(doc, read_text(source.root / entry.path).raw, str(entry.meta.get("province", "")))
        if template.slots:
            out.append(template)
    return out


def _copy_references(source: Corpus, root: Path) -> list[dict]:
    entries = []
    for entry in source.entries:
        if entry.kind == "reference":
            target = root / entry.path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source.root / entry.path, target)
            entries.append({"id": entry.id, "path": entry.path, "kind": entry.kind, "level": entry.level,
                            "title": entry.title, "parents": list(entry.parents), **dict(entry.meta)})
    return entries


def write_synthetic_corpus(source: Corpus, out_dir: str | Path, n_plans: int, seed: int = 0,
                           tasks_range: tuple[int, int] = (50, 150), include_clauses: bool = True,
                           start: int = 0) -> SynthCorpus:
    """Write plans start..n_plans-1 (and, when start is 0, the source's references) as a
    corpus directory under `out_dir`; with start > 0 the plans are added to the corpus there.

    Plan i depends only on (seed, i) and the plans before it, so the first 50 plans of a
    500-plan corpus are the 50 plans of a 50-plan corpus.
    """
    root = Path(out_dir)
    (root / "communes").mkdir(parents=True, exist_ok=True)
    if start:
        entries = json.loads((root / "manifest.json").read_text(encoding="utf-8"))["documents"]
        with open(root / "synth.jsonl", encoding="utf-8") as old:
            seen = {fold(json.loads(line)["text"]) for line in old}
    else:
        entries, seen = _copy_references(source, root), set()
    shapes = templates(source)
    pools = sentence_pools(source, include_clauses)
    duplicates = 0
    all_tasks: list[SynthTask] = []
    ids = []
    with open(root / "synth.jsonl", "a" if start else "w", encoding="utf-8") as sidecar:
        for i in range(start, n_plans):
            rng = random.Random(f"{seed}-{i}")
            plan_pools = _Pools(pools, rng)
            plan_pools.seen = seen
            template = rng.choice(shapes)
            plan_id = f"synth-{i:05d}"
            text, tasks = render_plan(template, plan_id, rng.randint(*tasks_range), plan_pools)
            duplicates += plan_pools.duplicates
            path = f"communes/{plan_id}.txt"
            (root / path).write_text(text, encoding="utf-8")
            entries.append({"id": plan_id, "path": path, "kind": "commune-plan", "level": "commune",
                            "commune": f"Xã tổng hợp {i}", "province": template.province,
                            "title": template.title, "template": template.doc_id, "parents": ["nq57"]})
            for task in tasks:
                sidecar.write(json.dumps(asdict(task), ensure_ascii=False) + "\n")
            all_tasks.extend(tasks)
            ids.append(plan_id)
    (root / "manifest.json").write_text(json.dumps({"documents": entries}, ensure_ascii=False, indent=1) + "\n",
                                        encoding="utf-8")
    log.info("wrote %d synthetic plans (%d tasks, %d repeated texts) to %s", len(ids), len(all_tasks),
             duplicates, root)
    return SynthCorpus(root, tuple(ids), tuple(all_tasks), duplicates)


def read_sidecar(root: str | Path) -> list[SynthTask]:
    """The generated tasks of a synthetic corpus, with their base sentences and edits."""
    with open(Path(root) / "synth.jsonl", encoding="utf-8") as handle:
        return [SynthTask(**{**json.loads(line), "edits": tuple(json.loads(line)["edits"])}) for line in handle]

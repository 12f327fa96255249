"""Training pairs for adapting e5 to plan language, mined from the documents' STRUCTURE only.

The eval labels are never read here. What the structure says for free:
- 03/NQ-CP Appendix II groups I..VII and the programme's items II.1..7 mirror NQ 57 III.1..7,
  so an Appendix II task or a lettered programme task serves NQ 57's item of the same number;
- an NQ 57 item heading sums up its bullets;
- a commune task sitting under a heading that copies an NQ 57 item title serves that item.
Item-level links are turned into clause-level positives by BM25 within the item (the item's
clause that shares the most weighted terms with the anchor), and every pair gets a hard
negative: the anchor's best BM25 hit among the clauses of OTHER items.
Pairs keep the commune they come from so a leave-one-commune-out model can drop them.
"""
from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Iterable, Sequence

import numpy as np

from align.corpus import Corpus
from align.errors import CorpusError, ModelError
from align.types import Clause, Document, GROUP

log = logging.getLogger(__name__)

NQ57, NQ03 = "nq57", "nq03"
ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7}
# A commune heading mirrors an NQ 57 item when their term sets overlap this much (Jaccard)
# and clearly more than with any other item. Measured on the corpus: the headings that copy
# an item title score 0.70-1.00; the nearest non-copies (e.g. "Bảo đảm an ninh mạng") <= 0.58.
MIN_JACCARD = 0.7
MIN_MARGIN = 0.05
SOURCES = ("pl2-nq57", "pl2-prog", "prog-nq57", "nq57-heading", "commune-nq57", "commune-nq03")


@dataclass(frozen=True)
class TrainingPair:
    """(anchor, positive, hard negative) texts with where they come from; ids are "<doc>#<unit>"."""

    anchor: str
    positive: str
    negative: str | None
    source: str
    anchor_id: str
    positive_id: str
    negative_id: str | None = None
    commune: str | None = None          # None: from reference documents only


class _Pools:
    """BM25 over the clauses of both references; candidate sets are masks over it.

    Each clause has a family ("nq57" for NQ 57 section III, "prog" for the programme's
    lettered tasks, "pl2" for Appendix II) and an item number 1..7 (0 for anything else).
    """

    def __init__(self, nq57: Document, nq03: Document) -> None:
        from align.retrieval.bm25 import BM25Index
        from align.text.analyze import analyze

        self._analyze = analyze
        self.clauses: list[tuple[str, Clause]] = [(d.id, c) for d in (nq57, nq03) for c in d.clauses]
        self.bm25 = BM25Index().fit([analyze(c.text) for _, c in self.clauses],
                                    [_uid(d, c.id) for d, c in self.clauses])
        keys = [_family_item(d, c) for d, c in self.clauses]
        self.family = np.array([k[0] for k in keys])
        self.item = np.array([k[1] for k in keys])

    def mask(self, families: tuple[str, ...], item: int, inside: bool) -> np.ndarray:
        """Clauses of `families` in `item` (inside) or in any other item 1..7 (not inside)."""
        in_family = np.isin(self.family, families)
        return in_family & ((self.item == item) if inside else ((self.item != item) & (self.item > 0)))

    def best(self, text: str, mask: np.ndarray, fallback_first: bool = True) -> tuple[str, Clause] | None:
        """The masked clause with the highest BM25 score for `text` (the first one if none scores)."""
        if not mask.any():
            return None
        scores = np.where(mask, self.bm25.score(self._analyze(text)), -1.0)
        j = int(np.argmax(scores))
        if scores[j] <= 0:
            if not fallback_first:
                return None
            j = int(np.flatnonzero(mask)[0])
        return self.clauses[j]


def nq57_items(nq57: Document) -> dict[int, list[Clause]]:
    """NQ 57 section III: item number -> its clauses, in order."""
    items: dict[int, list[Clause]] = {}
    for clause in nq57.clauses:
        parts = clause.id.split(".")
        if parts[0] == "III" and len(parts) == 3:
            items.setdefault(int(parts[1]), []).append(clause)
    if not items:
        raise ModelError(f"{nq57.id}: no section III clauses to mine training pairs from")
    return items


def heading_item(heading: str, titles: dict[int, set[str]]) -> int | None:
    """The NQ 57 item whose title `heading` copies (strict term overlap), else None."""
    from align.text.analyze import analyze

    terms = set(analyze(heading))
    if not terms:
        return None
    scored = sorted(((len(terms & t) / len(terms | t), item) for item, t in titles.items()), reverse=True)
    best, item = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    return item if best >= MIN_JACCARD and best - runner_up >= MIN_MARGIN else None


def _uid(doc: str, unit_id: str) -> str:
    return f"{doc}#{unit_id}"


class _Miner:
    def __init__(self, corpus: Corpus, negatives: bool) -> None:
        try:
            self.nq57, self.nq03 = corpus.document(NQ57), corpus.document(NQ03)
        except CorpusError as exc:
            raise ModelError(f"training pairs need the references {NQ57!r} and {NQ03!r} in the corpus "
                             f"({exc})") from exc
        self.corpus = corpus
        self.negatives = negatives
        self.items = nq57_items(self.nq57)
        self.pools = _Pools(self.nq57, self.nq03)
        self.pairs: list[TrainingPair] = []

    def add(self, source: str, anchor: str, anchor_id: str, item: int, families: tuple[str, ...],
            commune: str | None = None) -> None:
        """Pair `anchor` with its best clause of `item` among `families`, and a hard negative."""
        inside = self.pools.mask(families, item, True)
        inside &= np.array([_uid(d, c.id) != anchor_id for d, c in self.pools.clauses])
        found = self.pools.best(anchor, inside)
        if found is None:
            return
        neg = self.pools.best(anchor, self.pools.mask(families, item, False), False) if self.negatives else None
        self.pairs.append(TrainingPair(
            anchor=anchor, positive=found[1].text, negative=neg[1].text if neg else None, source=source,
            anchor_id=anchor_id, positive_id=_uid(found[0], found[1].id),
            negative_id=_uid(neg[0], neg[1].id) if neg else None, commune=commune))

    def mine(self) -> list[TrainingPair]:
        for clause in self.nq03.clauses:
            item = _nq03_item(clause)
            if item is None or item not in self.items:
                continue
            uid = _uid(NQ03, clause.id)
            if clause.id.startswith("PL2."):
                self.add("pl2-nq57", clause.text, uid, item, ("nq57",))
                self.add("pl2-prog", clause.text, uid, item, ("prog",))
            else:
                self.add("prog-nq57", clause.text, uid, item, ("nq57",))
        for item, clauses in self.items.items():
            for clause in clauses:
                self._heading_pair(item, clause)
        self._commune_pairs()
        return self.pairs

    def _heading_pair(self, item: int, clause: Clause) -> None:
        neg = None
        if self.negatives:
            neg = self.pools.best(clause.heading, self.pools.mask(("nq57",), item, False), False)
        self.pairs.append(TrainingPair(
            anchor=clause.heading, positive=clause.text, negative=neg[1].text if neg else None,
            source="nq57-heading", anchor_id=_uid(NQ57, f"III.{item}"), positive_id=_uid(NQ57, clause.id),
            negative_id=_uid(neg[0], neg[1].id) if neg else None))

    def _commune_pairs(self) -> None:
        from align.text.analyze import analyze

        titles = {item: set(analyze(clauses[0].heading)) for item, clauses in self.items.items()}
        memo: dict[str, int | None] = {}
        for entry in self.corpus.entries:
            if entry.kind == "reference":
                continue
            commune = str(entry.meta.get("commune") or entry.id)
            for task in self.corpus.document(entry.id).tasks:
                item = None
                for heading in reversed(task.heading_path):
                    if heading not in memo:
                        memo[heading] = heading_item(heading, titles)
                    if memo[heading] is not None:
                        item = memo[heading]
                        break
                if item is None:
                    continue
                uid = _uid(entry.id, task.id)
                self.add("commune-nq57", task.text, uid, item, ("nq57",), commune)
                self.add("commune-nq03", task.text, uid, item, ("prog", "pl2"), commune)


def _family_item(doc: str, clause: Clause) -> tuple[str, int]:
    if doc == NQ57:
        parts = clause.id.split(".")
        return ("nq57", int(parts[1])) if parts[0] == "III" and len(parts) == 3 else ("", 0)
    item = _nq03_item(clause)
    if item is None:
        return "", 0
    return ("pl2" if clause.id.startswith("PL2.") else "prog"), item


def _nq03_item(clause: Clause) -> int | None:
    """Programme item (1..7) of a 03/NQ-CP clause: P.II.<i>.<x>, or PL2 group I..VII; else None."""
    parts = clause.id.split(".")
    if parts[0] == "P" and len(parts) >= 4 and parts[1] == "II" and parts[2].isdigit():
        return int(parts[2])
    if parts[0] == "PL2":
        return ROMAN.get(str(clause.fields.get(GROUP, "")))
    return None


def mine_pairs(corpus: Corpus, negatives: bool = True) -> list[TrainingPair]:
    """Every training pair the corpus structure gives, in a fixed order (no eval labels used)."""
    pairs = _Miner(corpus, negatives).mine()
    log.info("mined %d training pairs: %s", len(pairs), dict(source_counts(pairs)))
    return pairs


def communes(corpus: Corpus) -> list[str]:
    """Commune names of the corpus plans (the manifest's "commune" field), in manifest order."""
    seen: dict[str, None] = {}
    for entry in corpus.entries:
        if entry.kind != "reference":
            seen.setdefault(str(entry.meta.get("commune") or entry.id), None)
    return list(seen)


def without_commune(pairs: Iterable[TrainingPair], commune: str | None) -> list[TrainingPair]:
    """The pairs a model held out on `commune` may see (all of them for None)."""
    return [p for p in pairs if commune is None or p.commune != commune]


def source_counts(pairs: Iterable[TrainingPair]) -> dict[str, int]:
    counts = Counter(p.source for p in pairs)
    return {s: counts[s] for s in SOURCES if counts[s]}


def pairs_hash(pairs: Sequence[TrainingPair]) -> str:
    """sha256 of the pairs as JSON lines: names exactly what a model was trained on."""
    digest = hashlib.sha256()
    for pair in pairs:
        digest.update(json.dumps(asdict(pair), ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n")
    return digest.hexdigest()

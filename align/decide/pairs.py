"""Whether two tasks are the same task stated twice, or merely related.

e5's cosines are compressed (two unrelated tasks of the corpus average 0.87), so a high
cosine says "same theme", not "same task". Two statements of one task also share what
the task acts on: its content words, above all the rare ones, its numbers (a target of
80 % is not a target of 100 %) and its lead agency. The evidence of a pair is those, with
the cosine and the mutual rank (a task on a broad theme is close to many); a logistic
model fitted on the labelled pairs of eval/duplicate_pairs.jsonl, hard negatives included,
gives the probability that the pair is one task. Two targets (indicators) on one theme differ
by the quantity they measure ("share of records digitised" vs "share of payments online"), so
for a pair of targets the wording counts on its own (`targets_similarity`): measured on the
labels, only 1 of 29 target pairs with word similarity under 0.7 is one target.

Two pieces of the plan's structure say what the words cannot. A plan's appendix lists its
body's tasks again as rows (ids "PL<n>.<m>", align/parse/plan.py), so a body task and an
appendix row of the same plan are likelier one task than two body tasks are
(`restatement`; on the labels, 38 % of such pairs are one task against 5 % of two body
tasks). And the same duty given to two bodies ("report every quarter" under Phòng Kinh tế
and under Công an xã) is two duties however alike the words (`lead_conflict_similarity`:
the word similarity of a pair whose lead agencies differ, so the model can weigh it down).

A task often bundles several duties in one sentence ("do X; also Y"), and readers take a bundle
and a task stating one of its duties for one task only when that one is the bundle's main duty,
the one it states first (eval/GUIDE.md). The shared rare words of the two first-stated duties
(`main_rare_union`) say that: measured on the labels, they separate one task from two better than
the whole texts' (eval/README.md, "Thirteenth session").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from align.decide.logistic import Logistic
from align.text.normalize import fold
from align.types import LEAD, TARGET, IndexRecord, Reason

FEATURES = ("cosine", "word_similarity", "jaccard", "rare_shared", "rare_union", "length_ratio",
            "numbers_conflict", "lead", "mutual_rank", "both_targets", "targets_similarity", "restatement",
            "lead_conflict_similarity", "main_rare_union")
APPENDIX_PREFIX = "PL"      # ids of a plan's appendix rows (align/parse/plan.py)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_WORDS = re.compile(r"\w+")
_DUTY_END = re.compile(r";|\.\s|:\s")   # where a task's first-stated duty ends
MAIN_DUTY_WORDS = 4         # a shorter first part (a heading, a lead-in) is not a duty of its own
_DEFAULT_IDF = 1.0          # a term the idf table does not know counts as an ordinary word


@dataclass(frozen=True)
class PairText:
    """What pair evidence needs of one task, computed once per task."""

    words: tuple[str, ...]          # folded words in order (difflib)
    terms: frozenset[str]           # analysed content terms
    numbers: frozenset[str]
    lead: str                       # folded lead agency, "" when none
    target: bool = False            # a quantified indicator (chỉ tiêu), not a task
    plan: str = ""                  # the plan it belongs to
    appendix: bool = False          # a row of the plan's appendix
    main: frozenset[str] | None = None  # content terms of the duty it states first; None: its only duty


def words(text: str) -> list[str]:
    """Folded words in order (case, Unicode and punctuation ignored)."""
    return _WORDS.findall(fold(text))


def main_duty(text: str) -> str:
    """The duty a task states first: its text up to the first ";", sentence end or colon, unless that
    part is too short to be a duty (then the whole text)."""
    head = _DUTY_END.split(text.strip(), maxsplit=1)[0]
    return head if len(words(head)) >= MAIN_DUTY_WORDS else text


def pair_text(record: IndexRecord) -> PairText:
    from align.text.analyze import analyze

    lead = (record.fields or {}).get(LEAD, "")
    head = main_duty(record.text)
    return PairText(tuple(words(record.text)), frozenset(analyze(record.text)),
                    frozenset(_NUMBER.findall(record.text)), " ".join(words(lead)),
                    record.kind == TARGET, record.doc_id, record.id.startswith(APPENDIX_PREFIX),
                    None if head == record.text else frozenset(analyze(head)))


def word_similarity(wa: Sequence[str], wb: Sequence[str]) -> float:
    """Share of matching words in order (difflib ratio), 1.0 when both are empty."""
    import difflib

    if not wa and not wb:
        return 1.0
    return difflib.SequenceMatcher(None, wa, wb, autojunk=False).ratio()


def _mass(terms: frozenset[str], idf: Mapping[str, float]) -> float:
    return sum(idf.get(t, _DEFAULT_IDF) for t in terms)


def features(a: PairText, b: PairText, cosine: float, rank: int, idf: Mapping[str, float],
             similarity: float | None = None) -> np.ndarray:
    """The FEATURES of one pair."""
    shared, union = a.terms & b.terms, a.terms | b.terms
    smaller = min(_mass(a.terms, idf), _mass(b.terms, idf))
    lengths = sorted((len(a.words), len(b.words)))
    numbers_conflict = float(bool(a.numbers and b.numbers and a.numbers != b.numbers))
    lead = 0.0 if not (a.lead and b.lead) else (1.0 if a.lead == b.lead else -1.0)
    similarity = word_similarity(a.words, b.words) if similarity is None else similarity
    targets = float(a.target and b.target)
    restatement = float(bool(a.plan) and a.plan == b.plan and a.appendix != b.appendix)
    main_a, main_b = (t.terms if t.main is None else t.main for t in (a, b))
    main_union = _mass(main_a | main_b, idf)
    return np.array([cosine, similarity, len(shared) / len(union) if union else 1.0,
                     _mass(shared, idf) / smaller if smaller else 1.0,
                     _mass(shared, idf) / _mass(union, idf) if union else 1.0,
                     lengths[0] / lengths[1] if lengths[1] else 1.0, numbers_conflict, lead, 1.0 / max(rank, 1),
                     targets, targets * similarity, restatement, float(lead < 0) * similarity,
                     _mass(main_a & main_b, idf) / main_union if main_union else 1.0])


@dataclass(frozen=True)
class PairModel:
    """P(the two tasks are one | evidence); a duplicate at or above `threshold`."""

    model: Logistic
    threshold: float

    def probability(self, x: np.ndarray) -> np.ndarray:
        """P(one task) of rows of FEATURES; a model fitted on fewer features (an older fit) reads its own."""
        if not len(x):
            return np.zeros(0)
        if self.model.features != FEATURES and set(self.model.features) <= set(FEATURES):
            x = np.asarray(x)[:, [FEATURES.index(f) for f in self.model.features]]
        return self.model.predict(x)

    def to_json(self) -> dict:
        return {"model": self.model.to_json(), "threshold": self.threshold}

    @classmethod
    def from_json(cls, data: dict) -> "PairModel":
        return cls(Logistic.from_json(data["model"]), float(data["threshold"]))


def reason(kind: str, x: np.ndarray, shared: Sequence[str]) -> Reason:
    """Why the two tasks are taken for one, as a catalogue message (align/i18n.py) a report says in its language."""
    f = dict(zip(FEATURES, x.tolist()))
    if kind == "exact":
        return Reason("same_words")
    found = {"cosine": f["cosine"], "lead": Reason("same_lead") if f["lead"] > 0 else Reason("none")}
    if kind == "near":
        return Reason("near", {"share": f["word_similarity"], **found})
    return Reason("paraphrase", {"terms": [t.replace("_", " ") for t in shared[:4]], **found})

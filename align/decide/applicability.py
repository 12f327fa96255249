"""Who a reference clause addresses, and whether a commune can act on it.

A clause only central bodies can carry out (write a law, a Politburo or National Assembly
body's own work, a national aggregate such as a GDP share) is never a commune's gap. For
NQ 57 and 03/NQ-CP the answer is a curated table shipped with the package
(align/data/applicability/<reference id>.jsonl, written by reading each clause, one line of
reason each). For a reference without a table (a province's plan a user adds), `by_rules`
reads the clause's actors: a named central body or ministry alone means national work;
"các cấp", "địa phương", a province, a commune or the whole political system means every
level. Its agreement with the curated tables is measured by `plan-align eval`.

A clause whose whole ask is that each level issue its own plan implementing the reference
(03/NQ-CP's PL2.7; a province's "UBND các xã ban hành kế hoạch thực hiện Kế hoạch này") is carried out by the plan under review
by its very existence (`by_plan`): no task says "we write this plan", and a reviewer would
never call it a gap.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from align.errors import ModelError
from align.text.normalize import strip_marks
from align.types import LEAD, Applicability, Clause, ClauseKind, Document

log = logging.getLogger(__name__)

TABLES = Path(__file__).resolve().parents[1] / "data" / "applicability"
WHO = ("central", "government", "ministries", "provinces", "communes", "all-levels")

# Folded text. Local actors first: a clause that names them is every level's work.
_LOCAL = re.compile(r"|".join((
    r"\bcac cap\b", r"\bdia phuong\b", r"\bcap (?:tinh|huyen|xa|co so)\b", r"\bcac tinh\b", r"\btinh uy\b",
    r"\bthanh uy\b", r"\bxa\b(?! hoi)", r"\bphuong\b(?! (?:thuc|an|phap|tien|cham|huong|dien|tren|de))",
    r"\bca he thong chinh tri\b", r"\bmat tran to quoc\b",
    r"\bcac to chuc chinh tri - xa hoi\b", r"\buy ban nhan dan\b", r"\bnguoi dung dau\b", r"\bcap uy\b",
    r"\bcac bo, nganh, dia phuong\b")))
_CENTRAL = re.compile(r"|".join((
    r"\bquoc hoi\b", r"\bbo chinh tri\b", r"\bban chap hanh trung uong\b", r"\bban bi thu\b",
    r"\b(?:ban|van phong|hoi dong|uy ban|dang uy)(?: \w+){0,4} trung uong\b", r"\bban can su dang chinh phu\b",
    r"\bdang doan\b")))
_GOVERNMENT = re.compile(r"\bchinh phu\b|\bthu tuong\b")
_MINISTRY = re.compile(r"\bbo (?:khoa hoc|tai chinh|ke hoach|noi vu|cong an|quoc phong|giao duc|y te|cong thuong"
                       r"|tu phap|ngoai giao|thong tin|nong nghiep|tai nguyen|xay dung|giao thong|van hoa|lao dong)"
                       r"|\bngan hang nha nuoc\b|\bvien han lam\b|\bdai hoc quoc gia\b")
# What only the centre can do, whoever is named.
_NATIONAL_ACTS = re.compile(r"|".join((
    r"(?:sua doi|bo sung|hoan thien|ban hanh|xay dung)[^.;]{0,60}(?:quy dinh phap luat|phap luat|\bluat\b)",
    r"\bthe che hoa\b", r"phong thi nghiem trong diem quoc gia", r"\bkhong gian vu tru\b", r"\bgdp\b",
    r"\bnhom \d+ nuoc\b", r"\bdong nam a\b", r"\bcac nuoc tien tien\b", r"\bxep hang\b")))
# Folded text of a clause that asks for the local implementation plan and nothing more (one demand, no ';').
_OWN_PLAN = re.compile(
    r"^(?:[^.;:]{0,80}? )?(?:xay dung|ban hanh)(?:,? (?:va )?(?:ban hanh|trien khai|to chuc thuc hien))? "
    r"(?:chuong trinh, ke hoach|ke hoach|chuong trinh)(?: hanh dong)? (?:de )?(?:trien khai|thuc hien|cu the hoa)"
    r"(?: thuc hien)? (?:chuong trinh hanh dong|nghi quyet|ke hoach|chuong trinh|chi thi|de an)\b[^;]{0,120}$")
OWN_PLAN_WORDS = 30         # a longer clause asks for more than the plan
_SENTENCE_END = re.compile(r"[.;:](?:\s|$)")


def first_sentence(text: str) -> str:
    match = _SENTENCE_END.search(text)
    return text[:match.start()] if match else text


def asks_own_plan(clause: Clause) -> bool:
    """Whether all the clause asks is the local plan implementing the reference (module docstring)."""
    text = strip_marks(clause.text).strip().rstrip(".").strip()
    return clause.kind != ClauseKind.VIEWPOINT and len(text.split()) <= OWN_PLAN_WORDS and bool(_OWN_PLAN.match(text))


def by_rules(clause: Clause) -> Applicability:
    """Applicability read from the clause's own words (its lead agency first, then its first sentence)."""
    found = _by_rules(clause)
    return dataclasses.replace(found, by_plan=True) if found.commune and asks_own_plan(clause) else found


def _by_rules(clause: Clause) -> Applicability:
    if clause.kind == ClauseKind.VIEWPOINT:
        return Applicability(clause.id, "all-levels", True, "a guiding viewpoint every level follows", (), "rules")
    original = (clause.fields.get(LEAD, "") if clause.fields else "") or first_sentence(clause.text)
    text = strip_marks(original)
    local = _LOCAL.search(text)
    if local:
        return Applicability(clause.id, "all-levels", True, f"names '{local.group(0)}'", (), "rules")
    for who, pattern in (("central", _CENTRAL), ("government", _GOVERNMENT), ("ministries", _MINISTRY)):
        found = pattern.search(text)
        if found:
            return Applicability(clause.id, who, False, f"addressed to '{found.group(0)}'",
                                 (as_written(original, found.group(0)),), "rules")
    act = _NATIONAL_ACTS.search(strip_marks(clause.text))
    if act:
        return Applicability(clause.id, "central", False, f"national work ('{act.group(0)}')", (), "rules")
    return Applicability(clause.id, "all-levels", True, "names no central body", (), "rules")


def as_written(original: str, folded: str) -> str:
    """The words of `original` a pattern matched in its folded form (`folded`), with their diacritics and
    capitals ("Ban Tuyên giáo Trung ương" for "ban tuyen giao trung uong"); `folded` when not found."""
    mapped = "".join(m if len(m := strip_marks(ch)) == 1 else ch.lower() for ch in original)
    start = mapped.find(folded)
    return original[start:start + len(folded)] if start >= 0 else folded


@lru_cache(maxsize=16)
def _table(path: Path) -> dict[str, Applicability]:
    out = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if item["who"] not in WHO:
                raise ValueError(f"unknown 'who' {item['who']!r}")
            out[item["clause"]] = Applicability(item["clause"], item["who"], bool(item["commune"]), item["reason"],
                                                tuple(item.get("actors", ())), "table", bool(item.get("by_plan", False)))
        except (ValueError, KeyError, TypeError) as exc:
            raise ModelError(f"{path}:{number}: malformed applicability row ({exc})") from exc
    return out


def table_for(ref_id: str, directory: Path = TABLES) -> dict[str, Applicability]:
    """The curated table of a reference ({} when none is shipped)."""
    path = directory / f"{ref_id}.jsonl"
    return _table(path) if path.is_file() else {}


def applicability(ref: Document, directory: Path = TABLES) -> list[Applicability]:
    """One Applicability per clause of `ref`, in its order: the table's where it has the clause, else the rules'."""
    table = table_for(ref.id, directory)
    out = [table.get(c.id) or by_rules(c) for c in ref.clauses]
    missing = sum(1 for c in ref.clauses if c.id not in table)
    if table and missing:
        log.warning("%s: %d clauses are not in its applicability table; read from their text", ref.id, missing)
    return out


def rule_accuracy(refs: Sequence[Document], directory: Path = TABLES) -> dict[str, dict]:
    """How often the rules agree with each curated table on 'a commune can act on it'."""
    out = {}
    for ref in refs:
        table = table_for(ref.id, directory)
        rows = [(table[c.id], by_rules(c)) for c in ref.clauses if c.id in table]
        if rows:
            agree = sum(a.commune == b.commune for a, b in rows)
            out[ref.id] = {"n": len(rows), "accuracy": round(agree / len(rows), 4),
                           "national": sum(not a.commune for a, _ in rows),
                           "national_found": sum(not a.commune and not b.commune for a, b in rows),
                           "own_plan": sum(a.by_plan for a, _ in rows),
                           "own_plan_found": sum(a.by_plan and b.by_plan for a, b in rows),
                           "own_plan_extra": sum(b.by_plan and not a.by_plan for a, b in rows)}
    return out

"""What each page shows, computed from the library's results: plain dicts the templates only print.

Templates hold no logic beyond loops and the catalogue's labels; the shapes are made here
so that they can be tested without a browser. Text is never marked safe: highlighting
splits a text into (piece, is_term) pairs the template wraps in <mark>, and Jinja2's
autoescape escapes every piece.
"""
from __future__ import annotations

import re
from typing import Any, Mapping, Sequence

from align import i18n
from align.types import ACCEPT, CHOOSE, REJECT, SERVES_NONE


EVIDENCE = 3            # tasks shown as a clause's evidence on the coverage page


def clip(text: str, limit: int = 240) -> str:
    """A long task cut at a word for a table cell; the review page shows it whole."""
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def highlight(text: str, terms: Sequence[str]) -> list[tuple[str, bool]]:
    """`text` cut into pieces, each marked when it is one of the shared `terms` (whole words, any case)."""
    words = sorted({t for t in terms if t.strip()}, key=len, reverse=True)
    if not words:
        return [(text, False)]
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)
    pieces, at = [], 0
    for m in pattern.finditer(text):
        if m.start() > at:
            pieces.append((text[at:m.start()], False))
        pieces.append((m.group(0), True))
        at = m.end()
    if at < len(text):
        pieces.append((text[at:], False))
    return pieces


def when(reviewer: str, stamp: str, lang: str) -> str:
    """"Lan, 05/03/2026 14:20": who decided, and when in this machine's time (stored in UTC)."""
    from datetime import datetime

    local = datetime.fromisoformat(stamp).astimezone()
    return i18n.t("web.decided_by", lang, reviewer=reviewer, date=i18n.date(local))


def decision_view(d, lang: str) -> dict[str, Any] | None:
    """A decision in force as the page shows it: action, clause, who and when (dd/mm/yyyy)."""
    if d is None:
        return None
    label = i18n.t(f"web.state.{d.action}", lang, ref=d.ref.upper()) if d.action == SERVES_NONE \
        else i18n.t(f"web.state.{d.action}", lang)
    return {"action": d.action, "clause_id": d.clause_id, "label": label, "reviewer": d.reviewer,
            "when": when(d.reviewer, d.time, lang)}


def proposal_state(match_clause: str, d) -> str:
    """open, accept, reject or choose: what the decision in force says of one proposed clause."""
    if d is None or d.clause_id != match_clause:
        return "open"
    return {ACCEPT: "accept", REJECT: "reject", CHOOSE: "choose"}.get(d.action, "open")


def review_tasks(alignment: Mapping[str, Any], refs: Sequence[str], statuses: Mapping[str, Mapping[str, str]],
                 decisions: Mapping[tuple[str, str], Any], clause_text, lang: str,
                 suggestions: Mapping[tuple[str, str], Mapping[str, Any]] | None = None
                 ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every task with, per reference, its proposed clauses (id, score, coverage state, shared terms, what
    the decision in force says of it), the decision in force and a reviewed near-repeat's suggestion; and
    the texts of the clauses they name, each once (`clause_key` is its id on the page): a long plan names
    the same clause for dozens of tasks, so the page sends its text once and the script shows it in each
    proposal, terms marked."""
    texts: dict[tuple[str, str], dict[str, Any]] = {}

    def text_of(ref: str, clause_id: str, heading: str | None = None, text: str | None = None) -> str:
        if (ref, clause_id) not in texts:
            if text is None:
                heading, text = clause_text(ref, clause_id)
            texts[(ref, clause_id)] = {"ref": ref, "clause_id": clause_id, "heading": heading, "text": text,
                                       "key": clause_key(ref, clause_id)}
        return texts[(ref, clause_id)]["key"]

    tasks = []
    for task in alignment["tasks"]:
        blocks = []
        for ref in refs:
            d = decisions.get((task["id"], ref))
            matches = [m for m in task["matches"] if m["doc"] == ref]
            for m in matches:
                text_of(ref, m["clause_id"], m.get("heading", ""), m["text"])
            if d is not None and d.action == CHOOSE and d.clause_id not in {m["clause_id"] for m in matches}:
                text_of(ref, d.clause_id)
                matches = [{"doc": ref, "clause_id": d.clause_id, "score": None, "terms": []}, *matches]
            proposals = [_proposal(ref, m, statuses.get(ref, {}), d, lang) for m in matches]
            s = (suggestions or {}).get((task["id"], ref))
            blocks.append({"ref": ref, "label": ref.upper(), "proposals": proposals,
                           "decision": decision_view(d, lang),
                           "suggestion": s and _suggestion(s, {p["clause_id"] for p in proposals}, text_of, lang)})
        tasks.append({"id": task["id"], "kind": task["kind"], "text": task["text"],
                      "heading": (task.get("heading_path") or [""])[-1], "refs": blocks,
                      "reviewed": any(b["decision"] for b in blocks)})
    return tasks, list(texts.values())


def clause_key(ref: str, clause_id: str) -> str:
    """The id of a clause's text on the review page (`c-nq57-II.3`)."""
    return f"c-{ref}-{clause_id}"


def _suggestion(s: Mapping[str, Any], proposed: set[str], text_of, lang: str) -> dict[str, Any]:
    """A reviewed near-repeat's clause, with the decision taking it records: accept when it is proposed,
    else choose (a normal decision either way)."""
    row = i18n.localise(s, lang)
    text_of(s["ref"], s["clause_id"])
    return {"clause_id": s["clause_id"],
            "label": i18n.t("web.suggest.label", lang, clause=s["clause_id"], reason=row["reason"]),
            "act": f"{ACCEPT if s['clause_id'] in proposed else CHOOSE} {s['clause_id']}"}


def _proposal(ref: str, m: Mapping[str, Any], statuses: Mapping[str, str], d, lang: str) -> dict[str, Any]:
    status = statuses.get(m["clause_id"], "")
    return {"clause_id": m["clause_id"], "score": m["score"],
            "terms": "|".join(m["terms"]), "status": status,
            "status_label": i18n.t(f"status.{status}", lang) if status else "",
            "state": proposal_state(m["clause_id"], d)}


def progress(tasks: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    done = sum(1 for t in tasks if t["reviewed"])
    return {"done": done, "total": len(tasks)}


def heatmap(matrix: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """The coverage matrix as rows of cells, each with a colour class (heat-0 .. heat-10, or na) and a tooltip."""
    items = matrix["items"]
    rows = []
    for plan in matrix["plans"]:
        cells = []
        for item in items:
            key, share = item["item"], plan["items"].get(item["item"])
            covered, weak = plan["covered_items"].get(key, 0), plan["weak_items"].get(key, 0)
            tip = i18n.t("heatmap.cell", lang, item=key, covered=covered, applicable=item["applicable"])
            if weak:
                tip += i18n.t("heatmap.cell_weak", lang, weak=weak)
            cells.append({"text": f"{covered}/{item['applicable']}" if share is not None else "–",
                          "css": "na" if share is None else f"heat-{round(share * 10)}", "weak": bool(weak),
                          "tip": tip})
        rows.append({"plan": plan["plan"], "commune": plan.get("commune", ""), "title": plan["title"],
                     "cells": cells, "share": plan.get("share"), "reviewed": bool(plan.get("reviewed")),
                     "reviewed_tip": i18n.t("web.heatmap.reviewed", lang, n=plan.get("reviewed_tasks", 0))})
    return {"columns": items, "rows": rows, "reviewed": any(r["reviewed"] for r in rows)}


def coverage_rows(report: Mapping[str, Any], lang: str) -> list[dict[str, Any]]:
    """Every clause with its state (reviewed ones marked), its evidence (terms marked) and its reason in `lang`."""
    rows = []
    for c in report["clauses"]:
        evidence = [{"task_id": e["task_id"], "score": e["score"],
                     "pieces": highlight(clip(e["text"]), e["terms"])} for e in c.get("evidence", [])[:EVIDENCE]]
        rows.append({"clause_id": c["clause_id"], "heading": c["heading"], "text": c["text"], "status": c["status"],
                     "status_label": i18n.t(f"status.{c['status']}", lang), "reviewed": bool(c.get("reviewed")),
                     "support": c.get("support"), "reason": i18n.localise(c, lang).get("reason", ""),
                     "evidence": evidence})
    return rows


def pair_rows(report: Mapping[str, Any], verdicts: Mapping[tuple[str, str], Any], lang: str) -> list[dict[str, Any]]:
    """The duplicate pairs with the verdict in force on each."""
    rows = []
    for p in report["pairs"]:
        key = tuple(sorted((p["a"]["id"], p["b"]["id"])))
        v = verdicts.get(key)
        rows.append({"a": p["a"], "b": p["b"], "kind": p["kind"], "kind_label": i18n.t(f"kind.{p['kind']}", lang),
                     "probability": p["probability"], "reason": i18n.localise(p, lang).get("reason", ""),
                     "verdict": None if v is None else {
                         "action": v.action, "label": i18n.t(f"web.pair.state.{v.action}", lang),
                         "when": when(v.reviewer, v.time, lang)}})
    return rows

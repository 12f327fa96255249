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
                 decisions: Mapping[tuple[str, str], Any], clause_text, lang: str) -> list[dict[str, Any]]:
    """Every task with, per reference, its proposed clauses (text with shared terms marked, score,
    coverage state, what the decision in force says of it) and the decision in force."""
    tasks = []
    for task in alignment["tasks"]:
        blocks = []
        for ref in refs:
            d = decisions.get((task["id"], ref))
            matches = [m for m in task["matches"] if m["doc"] == ref]
            proposals = [_proposal(m, statuses.get(ref, {}), d, lang) for m in matches]
            if d is not None and d.action == CHOOSE and d.clause_id not in {m["clause_id"] for m in matches}:
                heading, text = clause_text(ref, d.clause_id)
                chosen = {"doc": ref, "clause_id": d.clause_id, "heading": heading, "text": text, "score": None,
                          "terms": []}
                proposals.insert(0, _proposal(chosen, statuses.get(ref, {}), d, lang))
            blocks.append({"ref": ref, "label": ref.upper(), "proposals": proposals,
                           "decision": decision_view(d, lang)})
        tasks.append({"id": task["id"], "kind": task["kind"], "text": task["text"],
                      "heading": (task.get("heading_path") or [""])[-1], "refs": blocks,
                      "reviewed": any(b["decision"] for b in blocks)})
    return tasks


def _proposal(m: Mapping[str, Any], statuses: Mapping[str, str], d, lang: str) -> dict[str, Any]:
    status = statuses.get(m["clause_id"], "")
    return {"clause_id": m["clause_id"], "heading": m.get("heading", ""), "pieces": highlight(m["text"], m["terms"]),
            "score": None if m["score"] is None else f"{m['score']:.2f}", "terms": m["terms"],
            "status": status, "status_label": i18n.t(f"status.{status}", lang) if status else "",
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
                     "cells": cells, "share": f"{plan['share']:.0%}" if plan.get("share") is not None else ""})
    return {"columns": items, "rows": rows}


def coverage_rows(report: Mapping[str, Any], lang: str) -> list[dict[str, Any]]:
    """Every clause with its state (reviewed ones marked) and its evidence, terms marked."""
    rows = []
    for c in report["clauses"]:
        evidence = [{"task_id": e["task_id"], "score": f"{e['score']:.2f}",
                     "pieces": highlight(clip(e["text"]), e["terms"])} for e in c.get("evidence", [])[:EVIDENCE]]
        rows.append({"clause_id": c["clause_id"], "heading": c["heading"], "text": c["text"], "status": c["status"],
                     "status_label": i18n.t(f"status.{c['status']}", lang), "reviewed": bool(c.get("reviewed")),
                     "support": f"{c['support']:.2f}" if c.get("support") is not None else "",
                     "reason": c.get("reason", ""), "evidence": evidence})
    return rows


def pair_rows(report: Mapping[str, Any], verdicts: Mapping[tuple[str, str], Any], lang: str) -> list[dict[str, Any]]:
    """The duplicate pairs with the verdict in force on each."""
    rows = []
    for p in report["pairs"]:
        key = tuple(sorted((p["a"]["id"], p["b"]["id"])))
        v = verdicts.get(key)
        rows.append({"a": p["a"], "b": p["b"], "kind": p["kind"], "kind_label": i18n.t(f"kind.{p['kind']}", lang),
                     "probability": f"{p['probability']:.2f}", "reason": p.get("reason", ""),
                     "verdict": None if v is None else {
                         "action": v.action, "label": i18n.t(f"web.pair.state.{v.action}", lang),
                         "when": when(v.reviewer, v.time, lang)}})
    return rows

"""The workbench's pages (GET): corpus, plan review, coverage, duplicates, search, export, clause search.

Each route checks its ids through the Workbench, makes its library calls and hands plain
dicts (align/web/pages.py) to a template; nothing here writes.
"""

import tempfile
from pathlib import Path
from typing import Any

from align import i18n
from align.web import pages
from align.web.security import MAX_UPLOAD

EXPORTS = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "html": "text/html; charset=utf-8"}
REVIEWER_COOKIE = "pa_reviewer"


def render(request, name: str, status: int = 200, **context: Any):
    """A template with what every page needs: the language, the labels, the CSRF field, the reviewer."""
    state = request.app.state
    lang = state.bench.lang
    values = {"request": request, "lang": lang, "plan": None, "t": lambda key, **kw: i18n.t(key, lang, **kw),
              "csrf": request.state.csrf, "reviewer": reviewer_cookie(request),
              "path": request.url.path, **context}
    return state.templates.TemplateResponse(request, name, values, status_code=status)


def reviewer_cookie(request) -> str:
    """The reviewer's name kept in a cookie (URL-quoted: a cookie holds ASCII only)."""
    from urllib.parse import unquote

    return unquote(request.cookies.get(REVIEWER_COOKIE, ""))[:80]


def routes():
    from fastapi import APIRouter, Request
    from fastapi.responses import FileResponse, JSONResponse
    from starlette.background import BackgroundTask

    router = APIRouter()

    @router.get("/")
    def corpus_page(request: Request, message: str = "", ok: int = 0):
        bench = request.app.state.bench
        with bench.api() as pa:
            listing = {row["id"]: row for row in pa.documents().rows()}
            matrix = pa.matrix().to_json()
            entries = {e.id: e for e in pa.corpus.entries}
        plans = [dict(listing[i], title=entries[i].title, commune=entries[i].meta.get("commune", ""))
                 for i in bench.plan_ids()]
        refs = [dict(listing[i], title=entries[i].title) for i in bench.ref_ids()]
        return render(request, "corpus.html", plans=plans, refs=refs, heat=pages.heatmap(matrix, bench.lang),
                      ref=matrix["ref"].upper(), message=message[:300], ok=bool(ok), max_mb=MAX_UPLOAD // 2**20)

    @router.get("/plan/{plan_id}")
    def review_page(request: Request, plan_id: str):
        bench = request.app.state.bench
        plan = bench.plan(plan_id)
        refs = bench.ref_ids()
        alignment = bench.alignment(plan_id)
        statuses = {ref: {c["clause_id"]: c["status"] for c in bench.gaps(plan_id, ref)["clauses"]} for ref in refs}

        def clause_text(ref: str, clause_id: str) -> tuple[str, str]:
            c = bench.clause(ref, clause_id)
            return c.heading, c.text

        suggested = {(s["task_id"], s["ref"]): s for s in bench.suggestions(plan_id)}
        tasks, clauses = pages.review_tasks(alignment, refs, statuses, bench.decisions(plan_id), clause_text,
                                            bench.lang, suggested)
        return render(request, "plan.html", plan=plan, tasks=tasks, clauses=clauses, progress=pages.progress(tasks))

    @router.get("/plan/{plan_id}/coverage")
    def coverage_page(request: Request, plan_id: str, ref: str = ""):
        bench = request.app.state.bench
        plan = bench.plan(plan_id)
        ref = ref or bench.ref_ids()[0]
        report = bench.gaps(plan_id, ref)
        return render(request, "coverage.html", plan=plan, ref=ref, refs=bench.ref_ids(), summary=report["summary"],
                      rows=pages.coverage_rows(report, bench.lang))

    @router.get("/plan/{plan_id}/duplicates")
    def duplicates_page(request: Request, plan_id: str):
        bench = request.app.state.bench
        plan = bench.plan(plan_id)
        with bench.api() as pa:
            report = pa.duplicates(plan_id).to_json()
        with bench.store() as store:
            verdicts = store.pairs_in_force(plan_id)
        return render(request, "duplicates.html", plan=plan, pairs=pages.pair_rows(report, verdicts, bench.lang))

    @router.get("/search")
    def search_page(request: Request, q: str = "", commune: str = "", kind: str = "task"):
        bench = request.app.state.bench
        kind = kind if kind in ("task", "clause") else "task"
        hits = []
        if q.strip():
            with bench.api() as pa:
                hits = pa.search(q[:500], kind=kind, commune=commune.strip() or None, top_k=20).to_json()["hits"]
        return render(request, "search.html", q=q, commune=commune, kind=kind, hits=hits)

    @router.get("/plan/{plan_id}/export.{fmt}")
    def export(request: Request, plan_id: str, fmt: str):
        bench = request.app.state.bench
        bench.plan(plan_id)
        if fmt not in EXPORTS:
            from align.web.workbench import NotFound
            raise NotFound(f"{plan_id}.{fmt}")
        folder = Path(tempfile.mkdtemp(prefix="plan-align-export-"))
        with bench.api() as pa:
            out = pa.review(plan_id).write(folder / f"{plan_id}.{fmt}", bench.lang)
        return FileResponse(out, media_type=EXPORTS[fmt], filename=out.name,
                            background=BackgroundTask(_remove, folder))

    @router.get("/api/clauses")
    def clause_search(request: Request, ref: str, q: str = ""):
        bench = request.app.state.bench
        return JSONResponse(find_clauses(bench, ref, q[:300]))

    return router


def find_clauses(bench, ref: str, q: str, limit: int = 12) -> list[dict[str, str]]:
    """Clauses of `ref` for the search box: the id typed, then clauses whose words hold the query
    (diacritics optional), then the nearest by meaning."""
    from align.text.normalize import plain_key

    clauses = bench.ref(ref).clauses
    key = plain_key(q)
    if not key:
        return []
    found = [c for c in clauses if c.id.lower() == q.strip().lower()]
    found += [c for c in clauses if c not in found and key in plain_key(f"{c.id} {c.heading} {c.text}")]
    if len(found) < limit:
        with bench.api() as pa:
            hits = pa.search(q, kind="clause", top_k=limit * 3).hits
        by_id = {c.id: c for c in clauses}
        for hit in hits:
            clause = by_id.get(hit.record.id) if hit.record.doc_id == ref else None
            if clause is not None and clause not in found:
                found.append(clause)
    return [{"id": c.id, "heading": c.heading, "text": c.text[:300]} for c in found[:limit]]


def _remove(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)

"""The workbench's forms (POST): decisions, undo, pair verdicts, the reviewer's name, plan upload.

Every POST checks its CSRF field first, then its ids (align/web/workbench.py). A decision
is one row of the review memory, committed before the answer leaves, so a server killed
right after keeps it. A page's script sends the same forms with `Accept: application/json`
and gets the decision back; without a script the browser follows a redirect to the page.
"""

import shutil
import tempfile
from pathlib import Path

from align import i18n
from align.errors import PlanAlignError
from align.types import REVIEW_ACTIONS, SERVES_NONE
from align.web.security import CSRF_FIELD, MAX_UPLOAD, UPLOAD_SUFFIXES, check_csrf
from align.web.views import REVIEWER_COOKIE, reviewer_cookie

MAX_NAME = 80


def routes():
    from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile

    router = APIRouter()

    def reviewer_of(request: Request, given: str) -> str:
        name = " ".join((given or reviewer_cookie(request)).split())[:MAX_NAME]
        if not name:
            raise HTTPException(status_code=400, detail=i18n.t("web.reviewer.missing", request.app.state.bench.lang))
        return name

    @router.post("/plan/{plan_id}/decide")
    def decide(request: Request, plan_id: str, task_id: str = Form(...), ref: str = Form(...),
               action: str = Form(""), clause_id: str = Form(""), act: str = Form(""), reviewer: str = Form(""),
               csrf: str = Form("", alias=CSRF_FIELD)):
        bench = request.app.state.bench
        check_csrf(request, request.app.state.guard, csrf, bench.lang)
        task = bench.task(plan_id, task_id)
        action, clause_id = button(act, action, clause_id)
        if action not in REVIEW_ACTIONS:
            raise PlanAlignError(f"action {action[:20]!r}")
        clause = None if action == SERVES_NONE else bench.clause(ref, clause_id.strip()).id
        bench.ref(ref)
        name = reviewer_of(request, reviewer)
        with bench.store() as store:
            d = store.decide(plan_id, task.id, task.text, ref, action, clause, name)
            done = len({t_id for t_id, _ in store.current(plan_id)})
        return answer(request, {"task_id": d.task_id, "ref": d.ref, "action": d.action, "clause_id": d.clause_id,
                                "reviewer": d.reviewer, "time": d.time, "done": done,
                                "total": len(bench.plan(plan_id).tasks)},
                      f"/plan/{plan_id}#task-{task.id}", name)

    @router.post("/plan/{plan_id}/undo")
    def undo(request: Request, plan_id: str, task_id: str = Form(...), ref: str = Form(...),
             reviewer: str = Form(""), csrf: str = Form("", alias=CSRF_FIELD)):
        bench = request.app.state.bench
        check_csrf(request, request.app.state.guard, csrf, bench.lang)
        task = bench.task(plan_id, task_id)
        bench.ref(ref)
        name = reviewer_of(request, reviewer)
        with bench.store() as store:
            row = store.undo(plan_id, task.id, ref, name)
            now_in_force = store.current(plan_id).get((task.id, ref))
            done = len({t_id for t_id, _ in store.current(plan_id)})
        return answer(request, {"task_id": row.task_id, "ref": ref, "action": now_in_force.action if now_in_force
                                else None, "clause_id": now_in_force.clause_id if now_in_force else None,
                                "done": done, "total": len(bench.plan(plan_id).tasks)},
                      f"/plan/{plan_id}#task-{task.id}", name)

    @router.post("/plan/{plan_id}/pair")
    def pair(request: Request, plan_id: str, a: str = Form(...), b: str = Form(...), action: str = Form(...),
             reviewer: str = Form(""), csrf: str = Form("", alias=CSRF_FIELD)):
        bench = request.app.state.bench
        check_csrf(request, request.app.state.guard, csrf, bench.lang)
        ta, tb = bench.task(plan_id, a), bench.task(plan_id, b)
        name = reviewer_of(request, reviewer)
        with bench.store() as store:
            v = store.decide_pair(plan_id, (ta.id, ta.text), (tb.id, tb.text), action, name)
        return answer(request, {"a": v.a_id, "b": v.b_id, "action": v.action, "reviewer": v.reviewer, "time": v.time},
                      f"/plan/{plan_id}/duplicates", name)

    @router.post("/reviewer")
    def reviewer(request: Request, name: str = Form(""), back: str = Form("/"),
                 csrf: str = Form("", alias=CSRF_FIELD)):
        check_csrf(request, request.app.state.guard, csrf, request.app.state.bench.lang)
        return answer(request, {"reviewer": reviewer_of(request, name)}, local(back), reviewer_of(request, name))

    @router.post("/upload")
    async def upload(request: Request, file: UploadFile = File(None), doc_id: str = Form(""),
                     commune: str = Form(""), csrf: str = Form("", alias=CSRF_FIELD)):
        from urllib.parse import urlencode

        from fastapi.concurrency import run_in_threadpool
        from fastapi.responses import RedirectResponse

        bench = request.app.state.bench
        check_csrf(request, request.app.state.guard, csrf, bench.lang)
        ok, message = await run_in_threadpool(add_plan, bench, file, doc_id.strip(), commune.strip()[:MAX_NAME])
        return RedirectResponse("/?" + urlencode({"message": message, "ok": int(ok)}), status_code=303)

    return router


def button(act: str, action: str, clause_id: str) -> tuple[str, str]:
    """The review page's forms hold one block's buttons: `act` is the pressed one ("accept II.3",
    "reject II.3", "none", "choose" with the clause typed in `clause_id`); plain fields otherwise."""
    if not act:
        return action, clause_id
    pressed, _, clause = act.strip().partition(" ")
    return pressed, clause or clause_id


def add_plan(bench, file, doc_id: str, commune: str) -> tuple[bool, str]:
    """Copy the upload into a temp dir (size and suffix checked), then `PlanAlign.add_document`, which
    parses it before anything is written: (added, message for the reviewer)."""
    lang = bench.lang
    if file is None or not file.filename:
        return False, i18n.t("web.upload.missing", lang)
    name = Path(file.filename).name[:120]
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        return False, i18n.t("web.upload.bad_type", lang, name=name)
    folder = Path(tempfile.mkdtemp(prefix="plan-align-upload-"))
    try:
        from align.corpus_edit import slug

        target = folder / f"{slug(Path(name).stem) or 'plan'}{suffix}"
        if not _copy_limited(file.file, target):
            return False, i18n.t("web.upload.too_big", lang, name=name, mb=MAX_UPLOAD // 2**20)
        try:
            with bench.api() as pa:
                entry, document = pa.add_document(target, "commune-plan", doc_id=doc_id or None,
                                                  commune=commune or None)
        except PlanAlignError as exc:
            detail = str(exc).replace(str(target), name).replace(str(folder), "")
            return False, i18n.t("web.upload.bad_file", lang, name=name, detail=detail)
        bench.corpus_changed()
        return True, i18n.t("web.upload.done", lang, id=entry["id"], tasks=len(document.tasks))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _copy_limited(source, target: Path) -> bool:
    """Copy at most MAX_UPLOAD bytes; False (and nothing kept) when the upload is larger."""
    written = 0
    with open(target, "wb") as out:
        while chunk := source.read(1 << 20):
            written += len(chunk)
            if written > MAX_UPLOAD:
                return False
            out.write(chunk)
    return True


def answer(request, data: dict, back: str, reviewer: str):
    """JSON for the page's script, else a redirect back to the page; the reviewer's name kept in a cookie."""
    from fastapi.responses import JSONResponse, RedirectResponse

    wants_json = "application/json" in request.headers.get("accept", "")
    response = JSONResponse(data) if wants_json else RedirectResponse(back, status_code=303)
    from urllib.parse import quote

    response.set_cookie(REVIEWER_COOKIE, quote(reviewer), max_age=365 * 86400, samesite="strict")
    return response


def local(path: str) -> str:
    """A path on this server only (no scheme, no host, no '//'), else '/'."""
    return path if path.startswith("/") and not path.startswith("//") and "\\" not in path else "/"

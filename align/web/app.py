"""The workbench app: `create_app` puts the pages, the forms and the guard around one `PlanAlign`.

The web app is a thin layer over the library, like the CLI: the state is one PlanAlign
(built lazily, warmed before the server answers) and the review memory's file, which must
be the one that PlanAlign reads, so that the coverage pages show the decisions just made.
Tests build their own app with `create_app(pa, store_path, lang, token)`; `serve` runs it.
"""
from __future__ import annotations

import logging
from pathlib import Path

from align import i18n
from align.errors import PlanAlignError

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent


def review_file(pa) -> Path:
    """The review memory the PlanAlign reads: its data directory's, else the user's."""
    from align.paths import data_root
    from align.reviews import FILE

    return (Path(pa.data_dir) if pa.data_dir else data_root()) / FILE


def create_app(pa, store_path: str | Path | None = None, lang: str = i18n.DEFAULT, token: str | None = None,
               allowed_hosts: tuple[str, ...] | None = None, strict: bool = False):
    """The FastAPI app over `pa`. `token`: needed on every request when set. `allowed_hosts`: the Host
    names answered (default: loopback names without a token, any with one). `strict`: a name a template
    uses and the page does not give is an error (tests), not an empty string."""
    import jinja2
    from fastapi import FastAPI, Request
    from fastapi.staticfiles import StaticFiles
    from fastapi.templating import Jinja2Templates
    from starlette.exceptions import HTTPException

    from align.web import forms, views
    from align.web.security import Guard, install
    from align.web.workbench import NotFound, Workbench

    i18n.check_lang(lang)
    store = Path(store_path) if store_path is not None else review_file(pa)
    if store.resolve() != review_file(pa).resolve():
        raise PlanAlignError(f"{store}: not the review memory {pa!r} reads ({review_file(pa)})")
    app = FastAPI(title=i18n.t("web.title", lang), docs_url=None, redoc_url=None, openapi_url=None)
    app.state.bench = Workbench(pa, store, lang)
    app.state.guard = Guard(token, allowed_hosts)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined if strict else jinja2.Undefined)
    env.filters["num"] = number_filter(lang)
    app.state.templates = Jinja2Templates(env=env)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(views.routes())
    app.include_router(forms.routes())

    def problem(request: Request, status: int, message: str):
        if "application/json" in request.headers.get("accept", ""):
            from fastapi.responses import JSONResponse
            return JSONResponse({"error": message}, status_code=status)
        return views.render(request, "message.html", status=status, message=message)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound):
        return problem(request, 404, i18n.t("web.error.not_found", lang, what=str(exc)[:200]))

    @app.exception_handler(PlanAlignError)
    async def bad_request(request: Request, exc: PlanAlignError):
        return problem(request, 400, i18n.t("web.error.bad_request", lang, detail=str(exc)[:300]))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        detail = exc.detail if isinstance(exc.detail, str) and exc.status_code != 404 else \
            i18n.t("web.error.not_found", lang, what=request.url.path[:200])
        return problem(request, exc.status_code, detail)

    from fastapi.exceptions import RequestValidationError

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        fields = ", ".join(str(e.get("loc", ["?"])[-1]) for e in exc.errors())
        return problem(request, 400, i18n.t("web.error.bad_request", lang, detail=fields[:200]))

    install(app, app.state.guard, lang)
    return app


def number_filter(lang: str):
    """The templates' one way to show a number (`{{ score|num }}`, `{{ share|num('.0%') }}`): 0,14 in
    Vietnamese, 0.14 in English (align.i18n.number); nothing for a missing one."""
    def num(value, spec: str = ".2f") -> str:
        return "" if value is None else i18n.number(value, lang, spec)

    return num


def warm(pa) -> None:
    """Build what the pages need first (corpus, index, fitted models, every plan's coverage of each
    reference) before the server answers, so the first reviewer does not wait for it."""
    log.info("loading the corpus, the index and the models")
    for entry in pa.corpus.entries:
        if entry.kind == "reference":
            pa.matrix(entry.id)


def serve(pa, host: str = "127.0.0.1", port: int = 8765, token: str | None = None, lang: str = i18n.DEFAULT,
          announce=None) -> None:
    """Warm the PlanAlign, tell `announce` (one line at a time) the warnings and where the workbench
    is, and run it until interrupted."""
    import uvicorn

    from align.web.security import bind_token

    token, warnings = bind_token(host, token)
    app = create_app(pa, lang=lang, token=token)
    warm(pa)
    shown = f"[{host}]" if ":" in host else host
    for line in [*warnings, f"plan-align workbench: http://{shown}:{port}/" + (f"?token={token}" if token else "")]:
        (announce or log.warning)(line)
    uvicorn.run(app, host=host, port=port, log_level="warning")

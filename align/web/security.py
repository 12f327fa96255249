"""What keeps the workbench a local tool: where it binds, who may talk to it, which requests change state.

- Loopback by default; any other address serves only with an access token (given, or made up
  and printed), checked on every request (header, cookie, or `?token=` once, then a cookie).
- Without a token, only loopback host names are answered, so a web page elsewhere cannot
  reach the server through a DNS name that points at 127.0.0.1 (DNS rebinding).
- Every POST carries a CSRF field: a random nonce also set as a SameSite=Strict cookie, signed
  with a secret made at start-up (double submit, signed): another site can neither read nor forge it.
- Security headers on every answer: scripts, styles and images from the app itself only, no framing.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import secrets

from align import i18n
from align.errors import PlanAlignError

log = logging.getLogger(__name__)

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
TOKEN_COOKIE, CSRF_COOKIE, CSRF_FIELD = "pa_token", "pa_csrf", "csrf"
MAX_UPLOAD = 20 * 1024 * 1024                   # bytes of one uploaded plan
UPLOAD_SUFFIXES = (".docx", ".pdf", ".txt")
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def is_loopback(host: str) -> bool:
    """Is `host` (a name or an address) this machine only?"""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bind_token(host: str, token: str | None) -> tuple[str | None, list[str]]:
    """The token the server needs on `host`, and the warnings to print: loopback needs none (unless
    given); any other address never serves without one, so one is made up when none was given."""
    if token is not None and len(token) < 8:
        raise PlanAlignError("--token: use at least 8 characters")
    if is_loopback(host):
        return token, []
    warnings = [f"Warning: serving on {host}, reachable from other machines; every request needs the access "
                "token. Review data travels unencrypted (plain HTTP): use it on a trusted network only."]
    if token is None:
        token = secrets.token_urlsafe(24)
        warnings.append(f"Access token (made up for this run): {token}")
    return token, warnings


class Guard:
    """The per-process secret and the checks that use it."""

    def __init__(self, token: str | None, allowed_hosts: tuple[str, ...] | None = None) -> None:
        self.token = token
        self.secret = secrets.token_bytes(32)
        self.allowed_hosts = allowed_hosts if allowed_hosts is not None else (None if token else LOOPBACK_NAMES)

    # -- access --------------------------------------------------------------------------------
    def host_allowed(self, host_header: str) -> bool:
        if self.allowed_hosts is None:
            return True
        name = host_header.rsplit(":", 1)[0] if not host_header.startswith("[") else host_header.split("]")[0] + "]"
        return name.strip("[]") in self.allowed_hosts

    def tokens_given(self, request) -> list[str]:
        """The tokens the request carries: bearer header, cookie, query string."""
        auth = request.headers.get("authorization", "")
        given = [auth[7:].strip()] if auth.lower().startswith("bearer ") else []
        return given + [v for v in (request.cookies.get(TOKEN_COOKIE), request.query_params.get("token")) if v]

    def token_ok(self, request) -> bool:
        if self.token is None:
            return True
        return any(hmac.compare_digest(v.encode(), self.token.encode()) for v in self.tokens_given(request))

    # -- CSRF ----------------------------------------------------------------------------------
    def sign(self, nonce: str) -> str:
        mac = hmac.new(self.secret, nonce.encode(), hashlib.sha256).hexdigest()[:32]
        return f"{nonce}.{mac}"

    def csrf_ok(self, request, field: str | None) -> bool:
        """The form's field is this process's signature of the nonce in the request's cookie."""
        nonce = request.cookies.get(CSRF_COOKIE)
        if not field or not nonce:
            return False
        return hmac.compare_digest(field.encode(), self.sign(nonce).encode())


def install(app, guard: Guard, lang: str) -> None:
    """The middleware that answers for the guard on every request."""
    from starlette.responses import PlainTextResponse, RedirectResponse

    @app.middleware("http")
    async def guarded(request, call_next):
        if not guard.host_allowed(request.headers.get("host", "")):
            return _secured(PlainTextResponse(i18n.t("web.error.host", lang), status_code=421))
        if not guard.token_ok(request):
            return _secured(PlainTextResponse(i18n.t("web.error.token", lang), status_code=401))
        if int(request.headers.get("content-length") or 0) > MAX_UPLOAD + 64 * 1024:
            return _secured(PlainTextResponse(i18n.t("web.error.too_big", lang), status_code=413))
        nonce = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(18)
        request.state.csrf = guard.sign(nonce)
        if guard.token and request.query_params.get("token") and request.method == "GET":
            response = RedirectResponse(request.url.path, status_code=303)     # the token leaves the URL
        else:
            response = await call_next(request)
        if guard.token:
            response.set_cookie(TOKEN_COOKIE, guard.token, httponly=True, samesite="strict")
        if request.cookies.get(CSRF_COOKIE) != nonce:
            response.set_cookie(CSRF_COOKIE, nonce, httponly=True, samesite="strict")
        return _secured(response)


def _secured(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def check_csrf(request, guard: Guard, field: str | None, lang: str) -> None:
    """Raise 403 unless the POST's CSRF field is good."""
    from fastapi import HTTPException

    if not guard.csrf_ok(request, field):
        raise HTTPException(status_code=403, detail=i18n.t("web.error.csrf", lang))

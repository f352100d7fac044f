"""The security headers every response carries, errors and 404s included.

The pages run no script at all, load only their own style sheet, cannot be framed and send
no referrer (a page address is a secret of sorts: it must not leak to another site through a
Referer). No response ever sets a cookie. Search engines are asked not to index a page: its
address is the only thing keeping it unlisted.
"""

from __future__ import annotations

from aiohttp import web

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "X-Robots-Tag": "noindex, nofollow",
}


async def add_security_headers(request: web.BaseRequest, response: web.StreamResponse) -> None:
    """aiohttp's on_response_prepare signal: runs for every response, the router's 404s too."""
    response.headers.update(HEADERS)
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers.popall("Set-Cookie", None)
    response.cookies.clear()

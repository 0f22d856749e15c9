"""Security headers on every response. Scripts only from this origin (no 'unsafe-inline': the
app has no inline scripts or handlers); styles may be inline because Plotly injects them. Pages
under /embed/ may be framed by any site; everything else by none. HSTS only over HTTPS, which
behind a proxy is known from X-Forwarded-Proto when the proxy is trusted (TRUSTED_PROXIES)."""

from starlette.types import Message, Receive, Scope, Send

from app.web.base import HttpMiddleware

EMBED_PREFIX = "/embed/"

CSP_BASE = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; "
)

Header = tuple[bytes, bytes]


def _headers(frame_ancestors: str, *, deny_framing: bool) -> list[Header]:
    headers = [
        (b"content-security-policy", f"{CSP_BASE}frame-ancestors {frame_ancestors}".encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
        (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
        (b"cross-origin-opener-policy", b"same-origin"),
    ]
    if deny_framing:
        headers.append((b"x-frame-options", b"DENY"))
    return headers


PAGE_HEADERS = _headers("'none'", deny_framing=True)
EMBED_HEADERS = _headers("*", deny_framing=False)
HSTS: Header = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


def security_headers(path: str, scheme: str) -> list[Header]:
    headers = EMBED_HEADERS if path.startswith(EMBED_PREFIX) else PAGE_HEADERS
    return [*headers, HSTS] if scheme == "https" else headers


class SecurityHeadersMiddleware(HttpMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        extra = security_headers(scope["path"], scope.get("scheme", "http"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                added = [(name, value) for name, value in extra if name not in present]
                message["headers"] = [*message.get("headers", []), *added]
            await send(message)

        await self.app(scope, receive, send_with_headers)

"""HEAD is answered like GET without a body (uptime monitors and `curl -I` use it; FastAPI's
routes declare GET only)."""

from starlette.types import Message, Receive, Scope, Send

from app.web.base import HttpMiddleware


class HeadAsGetMiddleware(HttpMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        body_sent = False

        async def send_headers_only(message: Message) -> None:
            nonlocal body_sent
            if message["type"] == "http.response.body":
                if body_sent:
                    return
                body_sent = True
                message = {**message, "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)

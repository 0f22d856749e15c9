"""The client's address and scheme behind a trusted proxy (X-Forwarded-For / -Proto).

Only a request whose peer is a trusted proxy (TRUSTED_PROXIES) has its headers read. The client
is then the rightmost X-Forwarded-For entry that is not a trusted proxy: each proxy appends the
address it saw, so entries left of it are whatever the client chose to send and are never
believed. When every entry is trusted, the rightmost one (the address the nearest proxy saw) is
the client, not the leftmost, which a client can write. The proxy's duty: append the address it
received the request from (nginx: `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for`,
or `$remote_addr` to drop what the client sent) and set X-Forwarded-Proto.
"""

import ipaddress
from functools import lru_cache

from starlette.types import ASGIApp, Receive, Scope, Send

from app.web.base import HttpMiddleware

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _networks(trusted: str) -> tuple[tuple[Network, ...], bool]:
    entries = [item.strip() for item in trusted.split(",") if item.strip()]
    networks = tuple(ipaddress.ip_network(item, strict=False) for item in entries if item != "*")
    return networks, "*" in entries


class ForwardedMiddleware(HttpMiddleware):
    def __init__(self, app: ASGIApp, *, trusted: str) -> None:
        super().__init__(app)
        self.networks, self.trust_all = _networks(trusted)
        self.is_trusted = lru_cache(maxsize=4096)(self._is_trusted)

    def _is_trusted(self, host: str) -> bool:
        try:
            address = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            return False
        return self.trust_all or any(address in network for network in self.networks)

    def client_host(self, peer: str, forwarded_for: str) -> str:
        """The rightmost untrusted entry; the rightmost entry when all are trusted."""
        hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
        for hop in reversed(hops):
            if not self.is_trusted(hop):
                return hop[:100]
        return hops[-1][:100] if hops else peer

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        peer = scope.get("client")
        if peer and self.is_trusted(peer[0]):
            raw = scope["headers"]
            forwarded = ", ".join(v.decode("latin-1") for k, v in raw if k == b"x-forwarded-for")
            if forwarded.strip():
                scope["client"] = (self.client_host(peer[0], forwarded), 0)
            proto = next((v for k, v in raw if k == b"x-forwarded-proto"), b"").strip().lower()
            if proto in (b"http", b"https"):
                scope["scheme"] = proto.decode()
        await self.app(scope, receive, send)

"""Debian's nginx started from a folder of its own (`nginx -p DIR -c DIR/nginx.conf`), for the
front's deploy test (deploy/nginx.conf in front of the app's workers) and bench/pages.py (nginx
serving the same bytes as static files). Runs as root; the workers (user nobody) need to read
and write below DIR, so DIR is made world-readable."""

import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from app.config import PROJECT_ROOT
from tests.support.server import free_port

FRONT_CONFIG = PROJECT_ROOT / "deploy" / "nginx.conf"


def nginx_binary() -> str:
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
    if found is None:
        raise RuntimeError("nginx is missing: `apt-get install -y nginx-light` "
                           "(make test installs it: tests/system_deps.sh)")
    return found


@dataclass(frozen=True)
class Nginx:
    url: str
    prefix: Path


def front_config(*, port: int, upstream: str, static_dir: Path) -> str:
    """deploy/nginx.conf with only its port, the app's address and the static folder changed."""
    text = FRONT_CONFIG.read_text()
    for old, new in (("listen 8080;", f"listen 127.0.0.1:{port};"),
                     ("server app:8000;", f"server {upstream};"),
                     ("/srv/static/", f"{static_dir}/")):
        if old not in text:
            raise RuntimeError(f"deploy/nginx.conf no longer says {old!r}")
        text = text.replace(old, new)
    return text


def _wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() not in (None, 0):
            raise RuntimeError(f"nginx exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2):  # noqa: S310
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nginx at {url} did not answer within {timeout}s")


@contextmanager
def running_nginx(config: str, *, port: int) -> Iterator[Nginx]:
    """nginx with `config` (which listens on `port`), stopped by its pid file afterwards."""
    prefix = Path(tempfile.mkdtemp(prefix="ct-nginx-"))
    prefix.chmod(0o755)
    (prefix / "temp").mkdir(mode=0o755)
    (prefix / "logs").mkdir(mode=0o755)
    (prefix / "nginx.conf").write_text(config)
    command = [nginx_binary(), "-p", f"{prefix}/", "-c", str(prefix / "nginx.conf"), "-e", "stderr"]
    with (prefix / "stderr.log").open("wb") as errors:
        process = subprocess.Popen(command, stderr=errors)  # noqa: S603 (daemonises)
        try:
            _wait_until_up(f"http://127.0.0.1:{port}", process)
            yield Nginx(url=f"http://127.0.0.1:{port}", prefix=prefix)
        finally:
            _stop(prefix, process)


def _stop(prefix: Path, process: subprocess.Popen[bytes]) -> None:
    pid_file = prefix / "nginx.pid"
    if pid_file.exists():
        subprocess.run([nginx_binary(), "-p", f"{prefix}/", "-c", str(prefix / "nginx.conf"),  # noqa: S603
                        "-e", "stderr", "-s", "quit"], check=False, capture_output=True)
        deadline = time.monotonic() + 10
        while pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    process.wait(timeout=10)
    shutil.rmtree(prefix, ignore_errors=True)


def start_front(*, upstream: str) -> tuple[str, int]:
    """The front's config for a free port in front of `upstream` (host:port), and the port."""
    port = free_port()
    return front_config(port=port, upstream=upstream, static_dir=PROJECT_ROOT / "static"), port

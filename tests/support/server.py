"""Start the app as `make run` serves it: uvicorn in a subprocess on a free loopback port."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from app.config import PROJECT_ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()  # reaped: a running Popen left behind warns in a later test


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/api/sources", timeout=2):  # noqa: S310
                return
        except urllib.error.HTTPError:
            return  # it answers (503 until a test seeds the database)
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server at {url} did not answer within {timeout}s")


def start_server(*, env: dict[str, str], args: list[str] | None = None) -> LiveServer:
    port = free_port()
    command = args or [sys.executable, "-m", "app", "serve"]
    process = subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        env={**os.environ, **env, "HOST": "127.0.0.1", "PORT": str(port)},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process)
    except Exception:
        process.kill()
        raise
    return LiveServer(url=url, process=process)

"""Benchmark of the public pages, started by hand (`make bench`), not part of `make test`.

Starts the app as `make run` does (migrate, seed, serve with one worker) on a free port with a
temporary DATA_DIR (share cards are not pre-drawn: their drawing would take the CPU the
measurements share), then prints, in one run:

- page weights (issue 14): the compressed bytes Chromium receives for a first visit (empty
  cache) to `/` and to a country page, the page and every asset it loads, as served, each
  beside its budget (500 KB and 150 KB);
- throughput side by side (issue 15, points 5 and 6): nginx serving the same bytes as static
  files (the app's gzip answers, `gzip_static`) is the reference; the app alone on one worker
  must reach 10% of it for `/`, `/countries/fr` and `/api/countries`, and `/` through the
  production front (deploy/nginx.conf in front of the same worker) 60%. Measured in turns, so
  the machine's changing load falls on both sides alike;
- absolute figures (wrk at 1, 50 and 200 connections: requests/s, p50/p99, failed requests)
  beside the targets they once had. They depend on the machine and on what else runs on it, so
  they are shown for information and do not decide the outcome.

Every budget is marked PASS or FAIL; exits 1 if a page weight or a throughput share fails.
"""

import gzip
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.nginx import running_nginx, start_front  # noqa: E402
from tests.support.server import LiveServer, free_port, wait_until_up  # noqa: E402
from tests.support.weights import (  # noqa: E402
    COUNTRY_PAGE_BUDGET,
    DASHBOARD_BUDGET,
    Visit,
    first_visit,
)

PATHS = ["/", "/countries/fr", "/api/countries"]
FAST_PAGES = ["/", "/countries/fr"]
APP_SHARE_BUDGET = 0.10  # the app alone, per path, against nginx serving the same bytes
FRONT_SHARE_BUDGET = 0.60  # `/` through the front, against the same static ceiling
STATIC_NAMES = {"/": "index.html", "/countries/fr": "fr.html", "/api/countries": "countries.json"}
# Page -> (selector to wait for, first-visit budget in bytes): issue 14's page weights.
WEIGHED = {"/": ("#map .choroplethlocation", DASHBOARD_BUDGET),
           "/countries/fr": ("#locator svg", COUNTRY_PAGE_BUDGET)}
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
BROWSER_HEADERS = ["-H", "Accept-Encoding: gzip, deflate, br",
                   "-H", "Accept: text/html,application/json;q=0.9,*/*;q=0.8"]


@dataclass
class Run:
    path: str
    connections: int
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    failed: int


def _milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text.strip()).groups()  # type: ignore[union-attr]
    return float(number) * UNITS[unit]


def _failed(output: str) -> int:
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                        output)
    return (int(non_2xx.group(1)) if non_2xx else 0) + (
        sum(int(n) for n in sockets.groups()) if sockets else 0)


def wrk(url: str, path: str, *, connections: int, seconds: int) -> Run:
    threads = min(2, connections)
    output = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
         *BROWSER_HEADERS, url + path],
        check=True, capture_output=True, text=True,
    ).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s*50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s*99%\s+(\S+)", output, re.MULTILINE)
    if not (rate and p50 and p99):
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    return Run(path, connections, float(rate.group(1)), _milliseconds(p50.group(1)),
               _milliseconds(p99.group(1)), _failed(output))


def first_visit_bytes(url: str) -> dict[str, Visit]:
    """What Chromium receives for a first visit (empty cache) to each page in WEIGHED: compressed
    bodies plus headers, the page and every subresource, as served."""
    from playwright.sync_api import sync_playwright

    visits: dict[str, Visit] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update",
                  "--no-first-run", "--disable-sync"])
        for path, (ready, _budget) in WEIGHED.items():
            context = browser.new_context()
            visits[path] = first_visit(context.new_page(), url + path, ready=ready)
            context.close()
        browser.close()
    return visits


def start_app() -> LiveServer:
    """Like `make run`: migrate, seed, then serve with one worker (whatever WORKERS or a .env
    file says), in a fresh DATA_DIR."""
    port = free_port()
    env = {**os.environ, "DATA_DIR": tempfile.mkdtemp(prefix="ct-bench-"), "DATABASE_URL": "",
           "HOST": "127.0.0.1", "PORT": str(port), "WORKERS": "1",  # the budgets are per worker
           "PRERENDER_CARDS": "false"}  # no card drawing competing with the measurements
    for command in ("migrate", "seed"):
        subprocess.run([sys.executable, "-m", "app", command], cwd=ROOT, check=True, env=env,
                       stdout=subprocess.DEVNULL)
    # The access log goes where `make run` would print it; here nobody reads it.
    process = subprocess.Popen([sys.executable, "-m", "app", "serve"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    wait_until_up(url, process)
    return LiveServer(url=url, process=process)


def static_copy(url: str) -> Path:
    """The app's answers for PATHS as files (and their gzip as .gz) for nginx to serve."""
    folder = Path(tempfile.mkdtemp(prefix="ct-bench-static-"))
    folder.chmod(0o755)
    for path, name in STATIC_NAMES.items():
        with urllib.request.urlopen(url + path) as answer:  # noqa: S310 (loopback)
            body = answer.read()
        (folder / name).write_bytes(body)
        (folder / (name + ".gz")).write_bytes(gzip.compress(body, compresslevel=6, mtime=0))
        (folder / name).chmod(0o644)
        (folder / (name + ".gz")).chmod(0o644)
    return folder


def static_config(folder: Path, port: int) -> str:
    return f"""worker_processes auto;
pid nginx.pid;
error_log stderr warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    sendfile on;
    client_body_temp_path temp/body;
    proxy_temp_path temp/proxy;
    fastcgi_temp_path temp/fastcgi;
    uwsgi_temp_path temp/uwsgi;
    scgi_temp_path temp/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {folder};
        gzip_static on;
    }}
}}
"""


@dataclass
class Side:
    """One path measured three ways in the same run (requests/s at 50 connections)."""

    path: str
    app: float
    static: float
    front: float | None = None
    front_static: float = 0.0  # the static ceiling measured in turns with the front


def alternating(first: tuple[str, str], second: tuple[str, str], rounds: int = 3
                ) -> tuple[float, float]:
    """Mean requests/s of two (url, path) targets measured in turns, 5 s each, so that the
    machine's changing load falls on both alike."""
    totals = [0.0, 0.0]
    for _ in range(rounds):
        for index, (base, path) in enumerate((first, second)):
            totals[index] += wrk(base, path, connections=50, seconds=5).requests_per_s
    return totals[0] / rounds, totals[1] / rounds


def side_by_side(url: str) -> list[Side]:
    """The app alone, nginx serving its bytes as files, and `/` through the front."""
    folder = static_copy(url)
    static_port = free_port()
    config, front_port = start_front(upstream=url.removeprefix("http://"))
    sides = []
    with running_nginx(static_config(folder, static_port), port=static_port) as nginx, \
            running_nginx(config, port=front_port) as front:
        for path, name in STATIC_NAMES.items():
            static, app = alternating((nginx.url, "/" + name), (url, path))
            sides.append(Side(path, app, static))
        wrk(front.url, "/", connections=10, seconds=2)
        static, sides[0].front = alternating((nginx.url, "/index.html"), (front.url, "/"))
        sides[0].front_static = static
    return sides


Check = tuple[str, bool]


def share_checks(sides: list[Side]) -> list[Check]:
    """Each share of nginx's static figure beside its budget."""
    print(f"\nThroughput side by side in this run (requests/s at 50 connections, in turns)\n"
          f"{'':<5}{'path':<30}{'app':>6}{'nginx static':>14}{'share':>8}{'budget':>9}")
    checks = []
    for side in sides:
        checks.append(_share_line(side.path + " (app alone)", side.app, side.static,
                                  APP_SHARE_BUDGET))
    root = sides[0]
    checks.append(_share_line("/ (through the nginx front)", root.front or 0.0,
                              root.front_static, FRONT_SHARE_BUDGET))
    return checks


def _share_line(label: str, measured: float, static: float, budget: float) -> Check:
    share = measured / static if static else 0.0
    ok = share >= budget
    print(f"{verdict(ok):<5}{label:<30}{measured:>6.0f}{static:>14.0f}{share:>8.1%}"
          f"{'>= ' + format(budget, '.0%'):>9}")
    return f"{label}: {share:.1%} of nginx static, budget {budget:.0%}", ok


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def weight_checks(visits: dict[str, Visit]) -> list[Check]:
    """Each first visit's weight beside its budget."""
    print(f"\nPage weights: first visit, empty cache, compressed bytes as Chromium receives "
          f"them\n{'':<5}{'page':<30}{'weight':>6}{'budget':>14}")
    checks = []
    for path, visit in visits.items():
        budget = WEIGHED[path][1]
        ok = visit.total < budget
        print(f"{verdict(ok):<5}{path:<30}{visit.total / 1000:>3.0f} KB{budget / 1000:>11.0f}"
              f" KB  ({len(visit.responses)} responses)")
        checks.append((f"first visit to {path}: {visit.total / 1000:.0f} KB, budget "
                       f"{budget / 1000:.0f} KB", ok))
    return checks


def absolute_figures(runs: list[Run]) -> None:
    """The absolute wrk figures beside their old targets: information, not budgets (they
    depend on the machine and its load)."""
    by = {(r.path, r.connections): r for r in runs}
    lines = []
    for path in FAST_PAGES:
        busy = by[(path, 50)]
        lines.append((f"{path}: {busy.requests_per_s:.0f} requests/s at 50 connections "
                      "(target 2000)", busy.requests_per_s >= 2000))
        lines.append((f"{path}: p99 {busy.p99_ms:.2f} ms at 50 connections (target 25 ms)",
                      busy.p99_ms < 25))
    for path in PATHS:
        quiet, crowded = by[(path, 1)], by[(path, 200)]
        lines.append((f"{path}: p50 {quiet.p50_ms:.2f} ms at 1 connection (target 3 ms)",
                      quiet.p50_ms < 3))
        lines.append((f"{path}: {crowded.failed} failed requests at 200 connections "
                      f"({crowded.requests_per_s:.0f} requests/s; target 0 failed)",
                      crowded.failed == 0 and crowded.requests_per_s > 0))
    print("\nAbsolute figures on this machine (information only: they follow its load)")
    for label, met in lines:
        print(f"{'met ' if met else 'MISS'} {label}")


def measure(url: str) -> list[Run]:
    runs = []
    for path in PATHS:
        wrk(url, path, connections=10, seconds=2)  # warm up: fill the page cache
        for connections, seconds in ((1, 3), (50, 6), (200, 3)):  # information only
            runs.append(wrk(url, path, connections=connections, seconds=seconds))
    return runs


def report(runs: list[Run], visits: dict[str, Visit], sides: list[Side]) -> bool:
    print(f"{'path':<16}{'conns':>6}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'failed':>8}")
    for r in runs:
        print(f"{r.path:<16}{r.connections:>6}{r.requests_per_s:>10.0f}{r.p50_ms:>9.2f}"
              f"{r.p99_ms:>9.2f}{r.failed:>8}")
    for path, visit in visits.items():
        print(f"\nfirst visit to {path}: {visit.total} bytes in {len(visit.responses)} responses "
              f"(budget {WEIGHED[path][1]})")
        for asset_url, size in visit.responses:
            print(f"  {size:>9}  {asset_url}")
    absolute_figures(runs)
    checks = weight_checks(visits) + share_checks(sides)
    failed = [label for label, ok in checks if not ok]
    print(f"\n{len(checks) - len(failed)} of {len(checks)} budgets met"
          + "".join(f"\nFAIL  {label}" for label in failed))
    return not failed


def require_tools() -> None:
    """wrk, nginx and Chromium come from Debian (`make bench` installs what is missing)."""
    missing = [name for name, found in (("wrk", shutil.which("wrk")),
                                        ("nginx", shutil.which("nginx", path="/usr/sbin:/usr/bin")),
                                        ("chromium", shutil.which(CHROMIUM)))
               if found is None]
    if missing:
        sys.exit(f"bench/pages.py needs {', '.join(missing)}: run `make system-deps` "
                 "(tests/system_deps.sh) first")


def main() -> int:
    require_tools()
    server = start_app()
    try:
        visits = first_visit_bytes(server.url)
        runs = measure(server.url)
        sides = side_by_side(server.url)
    finally:
        server.stop()
    return 0 if report(runs, visits, sides) else 1


if __name__ == "__main__":
    sys.exit(main())

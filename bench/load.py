"""Load figures for issue 9, started by hand (`make bench-load`), not part of `make test`.

Starts the app as `make run` does (migrate, seed, serve with one worker) on a free port with a
temporary DATA_DIR, on SQLite, or on PostgreSQL when DATABASE_URL is set (for both, run it twice
or through tests/with_postgres.sh). Then:

- readers: 4x the worker threads (160) read the hot pages for --seconds (20) while a separate
  process asks /healthz every 50 ms;
- writers: 10 curators each save --saves (10) new sources, all starting at the same moment; each
  acknowledged save (303) is looked up in the latest revision as soon as its 303 arrives, and
  afterwards every revision is checked to hold everything its predecessor had.

Prints requests, errors, p50/p99 latency and the /healthz worst latency for each phase, and
acknowledged vs published writes. Budgets: no reader error, /healthz worst under 100 ms, no
writer 500, every acknowledged save published; exits 1 if any fails.
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.db import THREADS  # noqa: E402
from tests.support.load import (  # noqa: E402
    Figures,
    Probe,
    finish_probe,
    published,
    read_load,
    run,
    start_probe,
    write_load,
)
from tests.support.server import LiveServer, start_server  # noqa: E402

PASSWORD = "a long bench password nobody uses"
WRITERS = 10
HEALTHZ_BUDGET_MS = 100.0


def _app(args: list[str], env: dict[str, str], stdin: str = "") -> None:
    subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, env=env, input=stdin,
                   text=True, check=True, capture_output=True)


def start_app(data_dir: str) -> LiveServer:
    env = {**os.environ, "DATA_DIR": data_dir, "PRERENDER_CARDS": "false",
           "RATE_LIMIT_WRITES_PER_MINUTE": "1000000", "RATE_LIMIT_LOGINS_PER_MINUTE": "1000000",
           "LOG_LEVEL": "WARNING"}
    _app(["migrate"], env)
    _app(["seed"], env)
    for number in range(WRITERS):
        _app(["create-admin", f"bench{number}"], env, PASSWORD + "\n")
    return start_server(env=env)


def line(name: str, figures: Figures, probe: Probe, ok: frozenset[int]) -> str:
    return (f"{name:8} requests {figures.requests:7d}  errors {figures.errors(ok=ok):5d}  "
            f"p50 {figures.percentile_ms(0.50):8.1f} ms  p99 {figures.percentile_ms(0.99):8.1f} ms"
            f"  /healthz worst {probe.worst_ms:7.1f} ms ({probe.count} probes, "
            f"{probe.failures} failed)  statuses {dict(figures.statuses)}")


def readers_phase(url: str, seconds: float) -> tuple[Figures, Probe]:
    prober = start_probe(url, seconds)
    figures = run(read_load(url, readers=4 * THREADS, seconds=seconds))
    return figures, finish_probe(prober)


def writers_phase(url: str, saves: int) -> tuple[Figures, Probe, list[str], int]:
    prober = start_probe(url, 600)
    accounts = [f"bench{number}" for number in range(WRITERS)]
    log = run(write_load(url, accounts=accounts, password=PASSWORD, saves=saves))
    probe = finish_probe(prober)
    result = run(published(url, since_revision=1))
    missing = [title for title in log.acknowledged if title not in result.latest]
    print(f"writers  acknowledged {len(log.acknowledged)}  published "
          f"{len(log.acknowledged) - len(missing)}  missing right after their 303 "
          f"{len(log.missing_at_ack)}  revisions losing rows "
          f"{len(result.lost_between_revisions)}  503 with input kept {log.refused_kept_input}")
    return log.figures, probe, missing + log.missing_at_ack, len(result.lost_between_revisions)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--saves", type=int, default=10)
    args = parser.parse_args()
    engine = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    with tempfile.TemporaryDirectory(prefix="ct-load-") as data_dir:
        server = start_app(data_dir)
        try:
            print(f"{engine}, one worker, {THREADS} threads: {4 * THREADS} readers for "
                  f"{args.seconds:.0f} s, then {WRITERS} writers x {args.saves} saves")
            readers, read_probe = readers_phase(server.url, args.seconds)
            print(line("readers", readers, read_probe, frozenset({200})))
            writers, write_probe, missing, lost = writers_phase(server.url, args.saves)
            print(line("writers", writers, write_probe, frozenset({303})))
        finally:
            server.stop()
    checks = [
        ("no reader error", readers.errors() == 0 and read_probe.failures == 0),
        (f"/healthz worst under {HEALTHZ_BUDGET_MS:.0f} ms while reading",
         read_probe.worst_ms < HEALTHZ_BUDGET_MS),
        (f"/healthz worst under {HEALTHZ_BUDGET_MS:.0f} ms while writing",
         write_probe.worst_ms < HEALTHZ_BUDGET_MS),
        ("no writer 500 or failed request",
         500 not in writers.statuses and not writers.failures),
        ("every acknowledged save published, no revision losing rows", not missing and not lost),
    ]
    for name, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())

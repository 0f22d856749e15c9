"""`make audit`: pip-audit over the installed dependencies. Fails on any known vulnerability or
if pip-audit itself fails; dependencies the vulnerability service could not look up (this
machine's package index mirrors versions PyPI's JSON API does not describe, and OSV is not
reachable) are listed and counted loudly, not silently passed."""

import json
import subprocess  # nosec B404
import sys
import tempfile
from pathlib import Path
from typing import Any


def run_pip_audit(report: Path) -> int:
    command = [sys.executable, "-m", "pip_audit", "--skip-editable", "--progress-spinner", "off",
               "--format", "json", "--output", str(report)]
    return subprocess.run(command, check=False).returncode  # nosec B603


def summarise(dependencies: list[dict[str, Any]]) -> tuple[list[str], list[str], int]:
    vulnerable = [f"{d['name']} {d['version']}: {v['id']} (fix: {', '.join(v['fix_versions'])})"
                  for d in dependencies for v in d.get("vulns", [])]
    skipped = [d["name"] for d in dependencies if "skip_reason" in d]
    return vulnerable, skipped, len(dependencies) - len(skipped)


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "pip-audit.json"
        code = run_pip_audit(report)
        if not report.exists():
            print(f"pip-audit failed (exit {code}) without a report")
            return 1
        dependencies = json.loads(report.read_text())["dependencies"]
    vulnerable, skipped, audited = summarise(dependencies)
    for line in vulnerable:
        print(f"VULNERABLE {line}")
    print(f"pip-audit: {audited} dependencies audited, {len(vulnerable)} known vulnerabilities")
    if skipped:
        print(f"WARNING: {len(skipped)} dependencies COULD NOT BE AUDITED (the vulnerability "
              f"service has no record of these versions): {', '.join(skipped)}")
    return 1 if vulnerable or code not in (0, 1) else 0


if __name__ == "__main__":
    sys.exit(main())

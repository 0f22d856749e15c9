"""Write the brotli twins (`X.br`) of the largest static files, served instead of gzip to
browsers that accept brotli (app/web/static.py): plotly.js and the dashboard's outlines are most
of a first visit to `/`, and brotli at its best setting makes them about a fifth smaller than
gzip -9. Too slow to do per request (seconds for plotly.js), so it is a build step: re-run it
after changing one of these files; tests/test_static.py fails while a twin is stale.

    python tools/precompress.py
"""

import sys
from pathlib import Path

import brotli

ROOT = Path(__file__).resolve().parent.parent
PRECOMPRESSED = [
    ROOT / "static" / "vendor" / "plotly-geo.min.js",
    ROOT / "static" / "topojson" / "europe" / "world_50m.json",
    ROOT / "static" / "topojson" / "world_50m.json",
]


def twin(path: Path) -> Path:
    return path.with_name(path.name + ".br")


def main() -> None:
    for path in PRECOMPRESSED:
        twin(path).write_bytes(brotli.compress(path.read_bytes(), quality=11))
        print(f"wrote {twin(path)}", file=sys.stderr)


if __name__ == "__main__":
    main()

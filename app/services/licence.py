"""The terms the data is published under, how to cite it, and its schema.org description: one
place for /data, the page footer, the zip's README and the JSON download (issue 14)."""

import json
from dataclasses import dataclass
from datetime import date

from app.services.records import Dataset

PUBLISHER = "Coalition Tracker"
DATASET_DESCRIPTION = (
    "Where countries stand on the Coalition of the Willing security guarantees for Ukraine: "
    "dated commitments (troops, logistics, political only, opposed) backed by verbatim quotes "
    "from named sources, with every published revision kept.")
LICENCE_NAME = "CC BY 4.0"
LICENCE_TITLE = "Creative Commons Attribution 4.0 International"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
LICENCE_NOTE = (
    f"The data (countries, positions, dates, conditions, summaries, codes and the codebook) is "
    f"published by {PUBLISHER} under {LICENCE_TITLE} ({LICENCE_NAME}, {LICENCE_URL}): reuse it "
    "for any purpose, crediting Coalition Tracker. The quotes are not ours: each is a short "
    "extract of its publisher's text, reproduced with attribution for reference; the licence "
    "does not cover them, and reusing a quote is subject to its publisher's terms.")
# The codebook's version and what changed in each (the newest first).
CODEBOOK_VERSION = "1.2"
CODEBOOK_CHANGES: tuple[tuple[str, str], ...] = (
    ("1.2", "commitments.recorded_at: when each commitment was first recorded, so the "
            "same-date rule (the one recorded last decides) can be reproduced."),
    ("1.1", "Licence (CC BY 4.0) and the note that quotes stay their publishers' text; "
            "codebook version and changelog; new tables mentions and stance_timeline; "
            "spreadsheet copies with a byte-order mark in excel/; files in the zip unpack "
            "with permissions 0644."),
    ("1.0", "First codebook: countries, commitments, citations, events, event facts and "
            "sources."),
)


@dataclass(frozen=True)
class Distribution:
    name: str
    url: str
    media_type: str


def cite_line(*, dataset: Dataset, url: str, accessed: date) -> str:
    """The "Cite as" line of /data: publisher, revision, address and the reader's access date."""
    published = dataset.published_at.strftime("%Y-%m-%d")
    return (f"{PUBLISHER} (publisher). Coalition Tracker dataset, revision {dataset.revision}, "
            f"published {published}. {LICENCE_NAME}. {url} (accessed {accessed.isoformat()}).")


def temporal_coverage(dataset: Dataset) -> str | None:
    """ISO 8601 interval from the first to the last dated commitment (None when there is none)."""
    dates = sorted(c.date for c in dataset.commitments)
    return f"{dates[0].isoformat()}/{dates[-1].isoformat()}" if dates else None


def script_json(value: object) -> str:
    """JSON safe inside a <script> element: no "<", ">" or "&" that could end or open a tag."""
    return (json.dumps(value, ensure_ascii=False, sort_keys=True)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def dataset_jsonld(*, dataset: Dataset, url: str, description: str,
                   distributions: tuple[Distribution, ...]) -> str:
    """schema.org Dataset (name, licence, temporal coverage, distribution) as <script> text."""
    document: dict[str, object] = {
        "@context": "https://schema.org", "@type": "Dataset",
        "name": f"Coalition Tracker dataset, revision {dataset.revision}",
        "description": description, "url": url, "license": LICENCE_URL,
        "version": str(dataset.revision), "dateModified": dataset.published_at.isoformat(),
        "isAccessibleForFree": True,
        "publisher": {"@type": "Organization", "name": PUBLISHER},
        "creator": {"@type": "Organization", "name": PUBLISHER},
        "distribution": [{"@type": "DataDownload", "name": d.name, "contentUrl": d.url,
                          "encodingFormat": d.media_type} for d in distributions],
    }
    coverage = temporal_coverage(dataset)
    if coverage:
        document["temporalCoverage"] = coverage
    return script_json(document)

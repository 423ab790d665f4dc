"""What keeping an imported flow's text costs, measured side by side with a bare ``json.loads``.

On the minified 48-action console export (real flow 05), the largest real flow (08, indented), and a
synthetic flow of 250 actions near the 256,000-character limit, interleaves N runs of
  * ``json.loads(text)``                                   the baseline;
  * ``read_document(text)``               the import: parse + repeated-key check + classify;
  * ``read_document`` + ``text_index``    + spans of actions, metadata, references;
  * ``export`` of an edited block         the splice (one field ticked), on an indexed document;
  * the page's per-rerun check            ``reopened`` + ``document_problems`` (export, read back, check);
and prints the medians and their ratios to ``json.loads``.

    .venv/bin/python benchmarks/import_splice.py [--n 200]
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from profile_block.documents.document import read_document  # noqa: E402
from profile_block.documents.flow import document_problems  # noqa: E402
from profile_block.documents.splice import blocks_of, export, reopened, text_index  # noqa: E402
from profile_block.model.block import read_action  # noqa: E402

REAL_FLOWS = ROOT / "tests" / "fixtures" / "real-flows"


def synthetic_flow() -> str:
    """Real flow 05's actions repeated (fresh Identifiers) up to 250 actions, minified, < 256,000 chars."""
    flow = json.loads((REAL_FLOWS / "05-sbs-financial-contactflow.json").read_text("utf-8"))
    actions, metadata = flow["Actions"], flow["Metadata"]["ActionMetadata"]
    extra = []
    for i in range(250 - len(actions)):
        action = copy.deepcopy(actions[i % len(actions)])
        if action["Type"] == "GetCustomerProfile":
            action["Type"] = "UpdateContactAttributes"
        action["Identifier"] = f"copy-{i}-{action['Identifier']}"[:50]
        metadata[action["Identifier"]] = {"position": {"x": i, "y": i}}
        extra.append(action)
    flow["Actions"] = actions + extra
    text = json.dumps(flow, separators=(",", ":"), ensure_ascii=False)
    assert len(text) < 256_000, len(text)
    return text


def median_ms(fn: Callable[[], object], n: int) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(name: str, text: str, n: int) -> None:
    doc = read_document(text)
    text_index(doc)
    opened = blocks_of(doc)[0]
    block = read_action(opened.action)[0]
    block.fields.append("BirthDate")
    cases: dict[str, Callable[[], object]] = {
        "json.loads": lambda: json.loads(text),
        "read_document": lambda: read_document(text),
        "read_document + text_index": lambda: text_index(read_document(text)),
        "export (edited block)": lambda: export(opened, block),
        "page check per rerun": lambda: document_problems(reopened(opened, block).doc),
    }
    results: dict[str, list[float]] = {k: [] for k in cases}
    for fn in cases.values():     # warm-up
        fn()
    rounds = 5
    for _ in range(rounds):       # interleaved, so load from elsewhere hits every case alike
        for key, fn in cases.items():
            results[key].append(median_ms(fn, max(1, n // rounds)))
    base = statistics.median(results["json.loads"])
    print(f"\n{name}: {len(text):,} characters, {len(doc.document['Actions'])} actions")
    for key, values in results.items():
        value = statistics.median(values)
        print(f"  {key:<28} {value:8.2f} ms   x{value / base:5.1f} json.loads")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=200)
    args = parser.parse_args()
    for name, file in (("05 minified console export", "05-sbs-financial-contactflow.json"),
                       ("08 indented console export", "08-gts-partner-assessment-entry.json")):
        measure(name, (REAL_FLOWS / file).read_text("utf-8"), args.n)
    measure("synthetic 250-action flow", synthetic_flow(), max(20, args.n // 4))


if __name__ == "__main__":
    main()

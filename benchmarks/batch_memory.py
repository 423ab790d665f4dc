"""Does a batch run in bounded memory? Peak memory of ``python -m profile_block batch`` at 1,000,
10,000 and 100,000 rows, side by side in one run.

Starts the local Customer Profiles service in its own process (demo data, no added latency),
writes contacts CSVs of each size (demo numbers: every branch, with expectations), runs the CLI on
each as a user would (``--out`` a file), and reads the child's peak resident memory from the
kernel (``wait4`` rusage ``ru_maxrss``). It checks that every output has one row per input row,
in order, and prints peak MB, rows per second, and peak(largest) / peak(smallest): close to 1
means memory does not grow with the file (results are streamed, not kept).

    .venv/bin/python benchmarks/batch_memory.py [--sizes 1000,10000,100000] [--workers 16]

Not a test: it measures, it does not pass or fail.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.local_service import running_service  # noqa: E402
from profile_block.documents.flow import dump_document  # noqa: E402
from profile_block.model.block import GetProfileBlock, Identifier  # noqa: E402

CASES = (("+15555550100", "Success"), ("+15555550111", "MultipleFoundError"),
         ("+15555550199", "NoneFoundError"), ("", "NoMatchingError"))


def write_contacts(path: Path, rows: int) -> None:
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["id", "CustomerEndpoint.Address", "expect_branch", "expect.FirstName"])
        for i in range(rows):
            phone, branch = CASES[i % len(CASES)]
            writer.writerow([f"row-{i}", phone, branch, "Maria" if branch == "Success" else ""])


def run_cli(block: Path, contacts: Path, out: Path, url: str, workers: int) -> tuple[int, float, float, str]:
    """(exit code, peak RSS in MB, seconds, summary line) of one CLI run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
               AWS_EC2_METADATA_DISABLED="true")
    started = time.perf_counter()
    with open(out.with_suffix(".stderr"), "w") as err:
        proc = subprocess.Popen([sys.executable, "-m", "profile_block", "batch", str(block), str(contacts),
                                 "--endpoint", url, "--domain", "demo", "--workers", str(workers),
                                 "--out", str(out)],
                                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    lines = out.with_suffix(".stderr").read_text().splitlines()
    return proc.returncode, usage.ru_maxrss / 1024, seconds, (lines[-1] if lines else "")


def check_output(out: Path, rows: int) -> None:
    with open(out, encoding="utf-8", newline="") as results:
        reader = csv.reader(results)
        header = next(reader)
        id_col, result_col = header.index("id"), header.index("result")
        count = 0
        for i, row in enumerate(reader):
            if row[id_col] != f"row-{i}" or row[result_col] != "pass":
                raise SystemExit(f"{out}: row {i + 1} is {row[id_col]} with result {row[result_col]}")
            count += 1
    if count != rows:
        raise SystemExit(f"{out}: {count} rows for {rows} contacts")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--workers", type=int, default=16)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = []
    with tempfile.TemporaryDirectory() as tmp, running_service(Path(tmp) / "bench.sqlite3") as (_, url):
        folder = Path(tmp)
        block = folder / "block.json"
        action = GetProfileBlock(action_id="bench",
                                 identifiers=[Identifier("_phone", "$.CustomerEndpoint.Address")],
                                 fields=["FirstName", "LastName", "City", "Attributes.tier"]).to_action()
        block.write_text(dump_document(action))
        for size in sizes:
            contacts, out = folder / f"contacts-{size}.csv", folder / f"results-{size}.csv"
            write_contacts(contacts, size)
            print(f"{size:,} rows ...", file=sys.stderr, flush=True)
            code, peak_mb, seconds, line = run_cli(block, contacts, out, url, args.workers)
            if code != 0:
                raise SystemExit(f"{size:,} rows: exit {code}: {line}")
            check_output(out, size)
            results.append((size, peak_mb, seconds, out.stat().st_size / 1e6, line))
    print(f"{'rows':>9} | {'peak RSS MB':>11} | {'seconds':>7} | {'rows/s':>7} | {'results MB':>10}")
    print("-" * 57)
    for size, peak_mb, seconds, out_mb, _ in results:
        print(f"{size:>9,} | {peak_mb:11.1f} | {seconds:7.1f} | {size / seconds:7,.0f} | {out_mb:10.1f}")
    small, large = results[0], results[-1]
    print(f"\npeak({large[0]:,}) / peak({small[0]:,}) = {large[1] / small[1]:.2f}  "
          f"(1.00 = memory does not grow with the number of rows)")
    print(f"last summary: {large[4]}")


if __name__ == "__main__":
    main()

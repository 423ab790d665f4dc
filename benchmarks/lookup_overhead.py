"""How much the project's lookup adds to a bare SearchProfiles call.

Starts the local Customer Profiles service in a separate process (so its work does not share
this process's GIL), then, on ONE client, interleaves N runs of
  * ``run_lookup``: resolve the identifiers, build the request, search, choose the branch,
    map ``$.Customer.*`` (the Success case, with a dozen response fields);
  * a bare ``client.search_profiles(**request)`` with exactly the same arguments;
after a warm-up, and prints both medians and their ratio. Goal: ratio <= 1.10.

    .venv/bin/python benchmarks/lookup_overhead.py [--n 400] [--endpoint URL]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.local_service import running_service  # noqa: E402
from profile_block.model.block import SUCCESS, GetProfileBlock, Identifier  # noqa: E402
from profile_block.running import aws  # noqa: E402
from profile_block.running.lookup import resolve_identifiers, run_lookup, search_request  # noqa: E402

FIELDS = ["FirstName", "LastName", "EmailAddress", "AccountNumber", "City", "ShippingCity", "MailingAddress1",
          "BillingState", "Gender", "PartyType", "Attributes.tier", "Attributes.loyaltyId"]
CONTACT = {"CustomerEndpoint.Address": "+15555550100"}


def measure(endpoint: str, n: int, warmup: int) -> None:
    client = aws.get_client(aws.Connection(endpoint_url=endpoint, local_service=True))
    block = GetProfileBlock(identifiers=[Identifier("_phone", "$.CustomerEndpoint.Address")], fields=FIELDS)
    request = search_request("demo", resolve_identifiers(block, CONTACT), block.operator)
    first = run_lookup(client, block, CONTACT, "demo")
    if first.branch != SUCCESS:
        raise SystemExit(f"expected Success from the demo data, got {first.branch}: {first.reason}")

    def project() -> None:
        run_lookup(client, block, CONTACT, "demo")

    def bare() -> None:
        client.search_profiles(**request)

    for _ in range(warmup):
        project()
        bare()
    timings: dict[str, list[float]] = {"project": [], "bare": []}
    for i in range(n):
        # Alternate which goes first, so neither always follows the other.
        pair = (("project", project), ("bare", bare))
        order = pair if i % 2 == 0 else pair[::-1]
        for name, call in order:
            started = time.perf_counter()
            call()
            timings[name].append((time.perf_counter() - started) * 1000)
    project_ms = statistics.median(timings["project"])
    bare_ms = statistics.median(timings["bare"])
    print(f"endpoint {endpoint}; N = {n} each after {warmup} warm-up pairs; {len(FIELDS)} response fields")
    print(f"median bare search_profiles : {bare_ms:8.3f} ms")
    print(f"median project lookup       : {project_ms:8.3f} ms")
    print(f"ratio project / bare        : {project_ms / bare_ms:8.3f}  (goal <= 1.10)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=400, help="timed calls of each kind (>= 300)")
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--endpoint", help="a running local service; default: start one on a temp db")
    args = parser.parse_args()
    if args.endpoint:
        measure(args.endpoint, args.n, args.warmup)
        return
    with tempfile.TemporaryDirectory() as tmp:
        with running_service(Path(tmp) / "bench.sqlite3") as (_, url):
            measure(url, args.n, args.warmup)


if __name__ == "__main__":
    main()

"""Batch runs against the real local Customer Profiles service over loopback HTTP."""

from __future__ import annotations

import time
from typing import Any

import pytest

from profile_block.model.block import ERROR, MULTIPLE_FOUND, NONE_FOUND, SUCCESS
from profile_block.running import aws
from profile_block.running.batch import BatchAborted, BatchJob, run_batch
from profile_block.running.batch_csv import ContactsReader, TestContact, template_csv, text_lines
from profiles_sandbox.demo import DEMO_EXAMPLES, MARIA_PROFILE_ID
from tests.lookup.conftest import PHONE_REF, make_block
from tests.loopback import free_port

PHONE = "CustomerEndpoint.Address"
FIELDS = ["FirstName", "LastName", "BillingCity", "Attributes.tier"]


@pytest.fixture(scope="module")
def pooled(sandbox: Any) -> Any:
    """The client a batch of 16 workers uses: the app's own, with a pool of 16 connections."""
    return aws.get_client(aws.Connection(endpoint_url=sandbox.endpoint_url, local_service=True), 16,
                          retries=False)


def run(client: Any, block: Any, text: str, workers: int = 16) -> list[Any]:
    outcomes: list[Any] = []
    reader = ContactsReader(text_lines(text), block)
    run_batch(client, block, reader, "demo", workers=workers, on_row=outcomes.append)
    return outcomes


def test_the_demo_template_takes_every_branch_it_expects_and_passes(pooled):
    block = make_block(("_phone", PHONE_REF), fields=FIELDS)
    outcomes = run(pooled, block, template_csv(block, DEMO_EXAMPLES))
    assert [o.lookup.branch for o in outcomes] == [SUCCESS, MULTIPLE_FOUND, NONE_FOUND, SUCCESS, ERROR]
    assert [o.result for o in outcomes] == ["pass"] * 5
    maria, chens, _, ahmed, empty = outcomes
    reader = ContactsReader(text_lines(template_csv(block, DEMO_EXAMPLES)), block)
    columns = reader.columns.result_columns(block)
    cells = dict(zip(columns, maria.cells(block), strict=True))
    assert cells["customer.ProfileId"] == MARIA_PROFILE_ID
    assert (cells["customer.FirstName"], cells["customer.LastName"]) == ("Maria", "Garcia")
    assert cells["customer.BillingCity"] == "Tacoma" and cells["customer.Attributes.tier"] == "gold"
    assert cells["next_action"] == f"target-{SUCCESS}"
    assert dict(zip(columns, chens.cells(block), strict=True))["matches"] == "2"
    assert ahmed.lookup.customer["$.Customer.FirstName"] == "Ahmed"
    assert "is empty" in empty.lookup.reason and empty.lookup.request is None


def test_expectations_on_fields_pass_and_fail_per_row(pooled):
    block = make_block(("_phone", PHONE_REF), fields=FIELDS)
    text = (f"id,{PHONE},expect_branch,expect.FirstName,expect.BillingCity\n"
            "maria,+15555550100,Success,Maria,Tacoma\n"
            "maria-wrong,+15555550100,Success,Mary,Tacoma\n"
            "chens,+15555550111,MultipleFoundError,,\n"
            "ahmed,+15555550140,Success,Ahmed,\n")
    outcomes = run(pooled, block, text)
    assert [(o.contact.row_id, o.result) for o in outcomes] == [
        ("maria", "pass"), ("maria-wrong", "fail"), ("chens", "pass"), ("ahmed", "pass")]
    assert outcomes[1].mismatches == ["FirstName: expected 'Mary', got 'Maria'"]


def test_and_or_blocks_read_several_contact_columns(pooled):
    block = make_block(("_phone", PHONE_REF), ("_account", "$.Attributes.account"), operator="AND")
    text = (f"{PHONE},Attributes.account,expect_branch\n"
            "+15555550100,A-1001,Success\n+15555550100,A-3003,NoneFoundError\n")
    assert [o.result for o in run(pooled, block, text)] == ["pass", "pass"]
    block.operator = "OR"
    assert [o.lookup.branch for o in run(pooled, block, text)] == [SUCCESS, MULTIPLE_FOUND]


def test_throttling_loses_no_row(pooled, faults):
    """With 30% of calls throttled, every row still comes back once, in order; retries with backoff
    rescue nearly all of them, and a row that ran out of attempts says so."""
    block = make_block(("_phone", PHONE_REF), fields=["FirstName"])
    numbers = ["+15555550100", "+15555550111", "+15555550199"]
    expected = [SUCCESS, MULTIPLE_FOUND, NONE_FOUND]
    text = "id,CustomerEndpoint.Address\n" + "".join(f"{i},{numbers[i % 3]}\n" for i in range(300))
    faults(throttle_rate=0.3)
    outcomes = run(pooled, block, text)
    assert [o.contact.row_id for o in outcomes] == [str(i) for i in range(300)]
    throttled = [o for o in outcomes if o.lookup.branch == ERROR]
    for o in outcomes:
        if o.lookup.branch != ERROR:
            assert o.lookup.branch == expected[int(o.contact.row_id) % 3]
    for o in throttled:
        assert o.lookup.error_class == "ThrottlingException" and "after 3 attempts" in o.lookup.reason
    # 0.3**3 = 2.7% of rows run out of attempts on average (8 of 300); 10% would be far off.
    assert len(throttled) < 30


def test_an_unknown_domain_aborts_at_the_first_row(pooled):
    block = make_block(("_phone", PHONE_REF))
    rows = [TestContact(i + 1, (), {PHONE: "+15555550100"}) for i in range(200)]
    seen: list[Any] = []
    with pytest.raises(BatchAborted, match=r"row 1: Not found \(ResourceNotFoundException\)"):
        run_batch(pooled, block, rows, "no-such-domain", workers=4, on_row=seen.append)
    assert seen == []


def test_an_unreachable_endpoint_aborts_the_run():
    port = free_port()                 # nothing listens there
    client = aws.get_client(aws.Connection(endpoint_url=f"http://127.0.0.1:{port}", local_service=True), 4,
                            retries=False)
    rows = [TestContact(i + 1, (), {PHONE: "+15555550100"}) for i in range(50)]
    with pytest.raises(BatchAborted, match="unreachable"):
        run_batch(client, make_block(("_phone", PHONE_REF)), rows, "demo", workers=4, on_row=lambda o: None)


def test_a_background_job_reports_progress_and_stops_when_asked(pooled, faults):
    block = make_block(("_phone", PHONE_REF))
    rows = [TestContact(i + 1, (str(i + 1),), {PHONE: "+15555550100"}, row_id=str(i + 1))
            for i in range(5000)]
    faults(latency_ms=50)
    job = BatchJob(pooled, block, rows, "demo", workers=4, total=len(rows)).start()
    deadline = time.monotonic() + 60
    while job.state().progress.done < 10:
        assert job.wait(0.05) is False, job.state().error
        assert time.monotonic() < deadline, "no progress in 60 s"
    job.stop()
    assert job.wait(timeout=30), "the job did not stop"
    state = job.state()
    assert not state.running and state.summary is not None and state.summary.stopped
    assert [row[0] for row in job.rows] == [str(i + 1) for i in range(len(job.rows))]
    assert 10 <= len(job.rows) < 5000 and state.summary.rows == len(job.rows)


def test_a_background_job_runs_to_the_end(pooled):
    block = make_block(("_phone", PHONE_REF))
    rows = [TestContact(i + 1, (), {PHONE: "+15555550199"}) for i in range(40)]
    job = BatchJob(pooled, block, rows, "demo", workers=8, total=40).start()
    assert job.wait(timeout=60)
    state = job.state()
    assert state.error == "" and state.summary is not None and not state.summary.stopped
    assert state.summary.branches[NONE_FOUND] == 40 and state.progress.done == 40 and len(job.rows) == 40

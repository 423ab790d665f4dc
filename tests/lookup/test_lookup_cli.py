"""``python -m profile_block lookup`` as a user runs it: a subprocess against a running
``python -m profiles_sandbox`` on a free loopback port."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from profile_block.documents.flow import dump_document, wrap_in_flow
from profile_block.model.block import BRANCHES, GetProfileBlock, Identifier
from tests.lookup.conftest import ROOT, service_process

PHONE_REF = "$.CustomerEndpoint.Address"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with service_process(tmp_path_factory.mktemp("cli-sandbox") / "sandbox.sqlite3") as url:
        yield url


def make_block(action_id: str = "lookup-block", *identifiers: tuple[str, str],
               fields: tuple[str, ...] = ("FirstName", "BillingCity", "Attributes.tier")) -> GetProfileBlock:
    chosen = [Identifier(k, v) for k, v in identifiers] or [Identifier("_phone", PHONE_REF)]
    block = GetProfileBlock(action_id=action_id, identifiers=chosen, fields=list(fields))
    block.branches = {b: f"{action_id}-{b}" for b in BRANCHES}
    return block


@pytest.fixture(scope="module")
def action_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("files") / "block.json"
    path.write_text(dump_document(make_block().to_action()))
    return path


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "profile_block", "lookup", *map(str, args)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=60)


def run_json(env: dict[str, str], *args: str) -> dict:
    done = cli(env, *args)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("number, branch", [
    ("+15555550100", "Success"), ("+15555550111", "MultipleFoundError"), ("+15555550199", "NoneFoundError"),
])
def test_each_branch_exits_zero_with_json(endpoint, clean_env, action_file, number, branch):
    out = run_json(clean_env, action_file, "--endpoint", endpoint, "--domain", "demo",
                   "--contact", f"CustomerEndpoint.Address={number}")
    assert out["branch"] == branch, out["reason"]
    assert out["request"]["Values"] == [number]
    assert out["next_action"] == f"lookup-block-{branch}"
    if branch == "Success":
        assert out["customer"]["$.Customer.FirstName"] == "Maria"
        assert out["customer"]["$.Customer.BillingCity"] == "Tacoma"
        assert out["customer"]["$.Customer.Attributes.tier"] == "gold"
        profile_id = out["customer"]["$.Customer.ProfileId"]
        assert profile_id
        assert out["customer"]["$.Customer.ProfileARN"] == \
            f"arn:aws:profile:us-east-1:000000000000:domains/demo/profiles/{profile_id}"
        assert out["arn_note"] == ""
    else:
        assert out["customer"] == {}


def test_service_errors_are_the_error_branch_not_a_failure(endpoint, clean_env, action_file):
    out = run_json(clean_env, action_file, "--endpoint", endpoint, "--domain", "nowhere",
                   "--contact", "CustomerEndpoint.Address=+15555550100")
    assert out["branch"] == "NoMatchingError"
    assert "ResourceNotFoundException" in out["reason"]


def test_missing_contact_value_is_the_error_branch(endpoint, clean_env, action_file):
    out = run_json(clean_env, action_file, "--endpoint", endpoint, "--domain", "demo")
    assert out["branch"] == "NoMatchingError"
    assert "CustomerEndpoint.Address" in out["reason"] and out["request"] is None


@pytest.fixture(scope="module")
def two_block_flow(tmp_path_factory: pytest.TempPathFactory) -> Path:
    first = make_block("by-phone")
    second = make_block("by-loyalty", ("loyaltyId", "$.Attributes.loyalty"), fields=("LastName",))
    flow = wrap_in_flow(first)
    flow["Actions"].append(second.to_action())
    path = tmp_path_factory.mktemp("flows") / "flow.json"
    path.write_text(dump_document(flow))
    return path


def test_a_flow_with_several_blocks_needs_block_id(endpoint, clean_env, two_block_flow):
    done = cli(clean_env, two_block_flow, "--endpoint", endpoint, "--domain", "demo",
               "--contact", "Attributes.loyalty=LOY-1001")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "--block-id" in done.stderr and "by-phone" in done.stderr and "by-loyalty" in done.stderr
    out = run_json(clean_env, two_block_flow, "--endpoint", endpoint, "--domain", "demo", "--block-id",
                   "by-loyalty", "--contact", "Attributes.loyalty=LOY-1001")
    assert out["branch"] == "Success"
    assert out["request"]["KeyName"] == "loyaltyId"
    assert out["customer"]["$.Customer.LastName"] == "Garcia"


def test_a_flow_with_one_block_runs_it(endpoint, clean_env, tmp_path):
    path = tmp_path / "flow.json"
    path.write_text(dump_document(wrap_in_flow(make_block("only"))))
    out = run_json(clean_env, path, "--endpoint", endpoint, "--domain", "demo",
                   "--contact", "CustomerEndpoint.Address=+15555550111")
    assert out["branch"] == "MultipleFoundError" and out["next_action"] == "only-MultipleFoundError"


@pytest.mark.parametrize("args, words", [
    (["{file}", "--endpoint", "{url}"], "--domain"),
    (["{file}", "--endpoint", "{url}", "--domain", "demo", "--contact", "CustomerEndpoint.Address"],
     "PATH=VALUE"),
    (["{file}", "--endpoint", "{url}", "--domain", "demo", "--contact", "Nowhere.Thing=1"],
     "not a contact value"),
    (["{file}", "--endpoint", "{url}", "--domain", "demo", "--contact", "Attributes.a=1",
      "--contact", "Attributes.a=2"], "given twice"),
    (["{file}", "--endpoint", "localhost:1", "--domain", "demo"], "http://"),
    (["{file}", "--endpoint", "{url}", "--domain", ""], "--domain"),
    (["{file}", "--endpoint", "{url}", "--domain", "demo", "--block-id", "nope"], "no Get profile block"),
    (["{missing}", "--endpoint", "{url}", "--domain", "demo"], "cannot read"),
    (["{notjson}", "--endpoint", "{url}", "--domain", "demo"], "JSON"),
    (["{file}", "--profile", "no-such-profile", "--domain", "demo"], "profile"),
])
def test_bad_input_exits_2_with_one_line(endpoint, clean_env, action_file, tmp_path, args, words):
    notjson = tmp_path / "notes.txt"
    notjson.write_text("this is not a block")
    filled = [a.format(file=action_file, url=endpoint, missing=tmp_path / "missing.json", notjson=notjson)
              for a in args]
    done = cli(clean_env, *filled)
    assert done.returncode == 2, done.stdout
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert words in done.stderr


def test_lookup_imports_neither_pandas_nor_streamlit(endpoint, clean_env, action_file):
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "profile_block", "lookup",
                           str(action_file), "--endpoint", endpoint, "--domain", "demo",
                           "--contact", "CustomerEndpoint.Address=+15555550100"],
                          cwd=ROOT, env=clean_env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "botocore" in imported        # the measurement works: this run did talk to the service
    assert not {m for m in imported if m.split(".")[0] in ("pandas", "streamlit")}


def test_credentials_in_the_environment_are_used_with_an_endpoint(endpoint, clean_env, action_file):
    # The chain wins over the local default key: a key the local service refuses is refused.
    env = dict(clean_env, AWS_ACCESS_KEY_ID="someone-else", AWS_SECRET_ACCESS_KEY="placeholder")
    out = run_json(env, action_file, "--endpoint", endpoint, "--domain", "demo",
                   "--contact", "CustomerEndpoint.Address=+15555550100")
    assert out["branch"] == "NoMatchingError"
    assert "AccessDeniedException" in out["reason"]
    assert "placeholder" not in json.dumps(out)          # nothing secret is echoed


def test_no_connection_options_says_which_to_give(clean_env, action_file):
    done = cli(clean_env, action_file, "--domain", "demo",
               "--contact", "CustomerEndpoint.Address=+15555550100")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "--endpoint URL, or --profile P --region R" in done.stderr


def test_a_domain_that_is_not_utf8_exits_2_with_one_line(endpoint, clean_env, action_file):
    done = subprocess.run([sys.executable, "-m", "profile_block", "lookup", str(action_file), "--endpoint",
                           endpoint, "--domain", b"d\xffmo", "--contact", "CustomerEndpoint.Address=+1"],
                          cwd=ROOT, env=clean_env, capture_output=True, timeout=60)
    stderr = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2 and done.stdout == b""
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1
    assert "d\\xffmo" in stderr and "not valid UTF-8" in stderr


def test_lookup_into_a_closed_pipe_is_one_line_not_a_traceback(endpoint, clean_env, action_file):
    """``lookup ... | head -1`` where head has gone before the answer is written."""
    proc = subprocess.Popen([sys.executable, "-m", "profile_block", "lookup", str(action_file),
                             "--endpoint", endpoint, "--domain", "demo",
                             "--contact", "CustomerEndpoint.Address=+15555550100"],
                            cwd=ROOT, env=clean_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 1, stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr
    assert len(stderr.strip().splitlines()) == 1 and "broken pipe" in stderr

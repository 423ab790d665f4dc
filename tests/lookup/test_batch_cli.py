"""``python -m profile_block batch`` as a user (or a CI job) runs it: a subprocess against a
running ``python -m profiles_sandbox`` on a free loopback port."""

from __future__ import annotations

import io
import os
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from profile_block.documents.flow import dump_document, wrap_in_flow
from profile_block.model.block import BRANCHES, GetProfileBlock, Identifier
from tests.devices import a_character_device
from tests.lookup.conftest import PHONE_REF, ROOT, service_process
from tests.loopback import web_page_server

PHONE = "CustomerEndpoint.Address"
CONTACTS = (f"id,{PHONE},expect_branch,expect.FirstName\n"
            "maria,+15555550100,Success,Maria\n"
            "chens,+15555550111,MultipleFoundError,\n"
            "nobody,+15555550199,NoneFoundError,\n"
            "empty,,NoMatchingError,\n")


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with service_process(tmp_path_factory.mktemp("batch-cli") / "sandbox.sqlite3") as url:
        yield url


def make_block(action_id: str = "batch-block") -> GetProfileBlock:
    block = GetProfileBlock(action_id=action_id, identifiers=[Identifier("_phone", PHONE_REF)],
                            fields=["FirstName", "Attributes.tier"])
    block.branches = {b: f"{action_id}-{b}" for b in BRANCHES}
    return block


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("batch-files")
    paths = {name: folder / f"{name}.{ext}"
             for name, ext in (("block", "json"), ("contacts", "csv"), ("flow", "json"))}
    paths["block"].write_text(dump_document(make_block().to_action()))
    paths["contacts"].write_text(CONTACTS)
    flow = wrap_in_flow(make_block("first"))
    flow["Actions"].append(make_block("second").to_action())
    paths["flow"].write_text(dump_document(flow))
    return paths


def batch(env: dict[str, str], *args: object) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "profile_block", "batch", *map(str, args)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)


def summary(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith("batch: ")]
    assert len(lines) == 1, stderr
    return lines[0]


def read_results(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_every_expectation_holds_exit_0_results_to_out(endpoint, clean_env, files, tmp_path):
    out = tmp_path / "results.csv"
    done = batch(clean_env, files["block"], files["contacts"], "--endpoint", endpoint, "--domain", "demo",
                 "--out", out)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert re.fullmatch(r"batch: 4 rows: Success 1, MultipleFoundError 1, NoneFoundError 1, "
                        r"NoMatchingError 1; 4 passed, 0 failed; [0-9.]+ s, [0-9,]+ rows/s",
                        summary(done.stderr))
    results = read_results(out)
    assert list(results.columns) == [
        "id", PHONE, "expect_branch", "expect.FirstName", "branch", "next_action", "reason", "matches",
        "elapsed_ms", "attempts", "customer.ProfileId", "customer.ProfileARN", "customer.FirstName",
        "customer.Attributes.tier", "result", "mismatches"]
    assert results["id"].tolist() == ["maria", "chens", "nobody", "empty"]
    assert results["branch"].tolist() == ["Success", "MultipleFoundError", "NoneFoundError",
                                          "NoMatchingError"]
    assert results["next_action"].tolist() == [f"batch-block-{b}" for b in results["branch"]]
    assert results["customer.FirstName"].tolist() == ["Maria", "", "", ""]
    maria = results["customer.ProfileId"][0]
    assert results["customer.ProfileARN"].tolist() == [
        f"arn:aws:profile:us-east-1:000000000000:domains/demo/profiles/{maria}", "", "", ""]
    assert results["customer.Attributes.tier"].tolist() == ["gold", "", "", ""]
    assert results["matches"].tolist() == ["1", "2", "0", ""]
    assert results["attempts"].tolist() == ["1", "1", "1", "0"]     # the empty value sends nothing
    assert results["result"].tolist() == ["pass"] * 4
    assert not list(tmp_path.glob(".*.part"))          # the temporary file was renamed, not left behind


def test_a_failed_expectation_exits_1_and_names_the_row(endpoint, clean_env, files, tmp_path):
    contacts = tmp_path / "c.csv"
    contacts.write_text(CONTACTS + "maria-wrong,+15555550100,NoneFoundError,Mary\n")
    done = batch(clean_env, files["block"], contacts, "--endpoint", endpoint, "--domain", "demo")
    assert done.returncode == 1, done.stderr
    assert "4 passed, 1 failed" in summary(done.stderr)
    assert ("fail: row 5 (id maria-wrong): branch: expected NoneFoundError, got Success; "
            "FirstName: expected 'Mary', got 'Maria'") in done.stderr
    results = pd.read_csv(io.StringIO(done.stdout), dtype=str, keep_default_na=False)
    assert results["result"].tolist() == ["pass"] * 4 + ["fail"]


def test_no_expectations_exit_0_whatever_the_branches(endpoint, clean_env, files, tmp_path):
    contacts = tmp_path / "c.csv"
    contacts.write_text(f"{PHONE}\n+15555550199\n\n+15555550111\n")
    done = batch(clean_env, files["block"], contacts, "--endpoint", endpoint, "--domain", "demo")
    assert done.returncode == 0, done.stderr
    assert "2 rows: Success 0, MultipleFoundError 1, NoneFoundError 1, NoMatchingError 0; no expectations" \
        in summary(done.stderr)
    assert done.stdout.splitlines()[1].endswith(",,")       # result and mismatches empty


def test_a_flow_needs_block_id_when_it_has_several_blocks(endpoint, clean_env, files):
    done = batch(clean_env, files["flow"], files["contacts"], "--endpoint", endpoint, "--domain", "demo")
    assert done.returncode == 2 and "--block-id" in done.stderr
    done = batch(clean_env, files["flow"], files["contacts"], "--endpoint", endpoint, "--domain", "demo",
                 "--block-id", "second", "--workers", "2")
    assert done.returncode == 0, done.stderr
    assert "second-Success" in done.stdout


def test_throttling_loses_no_row(tmp_path, clean_env, files):
    contacts = tmp_path / "many.csv"
    numbers = ["+15555550100", "+15555550111", "+15555550199"]
    contacts.write_text(f"id,{PHONE}\n" + "".join(f"{i},{numbers[i % 3]}\n" for i in range(400)))
    out = tmp_path / "results.csv"
    with service_process(tmp_path / "throttled.sqlite3", "--throttle-rate", "0.3") as url:
        done = batch(clean_env, files["block"], contacts, "--endpoint", url, "--domain", "demo", "--out", out)
    assert done.returncode == 0, done.stderr
    results = read_results(out)
    assert results["id"].tolist() == [str(i) for i in range(400)]
    answered = results[results["branch"] != "NoMatchingError"]
    expected = {"0": "Success", "1": "MultipleFoundError", "2": "NoneFoundError"}
    assert (answered["branch"] == answered["id"].map(lambda i: expected[str(int(i) % 3)])).all()
    gave_up = results[results["branch"] == "NoMatchingError"]
    assert gave_up["reason"].str.contains("ThrottlingException").all()
    assert len(gave_up) < 40        # 0.3**3 = 2.7% expected after retries; 30% without them


def test_an_unknown_domain_exits_2_and_writes_nothing(endpoint, clean_env, files, tmp_path):
    out = tmp_path / "results.csv"
    out.write_text("the user's previous results\n")
    done = batch(clean_env, files["block"], files["contacts"], "--endpoint", endpoint, "--domain", "nowhere",
                 "--out", out)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "ResourceNotFoundException" in done.stderr and "was not written" in done.stderr
    assert out.read_text() == "the user's previous results\n"     # untouched
    assert [p.name for p in tmp_path.iterdir()] == ["results.csv"]  # no temporary file left


@pytest.mark.parametrize("contacts, words", [
    ("id,Phone\n1,+1\n", "unknown column 'Phone'"),
    (f"id,{PHONE},id\n1,+1,2\n", "duplicate column id"),
    ("id,Attributes.x\n1,2\n", "no column for CustomerEndpoint.Address"),
    (f"id,{PHONE}\n", "has a header but no rows"),
    (f"id,{PHONE},expect_branch\n1,+1,Maybe\n", "line 2: expect_branch 'Maybe' is not a branch"),
    (b"id,CustomerEndpoint.Address\n1,\xff\n", "not UTF-8 text"),
    ("", "is empty"),
])
def test_bad_csvs_exit_2_with_one_line(endpoint, clean_env, files, tmp_path, contacts, words):
    path = tmp_path / "bad.csv"
    path.write_bytes(contacts if isinstance(contacts, bytes) else contacts.encode())
    done = batch(clean_env, files["block"], path, "--endpoint", endpoint, "--domain", "demo")
    assert done.returncode == 2, done.stdout
    assert done.stdout == "" and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert words in done.stderr


def test_a_contacts_fifo_is_refused_at_once_never_read(endpoint, clean_env, files, tmp_path):
    """A named pipe with no writer would block the run forever (batch()'s timeout fails the test)."""
    fifo = tmp_path / "contacts.csv"
    os.mkfifo(fifo)
    done = batch(clean_env, files["block"], fifo, "--endpoint", endpoint, "--domain", "demo")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        f"python -m profile_block: {fifo} is a named pipe (FIFO), not a regular file; name a file"]


@pytest.mark.parametrize("args, words", [
    (["{block}", "{missing}", "--endpoint", "{url}", "--domain", "demo"], "cannot read"),
    (["{block}", "{contacts}", "--endpoint", "{url}", "--domain", "demo", "--workers", "0"],
     "--workers must be from 1 to 64"),
    (["{block}", "{contacts}", "--endpoint", "{url}", "--domain", "demo", "--out", "{contacts}"],
     "is an input file"),
    (["{block}", "{contacts}", "--endpoint", "{url}", "--domain", "demo", "--out", "{nofolder}"],
     "the folder"),
    (["{block}", "{contacts}", "--endpoint", "{url}"], "--domain"),
    (["{block}", "{contacts}", "--endpoint", "{url}", "--domain", "demo", "--attempts", "0"],
     "--attempts must be from 1 to 10"),
    (["{block}", "{contacts}", "--endpoint", "{url}", "--domain", "demo", "--max-rate", "-1"],
     "--max-rate must be above 0"),
    (["{block}", "{contacts}", "--endpoint", "{url}", "--domain", "demo", "--max-rate", "nan"],
     "--max-rate must be above 0"),
])
def test_bad_arguments_exit_2_with_one_line(endpoint, clean_env, files, tmp_path, args, words):
    filled = [a.format(block=files["block"], contacts=files["contacts"], url=endpoint,
                       missing=tmp_path / "missing.csv", nofolder=tmp_path / "no" / "such" / "r.csv")
              for a in args]
    done = batch(clean_env, *filled)
    assert done.returncode == 2, done.stdout
    assert done.stdout == "" and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert words in done.stderr


def test_notes_about_columns_go_to_stderr(endpoint, clean_env, files, tmp_path):
    contacts = tmp_path / "c.csv"
    contacts.write_text(f"{PHONE},Attributes.email,expect.City\n+15555550199,x,\n")
    done = batch(clean_env, files["block"], contacts, "--endpoint", endpoint, "--domain", "demo")
    assert done.returncode == 0, done.stderr
    assert "note: The block does not read Attributes.email" in done.stderr
    assert "note: The block does not bring back City" in done.stderr


def test_batch_imports_neither_pandas_nor_streamlit(endpoint, clean_env, files):
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "profile_block", "batch",
                           str(files["block"]), str(files["contacts"]), "--endpoint", endpoint,
                           "--domain", "demo"],
                          cwd=ROOT, env=clean_env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "profile_block.running.batch" in imported          # the measurement works
    assert not {m for m in imported if m.split(".")[0] in ("pandas", "streamlit")}


def test_validate_does_not_import_the_batch_code_nor_botocore(files):
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "profile_block", "validate",
                           str(files["block"])], cwd=ROOT, capture_output=True, text=True, timeout=60)
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "profile_block.cli" in imported
    assert not {m for m in imported if m.split(".")[0] in ("botocore", "boto3")}
    assert "profile_block.running.batch" not in imported


def test_a_closed_stdout_stops_the_run_without_a_traceback(endpoint, clean_env, files, tmp_path):
    contacts = tmp_path / "many.csv"
    contacts.write_text(f"id,{PHONE}\n" + "".join(f"{i},+15555550199\n" for i in range(3000)))
    proc = subprocess.Popen([sys.executable, "-m", "profile_block", "batch", str(files["block"]),
                             str(contacts), "--endpoint", endpoint, "--domain", "demo"], cwd=ROOT,
                            env=clean_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().startswith("id,")      # like `| head -1`
    proc.stdout.close()
    stderr = proc.stderr.read()
    assert proc.wait(timeout=120) == 1
    assert "broken pipe" in stderr and "Traceback" not in stderr and "Exception ignored" not in stderr


def test_out_keeps_the_permissions_of_the_file_it_replaces(endpoint, clean_env, files, tmp_path):
    existing, new = tmp_path / "kept.csv", tmp_path / "new.csv"
    existing.write_text("old results\n")
    existing.chmod(0o640)
    for out in (existing, new):
        done = batch(clean_env, files["block"], files["contacts"], "--endpoint", endpoint, "--domain", "demo",
                     "--out", out)
        assert done.returncode == 0, done.stderr
    assert existing.stat().st_mode & 0o777 == 0o640
    umask = os.umask(0)
    os.umask(umask)
    assert new.stat().st_mode & 0o777 == 0o666 & ~umask      # not the temporary file's 0o600
    assert read_results(existing)["id"].tolist() == ["maria", "chens", "nobody", "empty"]


@pytest.mark.parametrize("make, kind", [
    (lambda p: os.mkfifo(p), "a named pipe (FIFO)"),
    (lambda p: p.mkdir(), "a folder"),
    (lambda p: p.symlink_to(a_character_device(p.parent)), "a character device"),
])
def test_out_refuses_fifos_devices_and_folders_and_leaves_them(endpoint, clean_env, files, tmp_path, make,
                                                               kind):
    out = tmp_path / "results.csv"
    make(out)
    before = {p.name: p.lstat() for p in tmp_path.iterdir()}
    done = batch(clean_env, files["block"], files["contacts"], "--endpoint", endpoint, "--domain", "demo",
                 "--out", out)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert f"is {kind}, not a regular file; --out needs" in done.stderr
    after = {p.name: p.lstat() for p in tmp_path.iterdir()}
    assert {n: (s.st_ino, s.st_mode) for n, s in after.items()} == \
        {n: (s.st_ino, s.st_mode) for n, s in before.items()}


def test_out_naming_a_device_itself_leaves_it_a_character_device(endpoint, clean_env, files, tmp_path):
    device = a_character_device(tmp_path)
    done = batch(clean_env, files["block"], files["contacts"], "--endpoint", endpoint, "--domain", "demo",
                 "--out", device)
    assert done.returncode == 2 and "is a character device, not a regular file" in done.stderr
    assert stat.S_ISCHR(os.stat(device).st_mode)


def test_out_through_a_link_replaces_the_file_it_names_and_the_link_stays(endpoint, clean_env, files,
                                                                          tmp_path):
    real, link = tmp_path / "real.csv", tmp_path / "link.csv"
    real.write_text("old results\n")
    link.symlink_to(real)
    done = batch(clean_env, files["block"], files["contacts"], "--endpoint", endpoint, "--domain", "demo",
                 "--out", link)
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert read_results(real)["id"].tolist() == ["maria", "chens", "nobody", "empty"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.csv", "real.csv"]


def test_out_neutralises_formulas_and_keeps_phone_numbers(endpoint, clean_env, files, tmp_path):
    contacts, out = tmp_path / "formulas.csv", tmp_path / "results.csv"
    contacts.write_text(f'id,{PHONE}\n"=HYPERLINK(""http://x.example/"",""x"")",+15555550100\n'
                        "@SUM(A1),+15555550199\n")
    done = batch(clean_env, files["block"], contacts, "--endpoint", endpoint, "--domain", "demo",
                 "--out", out)
    assert done.returncode == 0, done.stderr
    results = read_results(out)
    assert results["id"].tolist() == ["'=HYPERLINK(\"http://x.example/\",\"x\")", "'@SUM(A1)"]
    assert results[PHONE].tolist() == ["+15555550100", "+15555550199"]
    assert results["branch"].tolist() == ["Success", "NoneFoundError"]


@pytest.fixture
def other_web_server() -> Iterator[str]:
    with web_page_server(404) as url:
        yield url


@pytest.fixture
def web_page_for_200() -> Iterator[str]:
    with web_page_server(200) as url:
        yield url


@pytest.mark.parametrize("where", ["wrong-path", "other-server", "other-server-200"])
def test_an_endpoint_that_answers_no_customer_profiles_call_exits_2_with_one_line(
        endpoint, other_web_server, web_page_for_200, clean_env, files, tmp_path, where):
    url = {"wrong-path": f"{endpoint}/wrong-path", "other-server": other_web_server,
           "other-server-200": web_page_for_200}[where]
    out = tmp_path / "results.csv"
    out.write_text("the user's previous results\n")
    done = batch(clean_env, files["block"], files["contacts"], "--endpoint", url, "--domain", "demo",
                 "--out", out)
    assert done.returncode == 2, done.stderr
    assert done.stdout == "" and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "the run stopped at row 1" in done.stderr
    assert "answered, but not as Customer Profiles" in done.stderr and "with no path" in done.stderr
    assert out.read_text() == "the user's previous results\n"


def test_attempts_is_the_same_for_every_row_and_each_row_says_what_it_used(tmp_path, clean_env, files):
    contacts = tmp_path / "many.csv"
    contacts.write_text(f"id,{PHONE}\n" + "".join(f"{i},+15555550199\n" for i in range(60)))
    out = tmp_path / "results.csv"
    with service_process(tmp_path / "throttled.sqlite3", "--throttle-rate", "1.0") as url:
        done = batch(clean_env, files["block"], contacts, "--endpoint", url, "--domain", "demo", "--out", out,
                     "--attempts", "2", "--max-rate", "500")
    assert done.returncode == 0, done.stderr
    assert "note: at most" not in done.stderr            # no default cap against this machine
    results = read_results(out)
    assert results["branch"].tolist() == ["NoMatchingError"] * 60
    assert results["attempts"].tolist() == ["2"] * 60      # not 3 for the first rows and 1 for the rest
    assert results["reason"].str.contains("ThrottlingException.*after 2 attempts").all()

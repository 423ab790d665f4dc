"""Profiles as CSV through the command line (`python -m profiles_sandbox load|dump`) and checked
with boto3 over loopback against a real local service on the same database: loads, updates,
custom keys, all-or-nothing, dumps that load back to the same profiles."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from profiles_sandbox.__main__ import main
from profiles_sandbox.demo import DEMO_DOMAIN
from profiles_sandbox.server import RunningSandbox, start_in_thread

from .conftest import make_client, search

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def domain() -> str:
    return f"csv-{uuid.uuid4().hex[:10]}"


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the command line in this process: (exit code, stdout, stderr)."""
    previous = signal.getsignal(signal.SIGTERM)
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        signal.signal(signal.SIGTERM, previous)
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, text: str, name: str = "in.csv", bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def load(capsys, own_sandbox: RunningSandbox, path: Path, domain: str) -> tuple[int, str, str]:
    return cli(capsys, "load", str(path), "--db", own_sandbox.db_path, "--domain", domain)


# --- loading -------------------------------------------------------------------------------------
def test_load_creates_the_domain_and_profiles_that_boto3_finds(capsys, own_sandbox, own_client,
        tmp_path, domain):
    csv_file = write(tmp_path, "FirstName,LastName,PhoneNumber,AccountNumber,Address.City,"
                               "ShippingAddress.PostalCode,Attributes.tier,Gender\n"
                               "Ana,Lima,+15550001001,A0,Lisbon,1000-001,gold,FEMALE\n"
                               "Bo,,+15550001002,A1,,,,\n", bom=True)
    code, out, err = load(capsys, own_sandbox, csv_file, domain)
    assert (code, err) == (0, "")
    assert f"loaded domain {domain} (new domain): 2 created, 0 updated" in out

    [ana] = search(own_client, domain, "_phone", "+15550001001")
    assert ana["FirstName"] == "Ana" and ana["Gender"] == "FEMALE"
    assert ana["Address"] == {"City": "Lisbon"} and ana["ShippingAddress"] == {"PostalCode": "1000-001"}
    assert ana["Attributes"] == {"tier": "gold"}
    [bo] = search(own_client, domain, "_fullName", "Bo")
    # Empty cells are "not set": no empty LastName, Address or Attributes.
    assert set(bo) == {"ProfileId", "FirstName", "PhoneNumber", "AccountNumber", "FoundByItems"}


def test_profile_id_present_updates_that_profile_and_absent_creates(capsys, own_sandbox, own_client,
        tmp_path, domain):
    write(tmp_path, "FirstName,LastName,AccountNumber\nAna,Lima,A0\n", "first.csv")
    assert load(capsys, own_sandbox, tmp_path / "first.csv", domain)[0] == 0
    [ana] = search(own_client, domain, "_account", "A0")

    write(tmp_path, "ProfileId,LastName,EmailAddress,AccountNumber\n"
                    f"{ana['ProfileId']},Souza,ana@example.com,\n"
                    ",,new@example.com,A1\n", "second.csv")
    code, out, _ = load(capsys, own_sandbox, tmp_path / "second.csv", domain)
    assert code == 0 and "1 created, 1 updated" in out

    [updated] = search(own_client, domain, "_profileId", ana["ProfileId"])
    # UpdateProfile semantics: given cells replace, empty cells leave the value as it was.
    assert (updated["FirstName"], updated["LastName"], updated["EmailAddress"], updated["AccountNumber"]) == \
        ("Ana", "Souza", "ana@example.com", "A0")
    assert search(own_client, domain, "_fullName", "Ana Lima") == []
    assert len(search(own_client, domain, "_email", "new@example.com")) == 1
    assert own_client.get_domain(DomainName=domain)["Stats"]["ProfileCount"] == 2


def test_key_columns_define_a_custom_key_as_the_demo_does_and_attach_values(
        capsys, own_sandbox, own_client, tmp_path, domain):
    csv_file = write(tmp_path, 'FirstName,AccountNumber,Key.memberId,Key._salesforceAccountId\n'
                               'Ana,A0,M-1,SF-1\n'
                               'Bo,A1,"M-2\nM-3",\n')
    assert load(capsys, own_sandbox, csv_file, domain)[0] == 0

    # The key is declared the way the demo's loyaltyId is: in the Keys of a profile object type.
    [object_type] = own_client.list_profile_object_types(DomainName=domain)["Items"]
    definition = own_client.get_profile_object_type(DomainName=domain,
                                                ObjectTypeName=object_type["ObjectTypeName"])
    assert definition["Keys"] == {"memberId": [{"StandardIdentifiers": ["SECONDARY"],
                                                "FieldNames": ["memberId"]}]}
    assert [p["FirstName"] for p in search(own_client, domain, "memberId", "M-1")] == ["Ana"]
    # Several values in one cell, one per line: each one finds the profile.
    assert [p["FirstName"] for p in search(own_client, domain, "memberId", "M-3")] == ["Bo"]
    assert [p["FirstName"] for p in search(own_client, domain, "memberId", "M-2")] == ["Bo"]
    # A standard integration key needs no definition: its values are attached.
    assert [p["FirstName"] for p in search(own_client, domain, "_salesforceAccountId", "SF-1")] == ["Ana"]

    # Loading more values of a key the domain now has defines nothing new.
    write(tmp_path, "FirstName,AccountNumber,Key.memberId\nCy,A2,M-4\n", "more.csv")
    code, out, _ = load(capsys, own_sandbox, tmp_path / "more.csv", domain)
    assert code == 0 and "new custom key" not in out
    assert len(own_client.list_profile_object_types(DomainName=domain)["Items"]) == 1
    assert [p["FirstName"] for p in search(own_client, domain, "memberId", "M-4")] == ["Cy"]


def test_a_key_named_like_an_existing_object_type_gets_its_own(capsys, own_sandbox, own_client, tmp_path):
    # The demo domain has the object type "Loyalty"; a key "Loyalty" must not replace it.
    priya = search(own_client, DEMO_DOMAIN, "_account", "A-7001")[0]
    csv_file = write(tmp_path, f"ProfileId,Key.Loyalty\n{priya['ProfileId']},L-77\n")
    assert load(capsys, own_sandbox, csv_file, DEMO_DOMAIN)[0] == 0
    loyalty = own_client.get_profile_object_type(DomainName=DEMO_DOMAIN, ObjectTypeName="Loyalty")
    assert "loyaltyId" in loyalty["Keys"]
    assert [p["FirstName"] for p in search(own_client, DEMO_DOMAIN, "Loyalty", "L-77")] == ["Priya"]
    assert [p["FirstName"] for p in search(own_client, DEMO_DOMAIN, "loyaltyId", "LOY-1001")] == ["Maria"]


# --- all or nothing --------------------------------------------------------------------------------
def test_one_bad_row_writes_nothing_and_the_errors_name_row_and_column(capsys, own_sandbox,
        own_client, tmp_path):
    before = own_client.get_domain(DomainName=DEMO_DOMAIN)["Stats"]["ProfileCount"]
    maria = search(own_client, DEMO_DOMAIN, "_account", "A-1001")[0]
    long_name = "x" * 256
    csv_file = write(tmp_path, "ProfileId,FirstName,Gender,PhoneNumber,Key.newKey\n"
                               f"{maria['ProfileId']},Mary,,,N-1\n"
                               ",Good,MALE,+15550002001,N-2\n"
                               ",Bad,MAL,+15550002002,\n"
                               f",{long_name},,,\n")
    code, out, err = load(capsys, own_sandbox, csv_file, DEMO_DOMAIN)
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert lines[0] == ("profiles_sandbox: row 4, column Gender: Value 'MAL' at 'Gender' failed to satisfy "
                        "constraint: Member must satisfy enum value set: [MALE, FEMALE, UNSPECIFIED]")
    assert lines[1].startswith("profiles_sandbox: row 5, column FirstName: Value at 'FirstName' "
                               "(256 characters)")
    assert lines[-1] == f"profiles_sandbox: nothing was written: 2 errors in 2 rows of {csv_file}"
    # Nothing: not the good rows, not the update, not the new key.
    assert own_client.get_domain(DomainName=DEMO_DOMAIN)["Stats"]["ProfileCount"] == before
    assert search(own_client, DEMO_DOMAIN, "_phone", "+15550002001") == []
    assert search(own_client, DEMO_DOMAIN, "_profileId", maria["ProfileId"])[0]["FirstName"] == "Maria"
    assert "newKey" not in str(own_client.list_profile_object_types(DomainName=DEMO_DOMAIN)["Items"])


@pytest.mark.parametrize("text, expected", [
    ("FirstName,Adress.City\nA,B\n", "row 1, column Adress.City: unknown column: did you mean Address.City?"),
    ("FirstName,FirstName\nA,B\n", "row 1, column FirstName: the column appears twice"),
    ("FirstName,Address\nA,B\n", "row 1, column Address: 'Address' is an address: give its parts as"),
    ("FirstName,Key.bad key\nA,B\n", "row 1, column Key.bad key: Value 'bad key' at 'KeyName'"),
    ("FirstName,Key._profileId\nA,B\n", "_profileId is derived from the profile itself"),
    ("FirstName,Key._mine\nA,B\n", "names starting with '_' are the service's own keys"),
    ("FirstName\nA,B\n", "row 2: it has 2 cells but the header names 1 columns"),
    ("ProfileId,FirstName\nnot-an-id,A\n",
     "row 2, column ProfileId: ProfileId 'not-an-id' is not in this domain"),
    ("ProfileId,FirstName\n" + "a" * 32 + ",A\n" + "a" * 32 + ",B\n",
     "row 3, column ProfileId: ProfileId " + "a" * 32 + " is also on row 2"),
    ("FirstName,EngagementPreferences\nA,{not json\n", "row 2, column EngagementPreferences: not JSON"),
])
def test_rejected_files_name_row_and_column(capsys, own_sandbox, tmp_path, domain, text, expected):
    code, out, err = load(capsys, own_sandbox, write(tmp_path, text), domain)
    assert code == 1, err
    assert expected in err
    assert "Traceback" not in err


@pytest.mark.parametrize("data, expected", [
    (b"\xff\xfeF\x00i\x00", "is not UTF-8 text (byte 1 is not UTF-8)"),
    ("FirstName,LastName\nA,B\n".encode("utf-16-le"), "holds NUL bytes in its header row"),
    (b"", "has no header row"),
    (b'FirstName,LastName\n"A"x,B\n', "row 2:"),
])
def test_unreadable_files_exit_2_with_one_line_and_write_nothing(capsys, tmp_path, data, expected):
    path = tmp_path / "in.csv"
    path.write_bytes(data)
    db = tmp_path / "new.sqlite3"
    code, out, err = cli(capsys, "load", str(path), "--db", str(db), "--domain", "x")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and expected in err
    assert list(tmp_path.iterdir()) == [path]


def test_a_rejected_load_into_a_new_database_leaves_no_file_nor_folder(capsys, tmp_path):
    csv_file = write(tmp_path, "FirstName,Gender\nA,WRONG\n")
    db = tmp_path / "made" / "for" / "it.sqlite3"
    code, _, err = cli(capsys, "load", str(csv_file), "--db", str(db), "--domain", "x")
    assert code == 1 and "row 2, column Gender" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_a_load_into_a_new_database_seeds_it_like_serving_does(capsys, tmp_path):
    csv_file = write(tmp_path, "FirstName,PhoneNumber\nAna,+15550003001\n")
    db = tmp_path / "fresh.sqlite3"
    assert cli(capsys, "load", str(csv_file), "--db", str(db), "--domain", "mine")[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh.sqlite3", "in.csv"]   # no temp files
    running = start_in_thread(db, seed="demo")
    try:
        own_client = make_client(running.endpoint_url)
        assert sorted(d["DomainName"] for d in own_client.list_domains()["Items"]) == ["demo", "mine"]
        assert search(own_client, "mine", "_phone", "+15550003001")[0]["FirstName"] == "Ana"
    finally:
        running.stop()


@pytest.mark.parametrize("args, expected", [
    (["--domain", "bad name"], "--domain 'bad name': Value 'bad name' at 'DomainName'"),
    (["--domain", "x", "--seed", "lots"], "unknown seed 'lots'"),
    ([], "the following arguments are required: --domain"),
])
def test_bad_load_arguments_exit_2(capsys, tmp_path, args, expected):
    csv_file = write(tmp_path, "FirstName\nA\n")
    code, _, err = cli(capsys, "load", str(csv_file), "--db", str(tmp_path / "x.sqlite3"), *args)
    assert code == 2 and expected in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.sqlite3").exists()


def test_load_refuses_a_missing_file_and_a_db_that_is_a_folder(capsys, tmp_path):
    code, _, err = cli(capsys, "load", str(tmp_path / "nope.csv"), "--db", str(tmp_path / "x.sqlite3"),
                       "--domain", "x")
    assert code == 2 and "cannot read" in err and "No such file" in err
    csv_file = write(tmp_path, "FirstName\nA\n")
    code, _, err = cli(capsys, "load", str(csv_file), "--db", str(tmp_path), "--domain", "x")
    assert code == 2 and "is a folder" in err


# --- dumping -------------------------------------------------------------------------------------
def test_a_dump_loads_back_to_the_same_profiles(capsys, own_sandbox, own_client, tmp_path):
    code, dumped, err = cli(capsys, "dump", "--db", own_sandbox.db_path, "--domain", DEMO_DOMAIN)
    assert code == 0 and err == ""
    (tmp_path / "demo.csv").write_text(dumped, encoding="utf-8", newline="")

    db = tmp_path / "copy.sqlite3"
    assert cli(capsys, "load", str(tmp_path / "demo.csv"), "--db", str(db), "--domain", "copy",
               "--seed", "none")[0] == 0
    assert cli(capsys, "dump", "--db", str(db), "--domain", "copy")[1] == dumped

    ids = [row["ProfileId"] for row in csv.DictReader(io.StringIO(dumped))]
    copy = start_in_thread(db, seed="none")
    try:
        other = make_client(copy.endpoint_url)
        assert len(ids) == own_client.get_domain(DomainName=DEMO_DOMAIN)["Stats"]["ProfileCount"] > 20
        for profile_id in ids:
            [original] = search(own_client, DEMO_DOMAIN, "_profileId", profile_id)
            [copied] = search(other, "copy", "_profileId", profile_id)
            assert copied == original
        # Attached keys came back too.
        assert [p["FirstName"] for p in search(other, "copy", "loyaltyId", "LOY-2002")] == ["James", "Linda"]
    finally:
        copy.stop()


def test_dump_writes_only_the_columns_in_use(capsys, own_sandbox, tmp_path, domain):
    write(tmp_path, "LastName,FirstName,Attributes.b,Attributes.a,Key.k\nLima,Ana,2,1,K1\n")
    assert load(capsys, own_sandbox, tmp_path / "in.csv", domain)[0] == 0
    code, dumped, _ = cli(capsys, "dump", "--db", own_sandbox.db_path, "--domain", domain)
    header, row = dumped.splitlines()
    assert header == "ProfileId,FirstName,LastName,Attributes.b,Attributes.a,Key.k"
    assert row.endswith(",Ana,Lima,2,1,K1")


def test_dump_out_replaces_the_file_whole_and_keeps_a_link(capsys, own_sandbox, tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old\n")
    real.chmod(0o640)
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    code, out, err = cli(capsys, "dump", "--db", own_sandbox.db_path, "--domain", DEMO_DOMAIN,
                         "--out", str(link))
    assert code == 0 and out == "" and "profiles of domain demo" in err
    assert link.is_symlink() and real.read_text(encoding="utf-8").startswith("ProfileId,")
    assert (real.stat().st_mode & 0o777) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.csv", "real.csv"]   # no temp file left


def test_dump_out_never_writes_over_a_fifo_or_a_folder(capsys, own_sandbox, tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    code, _, err = cli(capsys, "dump", "--db", own_sandbox.db_path, "--domain", DEMO_DOMAIN,
                       "--out", str(fifo))
    assert code == 2 and "is a named pipe (FIFO), not a regular file; --out needs" in err
    assert fifo.is_fifo()
    code, _, err = cli(capsys, "dump", "--db", own_sandbox.db_path, "--domain", DEMO_DOMAIN,
                       "--out", str(tmp_path))
    assert code == 2 and "is a folder" in err


def test_dump_of_a_missing_database_or_domain_exits_2_and_creates_nothing(capsys, own_sandbox, tmp_path):
    code, _, err = cli(capsys, "dump", "--db", str(tmp_path / "none.sqlite3"), "--domain", "x")
    assert code == 2 and "there is no database at" in err
    assert list(tmp_path.iterdir()) == []
    code, _, err = cli(capsys, "dump", "--db", own_sandbox.db_path, "--domain", "nope")
    assert code == 2 and "there is no domain 'nope'" in err and "demo" in err


# --- the real command line ---------------------------------------------------------------------
def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "profiles_sandbox", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, input=stdin)


def test_the_real_command_line_loads_from_stdin_and_dumps_to_a_closed_pipe(own_sandbox, own_client,
        tmp_path, domain):
    result = run("load", "-", "--db", own_sandbox.db_path, "--domain", domain,
                 stdin="FirstName,PhoneNumber\nZed,+15550004001\n")
    assert result.returncode == 0, result.stderr
    assert search(own_client, domain, "_phone", "+15550004001")[0]["FirstName"] == "Zed"
    assert run("load", "-", "--db", own_sandbox.db_path, "--domain", domain,
               stdin="FirstName,Gender\nZed,X\n").returncode == 1
    dump = subprocess.run(f"'{sys.executable}' -m profiles_sandbox dump --db '{own_sandbox.db_path}' "
                          "--domain demo | head -c 10", shell=True, cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert dump.stdout == "ProfileId,"
    assert "Traceback" not in dump.stderr

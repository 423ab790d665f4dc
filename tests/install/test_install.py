"""The project as a CI job of another repository uses it: a wheel installed in a fresh virtualenv,
its console scripts, the pre-commit hook through ``pre-commit try-repo``, and a ``validate`` that
needs neither streamlit nor boto3.

Everything runs offline: the virtualenvs are seeded by ``virtualenv`` (which brings pip and a
setuptools that builds wheels), pip is told ``--no-index``, and the package's own dependencies
are not installed where the commands under test must not need them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
REAL_FLOWS = ROOT / "tests" / "fixtures" / "real-flows"
HEAVY = ("streamlit", "boto3", "botocore", "pandas")
# No registry is asked: pip gets no index, virtualenv does not look for newer seed wheels.
OFFLINE = {"PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1",
           "VIRTUALENV_NO_PERIODIC_UPDATE": "1"}


def run(*args: str | Path, cwd: Path = ROOT, env: dict[str, str] | None = None,
        timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], cwd=cwd, env={**os.environ, **(env or {})},
                          capture_output=True, text=True, timeout=timeout, check=False)


def flows_folder(tmp: Path) -> Path:
    """A folder of flows: two real ones (a legacy-request warning; clean) and a package.json."""
    folder = tmp / "flows"
    folder.mkdir()
    for name in ("01-sbs-agentworkspace-guide.json", "09-starterkit-jp-main-inbound.json"):
        shutil.copyfile(REAL_FLOWS / name, folder / name)
    (tmp / "package.json").write_text('{"name": "flows"}\n', encoding="utf-8")
    return folder


@pytest.mark.parametrize("command", [
    ["validate", "tests/unit/fixtures/flow_with_two_blocks.json", "--format", "sarif"],
    ["new", "--id", "_phone=$.CustomerEndpoint.Address", "--field", "FirstName", "--flow"],
])
def test_validate_and_new_import_neither_streamlit_nor_boto3(command: list[str]) -> None:
    code = ("import sys\nfrom profile_block.cli import main\n"
            f"code = main({command!r})\n"
            f"print({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}), code, file=sys.stderr)")
    done = run(sys.executable, "-c", code, timeout=60)
    assert done.stderr.strip().splitlines()[-1] == "set() 0", done.stderr


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built offline in a fresh virtualenv (setuptools from virtualenv's seed)."""
    tmp = tmp_path_factory.mktemp("wheel")
    builder = tmp / "builder"
    made = run(sys.executable, "-m", "virtualenv", "--quiet", "--seeder", "app-data", builder,
               env=OFFLINE, timeout=120)
    assert made.returncode == 0, made.stderr
    # Built from a copy: setuptools writes build/ and *.egg-info/ into the tree it builds.
    source = tmp / "source"
    for name in ("pyproject.toml", "README.md", "requirements-core.txt"):
        source.mkdir(exist_ok=True)
        shutil.copyfile(ROOT / name, source / name)
    for package in ("profile_block", "profiles_sandbox", "studio_files"):
        if (ROOT / package).is_dir():
            shutil.copytree(ROOT / package, source / package,
                            ignore=shutil.ignore_patterns("__pycache__"))
    built = run(builder / "bin" / "python", "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                "--wheel-dir", tmp / "dist", source, env=OFFLINE)
    assert built.returncode == 0, built.stdout + built.stderr
    (found,) = (tmp / "dist").glob("get_profile_block_studio-*.whl")
    return found


def test_the_wheel_holds_the_two_packages_their_scripts_and_dependencies(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        tops = {name.split("/")[0] for name in names if "/" in name and ".dist-info" not in name}
        info = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = archive.read(info).decode()
        scripts = archive.read(info.replace("METADATA", "entry_points.txt")).decode()
    assert tops <= {"profile_block", "profiles_sandbox", "studio_files"}
    assert {"profile_block", "profiles_sandbox"} <= tops
    assert "profile-block = profile_block.cli:main" in scripts
    assert "profiles-sandbox = profiles_sandbox.__main__:main" in scripts
    requires = {str(Requirement(line.split(":", 1)[1])) for line in metadata.splitlines()
                if line.startswith("Requires-Dist:")}
    core = {str(Requirement(line)) for line in (ROOT / "requirements-core.txt").read_text().splitlines()
            if line and not line.startswith("#")}
    assert requires == core


def test_an_installed_wheel_runs_profile_block_validate_without_its_heavy_dependencies(
        wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    assert run(sys.executable, "-m", "virtualenv", "--quiet", venv, env=OFFLINE, timeout=120).returncode == 0
    installed = run(venv / "bin" / "python", "-m", "pip", "install", "--no-deps", wheel, env=OFFLINE)
    assert installed.returncode == 0, installed.stderr
    # Nothing but the wheel: no streamlit, boto3 or pandas in this environment.
    missing = run(venv / "bin" / "python", "-c", f"import importlib.util as u; "
                  f"print([m for m in {HEAVY!r} if u.find_spec(m)])")
    assert missing.stdout.strip() == "[]"

    repo = tmp_path / "repo"
    repo.mkdir()
    folder = flows_folder(repo)
    done = run(venv / "bin" / "profile-block", "validate", "--format", "json", ".", cwd=repo, timeout=60)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert [(p["file"], p["line"], p["column"]) for p in report["problems"]] == [
        ("flows/01-sbs-agentworkspace-guide.json", 343, 9)]
    assert report["skipped"] == ["package.json"] and report["summary"]["files"] == 2
    assert (folder / "01-sbs-agentworkspace-guide.json").read_bytes() == \
        (REAL_FLOWS / "01-sbs-agentworkspace-guide.json").read_bytes()

    sarif = run(venv / "bin" / "profile-block", "validate", "--format", "sarif", "flows", cwd=repo)
    driver = json.loads(sarif.stdout)["runs"][0]["tool"]["driver"]
    assert driver["name"] == "profile-block" and driver["version"] == "0.1.0"   # from the installed metadata

    new = run(venv / "bin" / "profile-block", "new", "--id", "_phone=$.CustomerEndpoint.Address")
    assert new.returncode == 0 and json.loads(new.stdout)["Type"] == "GetCustomerProfile"
    # Its messages name it as it was called, not as `python -m profile_block`.
    missing = run(venv / "bin" / "profile-block", "validate", "no-such-flow.json", cwd=repo)
    assert missing.returncode == 2 and missing.stderr.startswith("profile-block: "), missing.stderr
    assert "python -m" not in missing.stderr


def test_the_installed_profiles_sandbox_command_runs(wheel: Path, tmp_path: Path) -> None:
    """With its dependencies present (here: the test run's own, through a .pth file, as no
    registry is asked), the console script serves --help and dumps an empty domain."""
    venv = tmp_path / "venv"
    assert run(sys.executable, "-m", "virtualenv", "--quiet", venv, env=OFFLINE, timeout=120).returncode == 0
    installed = run(venv / "bin" / "python", "-m", "pip", "install", "--no-deps", wheel, env=OFFLINE)
    assert installed.returncode == 0, installed.stderr
    site = run(venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    ours = run(sys.executable, "-c",
               "import boto3, os; print(os.path.dirname(os.path.dirname(boto3.__file__)))")
    (Path(site.stdout.strip()) / "deps.pth").write_text(ours.stdout.strip() + "\n", encoding="utf-8")
    helped = run(venv / "bin" / "profiles-sandbox", "--help", cwd=tmp_path, timeout=60)
    assert helped.returncode == 0 and "Local Amazon Connect Customer Profiles service" in helped.stdout
    assert helped.stdout.startswith("usage: profiles-sandbox ")
    assert "'profiles-sandbox load --help'" in helped.stdout
    where = run(venv / "bin" / "python", "-c", "import profiles_sandbox; print(profiles_sandbox.__file__)",
                cwd=tmp_path)
    assert where.stdout.startswith(str(venv))   # the installed copy, not the checkout


def test_pre_commit_try_repo_runs_the_hook_on_staged_flows(tmp_path: Path) -> None:
    """The hook as published (language: python): pre-commit installs this repository into its own
    virtualenv (offline: no index, no dependencies, no build isolation; validate needs none)."""
    repo = tmp_path / "flows-repo"
    repo.mkdir()
    assert run("git", "init", "--quiet", cwd=repo).returncode == 0
    flows_folder(repo)
    bad = json.loads((REAL_FLOWS / "09-starterkit-jp-main-inbound.json").read_text(encoding="utf-8"))
    (repo / "flows" / "unstaged.json").write_text("not json", encoding="utf-8")   # not staged: not checked
    staged = ["flows/01-sbs-agentworkspace-guide.json", "flows/09-starterkit-jp-main-inbound.json",
              "package.json"]
    assert run("git", "add", *staged, cwd=repo).returncode == 0
    env = {**OFFLINE, "PIP_NO_DEPS": "1", "PIP_NO_BUILD_ISOLATION": "0",
           "PRE_COMMIT_HOME": str(tmp_path / "cache"), "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com"}
    try_repo = (sys.executable, "-m", "pre_commit", "try-repo", ROOT, "validate-get-profile-blocks")
    passed = run(*try_repo, cwd=repo, env=env)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Get profile blocks of Amazon Connect flows" in passed.stdout and "Passed" in passed.stdout

    # A staged flow with an error fails the commit, with the problem at its line and column.
    (block,) = [a for a in bad["Actions"] if a["Type"] == "GetCustomerProfile"]
    block["Parameters"]["ProfileRequestData"]["IdentifierValue"] = ""
    (repo / "flows" / "bad.json").write_text(json.dumps(bad, indent=2), encoding="utf-8")
    assert run("git", "add", "flows/bad.json", cwd=repo).returncode == 0
    failed = run(*try_repo, cwd=repo, env=env)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    text = (repo / "flows" / "bad.json").read_text(encoding="utf-8")
    pos = text.index('"IdentifierValue": ""')
    line, col = text.count("\n", 0, pos) + 1, pos - text.rfind("\n", 0, pos)
    assert f"flows/bad.json:{line}:{col}: " in failed.stdout
    assert ": error: criterion 1 value: " in failed.stdout
    assert "unstaged.json" not in failed.stdout

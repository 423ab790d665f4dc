"""python -m profiles_sandbox: serve the local Customer Profiles service in the foreground, or
load / dump a domain's profiles as CSV (the format: ``csv_io``).

    python -m profiles_sandbox [--port N] [--db PATH] ...               serve
    python -m profiles_sandbox load FILE.csv --db PATH --domain NAME    all or nothing
    python -m profiles_sandbox dump --db PATH --domain NAME [--out FILE.csv]

Exit codes. Serve: 0 after a clean stop (Ctrl-C or SIGTERM), 2 for bad arguments, a database path
or an address that cannot be used. Load: 0 loaded, 1 rows rejected (nothing written; each error
names its row and column), 2 unreadable file or unusable arguments. Dump: 0 written, 1 the output
was closed early, 2 unusable arguments. Errors are one line each on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import logging
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import FrameType
from typing import BinaryIO, NoReturn

from studio_files.atomic_output import OutputRefused, write_replacing

from . import csv_io
from .demo import parse_seed
from .store import DEFAULT_DB_PATH, Store, StoreUnusable, check_database_path, is_new_database, open_store

# The HTTP side (.api, .server: starlette, uvicorn) is imported by the commands that serve only:
# load and dump start faster without it.

PROG = "profiles_sandbox"
# How the user called the command, for its usage lines: the installed console script or the module.
COMMAND = "profiles-sandbox" if os.path.basename(sys.argv[0]) == "profiles-sandbox" else f"python -m {PROG}"
EXIT_OK, EXIT_REJECTED, EXIT_UNUSABLE = 0, 1, 2
MAX_SHOWN_ERRORS = 50


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit code 2."""

    def error(self, message: str) -> NoReturn:
        fail(f"{message} (see --help)")


def fail(message: str) -> NoReturn:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    from .server import DEFAULT_ACCESS_KEY
    parser = OneLineParser(prog=COMMAND,
                           description="Local Amazon Connect Customer Profiles service for boto3.",
                           epilog=f"Profiles as CSV: '{COMMAND} load --help', "
                                  f"'{COMMAND} dump --help'.")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=4599, help="TCP port, 0 for any free one (default 4599)")
    parser.add_argument("--db", default=DEFAULT_DB_PATH, help=f"SQLite file (default {DEFAULT_DB_PATH})")
    parser.add_argument("--seed", default="demo",
                        help="data for a NEW database file: demo, synthetic:N, none, or a comma list "
                             "(default demo; an existing file is never re-seeded)")
    parser.add_argument("--latency-ms", type=int, default=0, help="delay added to every profile call "
                        "(SearchProfiles, CreateProfile, ...; not domain calls such as ListDomains)")
    parser.add_argument("--throttle-rate", type=float, default=0.0,
                        help="share of profile calls answered with ThrottlingException (0..1)")
    parser.add_argument("--error-rate", type=float, default=0.0,
                        help="share of profile calls answered with InternalServerException (0..1)")
    parser.add_argument("--access-key", default=DEFAULT_ACCESS_KEY,
                        help="the only access key id accepted in signed requests (default sandbox)")
    parser.add_argument("--allow-remote", action="store_true",
                        help="allow a non-loopback --host (exposes the service to the network)")
    parser.add_argument("--quiet", action="store_true", help="do not log one line per request")
    return parser


def stop_like_ctrl_c(signum: int, frame: FrameType | None) -> None:
    """SIGTERM handler: stop the way Ctrl-C does (close the database cleanly, exit 0).

    uvicorn handles SIGTERM while it serves, then raises the signal again once it has stopped;
    with the default handler that killed the process (exit 143) before the database was closed,
    leaving its -wal and -shm files behind.
    """
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, stop_like_ctrl_c)
    arguments = list(sys.argv[1:] if argv is None else argv)
    command = {"load": load, "dump": dump}.get(arguments[0] if arguments else "")
    if command is None:
        return serve(arguments)
    try:
        return command(arguments[1:])
    except KeyboardInterrupt:     # Ctrl-C or SIGTERM: the transaction rolled back, temp files went
        print(f"{PROG}: interrupted: nothing was written", file=sys.stderr)
        return EXIT_REJECTED


def serve(argv: list[str]) -> int:
    from .api import is_loopback
    from .server import bind_socket, endpoint_url, make_server
    args = build_parser().parse_args(argv)
    if not is_loopback(args.host) and not args.allow_remote:
        fail(f"--host {args.host} is not a loopback address; the sandbox serves this machine only "
             "(add --allow-remote to override)")
    if not 0 <= args.port <= 65535:
        fail(f"--port must be between 0 and 65535, got {args.port}")
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s profiles_sandbox %(message)s")
    try:
        server, store = make_server(args.db, seed=args.seed, access_key=args.access_key,
                                    latency_ms=args.latency_ms, throttle_rate=args.throttle_rate,
                                    error_rate=args.error_rate, log_requests=not args.quiet,
                                    host=args.host)
    except ValueError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot open the database {args.db}: {exc.strerror or exc}")
    except KeyboardInterrupt:   # stopped while seeding: the half-built file is already gone
        return 0
    try:
        sock = bind_socket(args.host, args.port)
    except OSError as exc:
        store.close()
        fail(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")
    url = endpoint_url(args.host, sock.getsockname()[1])
    seeded = f", seeded with {args.seed}" if store.seeded else ""
    logging.getLogger(PROG).info("serving %s (db %s%s); Ctrl-C stops", url, args.db, seeded)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
        store.close()
    return 0


# --- load and dump: profiles as CSV -------------------------------------------------------------

def build_load_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog=f"{COMMAND} load",
                           description="Load profiles from a CSV file into a domain: every row is checked "
                                       "first, and if any row is bad nothing is written.",
                           epilog="exit codes: 0 loaded, 1 rows rejected (nothing written), 2 unreadable "
                                  "file or unusable arguments")
    parser.add_argument("file", metavar="FILE.csv", help="UTF-8 CSV (with or without BOM); - reads stdin")
    parser.add_argument("--db", default=DEFAULT_DB_PATH, help=f"SQLite file (default {DEFAULT_DB_PATH})")
    parser.add_argument("--domain", required=True, help="domain to load into (created when missing)")
    parser.add_argument("--seed", default="demo",
                        help="data for a NEW database file, as when serving (default demo)")
    return parser


def build_dump_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog=f"{COMMAND} dump",
                           description="Write a domain's profiles as CSV (the format load reads).",
                           epilog="exit codes: 0 written, 1 the output was closed early, 2 unusable "
                                  "arguments")
    parser.add_argument("--db", default=DEFAULT_DB_PATH, help=f"SQLite file (default {DEFAULT_DB_PATH})")
    parser.add_argument("--domain", required=True, help="domain to dump")
    parser.add_argument("--out", metavar="FILE.csv",
                        help="write here (replaced whole, never half-written); default: stdout")
    return parser


def load(argv: list[str]) -> int:
    """``load FILE.csv --db PATH --domain NAME``: all or nothing."""
    # A one-shot command whose rows make no reference cycles: the cyclic collector's passes over
    # the heap (botocore's model, a chunk of rows) cost about a third of checking them.
    with _no_cyclic_gc():
        return _load_command(build_load_parser().parse_args(argv))


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _load_command(args: argparse.Namespace) -> int:
    try:
        seeders = parse_seed(args.seed)
    except ValueError as exc:
        fail(str(exc))
    problem = csv_io.domain_name_problem(args.domain)
    if problem:
        fail(f"--domain {args.domain!r}: {problem}")
    try:
        source = _open_source(args.file)
    except OSError as exc:
        fail(f"cannot read {args.file}: {exc.strerror or exc}")
    with source:
        header, rows = _open_csv(source, args)
        target = _usable_path(args.db, "--db")
        try:
            if is_new_database(target):
                code = _load_into_new_database(target, seeders, args, header, rows)
                if code is not None:
                    return code
                # Another process made the file meanwhile: load into it (rows read again).
                source.seek(0)
                header, rows = _open_csv(source, args)
            store = open_store(target)
        except (StoreUnusable, OSError) as exc:
            fail(f"cannot open the database {args.db}: {getattr(exc, 'strerror', None) or exc}")
        try:
            return _load(store, args, header, rows)
        finally:
            store.close()


def _open_source(name: str) -> BinaryIO:
    """The CSV's bytes as a seekable file: stdin or a pipe is copied to a temporary file first (a
    load that finds its new database made by another process meanwhile reads the rows again, and
    an error names the byte that is not UTF-8 by reading from the start)."""
    given = sys.stdin.buffer if name == "-" else open(name, "rb")  # noqa: SIM115 (closed below or by the caller)
    if given.seekable():
        return given
    copy = tempfile.TemporaryFile()
    try:
        shutil.copyfileobj(given, copy)
    finally:
        if given is not sys.stdin.buffer:
            given.close()
    copy.seek(0)
    return copy


def _open_csv(source: BinaryIO, args: argparse.Namespace) -> tuple[list[str], Iterator[csv_io.Row]]:
    try:
        return csv_io.open_csv(source)
    except csv_io.CsvUnreadable as exc:
        fail(f"cannot read {args.file}: {exc}")


def _load(store: Store, args: argparse.Namespace, header: list[str], rows: Iterator[csv_io.Row]) -> int:
    try:
        with store.domain_load(args.domain, write=True) as target:
            _, result = csv_io.run_load(target, header, rows, commit=True)
    except csv_io.LoadRejected as rejected:
        return _rejected(rejected.plan, args)
    except csv_io.CsvUnreadable as exc:
        fail(f"cannot read {args.file}: {exc}; nothing was written")
    assert result is not None
    print(csv_io.describe_result(result, args.domain) + f" ({args.db})")
    return EXIT_OK


def _rejected(plan: csv_io.LoadPlan, args: argparse.Namespace) -> int:
    for error in plan.errors[:MAX_SHOWN_ERRORS]:
        print(f"{PROG}: {error}", file=sys.stderr)
    more = plan.error_count - min(len(plan.errors), MAX_SHOWN_ERRORS)
    if more > 0:
        print(f"{PROG}: ... and {more:,} more error{'s' if more > 1 else ''}", file=sys.stderr)
    count, rows = plan.error_count, plan.bad_rows
    print(f"{PROG}: nothing was written: {count:,} error{'s' if count > 1 else ''} "
          f"in {rows:,} row{'s' if rows > 1 else ''} of {args.file}", file=sys.stderr)
    return EXIT_REJECTED


def _load_into_new_database(target: Path, seeders: list, args: argparse.Namespace, header: list[str],
                            rows: Iterator[csv_io.Row]) -> int | None:
    """Build the new database the way seeding does, the rows loaded after the seeds, and give it
    its name only once every row is in: a rejected load leaves no file (nor folder) behind. None
    when another process made the database meanwhile (this load then goes into that file)."""
    made = [p for p in (target.parent, *target.parent.parents) if not p.exists()]
    loaded: list[csv_io.LoadResult] = []
    code: int | None = EXIT_REJECTED
    try:
        store = open_store(target, [*seeders, csv_io.load_seeder(args.domain, header, rows,
                                                                 lambda _, result: loaded.append(result))])
        store.close()
        if not store.seeded:
            code = None
            return code
        code = EXIT_OK
        print(csv_io.describe_result(loaded[0], args.domain) + f" ({args.db})")
        return code
    except csv_io.LoadRejected as rejected:
        return _rejected(rejected.plan, args)
    except csv_io.CsvUnreadable as exc:
        fail(f"cannot read {args.file}: {exc}; nothing was written")
    finally:
        if code != EXIT_OK:
            for folder in made:                 # innermost first; only the ones made here
                if folder.exists() and not any(folder.iterdir()):
                    folder.rmdir()


def dump(argv: list[str]) -> int:
    """``dump --db PATH --domain NAME [--out FILE.csv]``."""
    args = build_dump_parser().parse_args(argv)
    target = _usable_path(args.db, "--db")
    if is_new_database(target):
        fail(f"there is no database at {args.db}")
    try:
        store = open_store(target)
    except (StoreUnusable, OSError) as exc:
        fail(f"cannot open the database {args.db}: {getattr(exc, 'strerror', None) or exc}")
    try:
        if store.domain_state(args.domain) is None:
            names = ", ".join(d["DomainName"] for d in store.list_domains(limit=20)[0]) or "none"
            fail(f"there is no domain {args.domain!r} in {args.db} (its domains: {names})")
        if args.out and args.out != "-":     # - is stdout, as without --out
            try:
                count = write_replacing(args.out, lambda out: csv_io.dump(store, args.domain, out), "--out")
            except OutputRefused as exc:
                fail(str(exc))
            except OSError as exc:
                fail(f"cannot write {args.out}: {exc.strerror or exc}")
            print(f"wrote {count:,} profile{'s' if count != 1 else ''} of domain {args.domain} to {args.out}",
                  file=sys.stderr)
            return EXIT_OK
        return _dump_to_stdout(store, args.domain)
    finally:
        store.close()


def _dump_to_stdout(store: Store, domain: str) -> int:
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=False)
    try:
        csv_io.dump(store, domain, out)
        out.flush()
    except BrokenPipeError:   # e.g. ... | head -1
        _drop_unwritten_output()
        print(f"{PROG}: the output was closed before all of it was written (broken pipe)", file=sys.stderr)
        return EXIT_REJECTED
    finally:
        out.detach()
    return EXIT_OK


def _drop_unwritten_output() -> None:
    """After a broken pipe: send what is still buffered to /dev/null, so that the interpreter's
    final flush does not fail again (and print "Exception ignored ...")."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout is not a file descriptor (e.g. captured in tests)
        pass


def _usable_path(given: str, option: str) -> Path:
    """The database path to use: a regular file (a link's target) or a new name; else exit 2."""
    target = Path(given)
    try:
        check_database_path(target, option)
    except StoreUnusable as exc:
        fail(str(exc))
    return Path(os.path.realpath(target)) if target.is_symlink() else target


if __name__ == "__main__":
    raise SystemExit(main())

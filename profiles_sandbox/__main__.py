"""python -m profiles_sandbox: serve the local Customer Profiles service in the foreground.

Exit codes: 0 after a clean stop (Ctrl-C or SIGTERM), 2 for bad arguments, a database path or
an address that cannot be used, always with one line on stderr and no traceback.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from types import FrameType
from typing import NoReturn

from .api import is_loopback
from .server import DEFAULT_ACCESS_KEY, DEFAULT_DB_PATH, bind_socket, endpoint_url, make_server

PROG = "profiles_sandbox"


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit code 2."""

    def error(self, message: str) -> NoReturn:
        fail(f"{message} (see --help)")


def fail(message: str) -> NoReturn:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog=f"python -m {PROG}",
                           description="Local Amazon Connect Customer Profiles service for boto3.")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=4599, help="TCP port, 0 for any free one (default 4599)")
    parser.add_argument("--db", default=DEFAULT_DB_PATH, help=f"SQLite file (default {DEFAULT_DB_PATH})")
    parser.add_argument("--seed", default="demo",
                        help="data for a NEW database file: demo, synthetic:N, none, or a comma list "
                             "(default demo; an existing file is never re-seeded)")
    parser.add_argument("--latency-ms", type=int, default=0, help="delay added to every API call")
    parser.add_argument("--throttle-rate", type=float, default=0.0,
                        help="share of API calls answered with ThrottlingException (0..1)")
    parser.add_argument("--error-rate", type=float, default=0.0,
                        help="share of API calls answered with InternalServerException (0..1)")
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


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, stop_like_ctrl_c)
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


if __name__ == "__main__":
    raise SystemExit(main())

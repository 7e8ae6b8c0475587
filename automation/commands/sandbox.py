"""`sandbox serve` and `sandbox generate`: the built-in sandbox Seller Central, a program apart from the
agent (it reads no settings file and writes no log file)."""

from __future__ import annotations

import argparse
from pathlib import Path

from automation.commands.invocation import Invocation
from automation.errors import ExitCode


def serve_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scenario", type=Path, help="scenario file (default: the bundled demo)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default loopback only)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--session-minutes", type=float, default=720.0, help="sessions expire after this")
    parser.add_argument(
        "--maildir",
        type=Path,
        metavar="DIR",
        help="write Amazon's e-mails to the seller (one per cancellation request and per buyer message) "
        "into this Maildir, created if missing",
    )


def cmd_serve(inv: Invocation) -> int:
    from automation.sandbox.server import serve
    from automation.targets import DEMO_SCENARIO

    args = inv.args
    serve(
        args.scenario or DEMO_SCENARIO,
        host=args.host,
        port=args.port,
        session_minutes=args.session_minutes,
        maildir=args.maildir,
    )
    return ExitCode.OK


def generate_options(parser: argparse.ArgumentParser) -> None:
    from automation.sandbox.generator import GENERATE_DESCRIPTION, add_generate_options

    parser.description = GENERATE_DESCRIPTION
    add_generate_options(parser)


def cmd_generate(inv: Invocation) -> int:
    from automation.sandbox.generator import generate

    return generate(inv.args)

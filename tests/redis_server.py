"""A throwaway Redis for the fleet's tests and bench: Debian's `redis-server` on a free loopback port, in
a folder of its own, nothing saved to disk, stopped (and its folder removed) afterwards.

Started in the foreground as a child process rather than with `--daemonize yes`: the process that
started it then owns it, so a test run that dies takes no stray server with it beyond its own exit, and
stopping is a plain terminate-and-wait. The command line is the one measured on this machine
(shared/reference/environment.md, "PostgreSQL and Redis").
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from server_kit import free_port, stop_child, wait_until_answering

REDIS_SERVER = "redis-server"
START_TIMEOUT_S = 15.0


class RedisServerError(RuntimeError):
    """redis-server is missing or did not answer; the message says why (with its log's last lines)."""


def redis_problem() -> str | None:
    """Why no Redis can be started here, or None when it can."""
    if shutil.which(REDIS_SERVER) is None:
        return "redis-server is not installed (scripts/setup.sh installs Debian's redis-server)"
    return None


@dataclass
class RedisServer:
    port: int
    folder: Path
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        """A broker URL for database `db` 0 (`url_for` gives others)."""
        return self.url_for(0)

    def url_for(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def log(self) -> str:
        path = self.folder / "redis.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def _answers(port: int) -> bool:
    """Redis answers PING with +PONG (no client library needed)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextmanager
def running_redis_server() -> Iterator[RedisServer]:
    """A started Redis in a temporary folder; stopped and removed when the block ends."""
    problem = redis_problem()
    if problem:
        raise RedisServerError(problem)
    with tempfile.TemporaryDirectory(prefix="sc-cancel-redis-") as name:
        folder = Path(name)
        port = free_port()
        command = [
            REDIS_SERVER,
            "--port", str(port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--dir", str(folder),
            "--logfile", str(folder / "redis.log"),
        ]  # fmt: skip
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        server = RedisServer(port, folder, process)
        try:
            wait_until_answering(
                lambda: _answers(port),
                process,
                what=f"redis-server on port {port}",
                timeout=START_TIMEOUT_S,
                log=server.log,
                error=RedisServerError,
            )
            yield server
        finally:
            stop_child(process)

"""Serving the sandbox: in a background thread for tests and the agent, or in the foreground for people.

`SandboxServer` binds its socket before uvicorn starts, so `base_url` is known at once and start-up
costs only uvicorn's own (a few milliseconds). Loopback only unless told otherwise: the sandbox has no
real authentication worth exposing.
"""

from __future__ import annotations

import contextlib
import errno
import socket
import sys
import threading
import time
from pathlib import Path
from types import TracebackType

import uvicorn
from starlette.applications import Starlette

from automation.sandbox.app import DEFAULT_SESSION_MINUTES, create_app
from automation.sandbox.context import SandboxContext
from automation.sandbox.errors import SandboxInputError
from automation.sandbox.scenario import Scenario, load_scenario
from automation.sandbox.state import SandboxState

START_TIMEOUT_S = 10.0


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on `host`:`port` (0: a free port). Bound here, before uvicorn starts and
    before anything is printed, so a port that cannot be used is bad input said at once, not a
    traceback or an exit after a "serving at" banner."""
    if not 0 <= port <= 65535:
        raise SandboxInputError(f"--port {port}: port must be 1-65535")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise SandboxInputError(
                f"port {port} is in use on {host}: stop what listens there, or choose another --port"
            ) from None
        if exc.errno == errno.EACCES:
            raise SandboxInputError(
                f"port {port} on {host}: permission denied (ports below 1024 need root); choose a port "
                "from 1024 to 65535"
            ) from None
        raise SandboxInputError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}; check --host and --port"
        ) from None
    return sock


def _config(app: Starlette, host: str, port: int, log_level: str) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        date_header=False,  # the app sends the scenario clock instead (site_date.py)
        lifespan="off",
        timeout_graceful_shutdown=2,
    )


class SandboxServer:
    """A sandbox on `host` (port 0: a free port) in a daemon thread; use as a context manager."""

    def __init__(
        self,
        scenario: Scenario | Path,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        session_minutes: float = DEFAULT_SESSION_MINUTES,
        secret: bytes | None = None,
        log_level: str = "warning",
        maildir: Path | None = None,
    ) -> None:
        """With `maildir`, Amazon's e-mails to the seller go there (written at once, then as they
        happen): see mail_outbox.py."""
        self.scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        self.app = create_app(self.scenario, session_minutes=session_minutes, secret=secret, maildir=maildir)
        self._host = host
        self._port = port
        self._log_level = log_level
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    @property
    def context(self) -> SandboxContext:
        context: SandboxContext = self.app.state.sandbox
        return context

    @property
    def state(self) -> SandboxState:
        return self.context.state

    @property
    def port(self) -> int:
        if self._socket is None:
            raise RuntimeError("the sandbox is not started")
        port: int = self._socket.getsockname()[1]
        return port

    @property
    def base_url(self) -> str:
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}"

    def start(self) -> SandboxServer:
        if self._thread is not None:
            return self
        sock = listen(self._host, self._port)
        self._socket = sock
        server = uvicorn.Server(_config(self.app, self._host, self.port, self._log_level))
        self._server = server
        self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="sc-sandbox", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the sandbox did not start on {self._host}:{self._port}")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = None
        self._socket = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def serve(
    scenario_path: Path,
    host: str = "127.0.0.1",
    port: int = 8765,
    session_minutes: float = DEFAULT_SESSION_MINUTES,
    maildir: Path | None = None,
) -> None:
    """Serve a scenario in the foreground until Ctrl-C; bad scenario files, ports and Maildirs that
    cannot be used raise `SandboxInputError` before anything is printed."""
    if not 1 <= port <= 65535:
        raise SandboxInputError(f"--port {port}: port must be 1-65535")
    scenario = load_scenario(scenario_path)
    sock = listen(host, port)
    try:
        app = create_app(scenario, session_minutes=session_minutes, maildir=maildir)
    except BaseException:
        sock.close()
        raise
    shown_host = f"[{host}]" if ":" in host else host
    print(f"Sandbox Seller Central: http://{shown_host}:{port}/home", file=sys.stderr)
    print(
        f"Sign in as {scenario.account.email} (password and one-time code secret: see {scenario_path})",
        file=sys.stderr,
    )
    if maildir is not None:
        print(f"Amazon's e-mails to the seller: the Maildir {maildir}", file=sys.stderr)
    print("Press Ctrl-C to stop.", file=sys.stderr)
    # uvicorn shuts down gracefully on Ctrl-C, then re-raises it; stopping is what was asked for.
    with contextlib.suppress(KeyboardInterrupt), contextlib.closing(sock):
        uvicorn.Server(_config(app, host, port, "warning")).run(sockets=[sock])
    print("Sandbox stopped.", file=sys.stderr)

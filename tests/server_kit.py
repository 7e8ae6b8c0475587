"""What every throwaway server of the tests (Redis, moto's S3, a trace viewer; PostgreSQL and Dovecot for
the port) does alike: take a free loopback port, wait until the server answers or say why it did not,
and stop the child process it runs in.

The port comes from the sandbox's own Dovecot starter (`make demo` picks its port the same way), so there
is one way to find a free port in the project.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable

from automation.sandbox.mail_server import free_port

__all__ = ["free_port", "stop_child", "wait_until_answering"]

STOP_TIMEOUT_S = 10.0


def wait_until_answering(
    answers: Callable[[], bool],
    process: subprocess.Popen[bytes],
    *,
    what: str,
    timeout: float,
    log: Callable[[], str] = lambda: "",
    error: type[Exception] = RuntimeError,
) -> None:
    """Poll `answers()` until it is true; raise `error` naming `what` (with the end of its `log`) when the
    process exits first or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while not answers():
        if process.poll() is not None:
            raise error(f"{what} exited with {process.returncode}:\n{log()[-2000:]}")
        if time.monotonic() > deadline:
            raise error(f"{what} did not answer within {timeout:g} s:\n{log()[-2000:]}")
        time.sleep(0.05)


def stop_child(process: subprocess.Popen[bytes], timeout: float = STOP_TIMEOUT_S) -> None:
    """Terminate a server started in the foreground, killing it if it outstays `timeout`."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()

"""The terminal as the person `sc-cancel login --prompt` asks: for servers nobody sees a browser on.

Questions go to standard error (standard output stays clean), answers come from standard input, which
must be a terminal: from cron, a pipe or a service there is nobody to answer, and waiting would hang.
A captcha picture is written into the data folder, readable by its owner only (it is part of a sign-in
in progress), and its path printed, so the operator can copy it to a machine with a screen and read it.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import TextIO

from automation.browser.session import write_private
from automation.errors import PersonNeededError

EMPTY_ANSWERS = 3


class TerminalPerson:
    """A `Person` (automation/browser/interstitials.py) at the terminal."""

    def __init__(self, folder: Path, stdin: TextIO, out: TextIO) -> None:
        self.folder = folder
        self.stdin = stdin
        self.out = out
        self.images: list[Path] = []

    @classmethod
    def at_terminal(cls, folder: Path, stdin: TextIO = sys.stdin, out: TextIO = sys.stderr) -> TerminalPerson:
        """The terminal's person; refuses (exit code 3) when standard input is not a terminal."""
        if not stdin.isatty():
            raise PersonNeededError(
                "`sc-cancel login --prompt` asks for codes in the terminal, but its standard input is not "
                "a terminal (cron, a pipe, a service?): run it yourself in a terminal, e.g. an SSH "
                "session, once; the headless runs then use the saved session"
            )
        return cls(folder, stdin, out)

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def _ask(self, question: str) -> str:
        for _ in range(EMPTY_ANSWERS):
            self.out.write(question)
            self.out.flush()
            line = self.stdin.readline()
            if not line:
                raise PersonNeededError("no answer came (end of input); the session was not saved")
            answer = line.strip()
            if answer:
                return answer
        raise PersonNeededError("no answer was typed; the session was not saved")

    def one_time_code(self) -> str:
        return self._ask("One-time code from the account's authenticator app (or text message): ")

    def verification_code(self, page_says: str) -> str:
        self.say(f"Seller Central: {page_says}" if page_says else "Seller Central sent a verification code.")
        return self._ask("Verification code (from that e-mail or text message): ")

    def captcha_characters(self, image: bytes, suffix: str) -> str:
        path = self.folder / f"captcha-{len(self.images) + 1}{suffix}"
        write_private(path, image)
        self.images.append(path)
        self.say(f"Seller Central shows a captcha: saved the captcha image to {path} ; open it (mode 0600).")
        return self._ask("The characters in the picture: ")

    def forget(self) -> None:
        """Remove the captcha pictures: they are of no use once the sign-in is over."""
        for path in self.images:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        self.images.clear()

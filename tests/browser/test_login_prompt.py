"""`sc-cancel login --prompt`: a headless sign-in that asks in the terminal for what only a person can
give (a one-time code with no TOTP secret configured, an e-mailed verification code, a captcha's
characters), driven through a pseudo-terminal against the sandbox; and `login --headed` where no screen
can show its window.

The answers come from where a person would get them: the authenticator (the scenario's secret), the
sandbox's outbox (the "e-mail"), and the captcha image sc-cancel saved (read as a person reads it).
"""

from __future__ import annotations

import io
import json
import re
import shutil
import stat
import subprocess
from pathlib import Path

import httpx
import pexpect
import pytest
from run_support import AGENT_TIMEOUT_S, Agent, Sandbox, SandboxMaker, make_sandbox, write_yaml
from scenario_kit import PASSWORD, TOTP_SECRET, order, scenario, settings_account

from automation.sandbox import totp

__all__ = ["make_sandbox"]  # the fixture, used by name

PROMPT_TIMEOUT_S = 120
ONE_ORDER = [order(1, request="Order Created by Mistake")]


class Terminal:
    """The agent's `login --prompt` on a pseudo-terminal; `transcript` holds everything it printed."""

    def __init__(
        self, agent: Agent, *args: str, target: bool = True, env: dict[str, str] | None = None
    ) -> None:
        self.agent = agent
        command = agent.command("login", "--prompt", *args, target=target)
        self.transcript = io.StringIO()
        self.child = pexpect.spawn(
            command[0],
            command[1:],
            cwd=str(agent.workdir),
            env={**agent.env(), **(env or {})},
            encoding="utf-8",
            timeout=PROMPT_TIMEOUT_S,
            dimensions=(40, 250),
        )
        self.child.logfile_read = self.transcript

    def expect(self, pattern: str) -> re.Match[str]:
        try:
            self.child.expect(pattern)
        except (pexpect.EOF, pexpect.TIMEOUT):
            pytest.fail(f"no {pattern!r} on the terminal; it showed:\n{self.transcript.getvalue()[-4000:]}")
        match: re.Match[str] = self.child.match
        return match

    def answer(self, text: str) -> None:
        self.child.sendline(text)

    def exit_code(self) -> int:
        self.child.expect(pexpect.EOF, timeout=AGENT_TIMEOUT_S)
        self.child.close()
        code: int = self.child.exitstatus
        return code

    def ended_with(self, code: int) -> str:
        """The whole transcript, after checking that the command ended with `code`."""
        got = self.exit_code()
        text = self.transcript.getvalue()
        assert got == code, f"exit code {got}, not {code}; the terminal showed:\n{text[-4000:]}"
        return text


def _session_saved(agent: Agent) -> None:
    (state,) = (agent.data_dir / "sessions").glob("*.json")
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    assert any(c["name"] == "session-token" for c in json.loads(state.read_text())["cookies"])


def _captcha_characters(image: Path) -> str:
    """What a person reads in the sandbox's captcha: its characters are drawn as SVG text."""
    return "".join(re.findall(r"<text[^>]*>(.)</text>", image.read_text(encoding="utf-8")))


def _verification(sandbox: Sandbox, **switch: bool) -> dict[str, object]:
    url = sandbox.base_url + "/__sandbox/verification"
    answer = httpx.post(url, json=switch) if switch else httpx.get(url)
    answer.raise_for_status()
    document: dict[str, object] = answer.json()
    return document


def _without_totp_secret(tmp_path: Path, make_sandbox: SandboxMaker) -> Terminal:
    """`login --prompt` for a settings file whose account has no totp_secret (the person has the
    authenticator), against a sandbox that asks for one-time codes."""
    sandbox = make_sandbox(scenario(ONE_ORDER, account={"totp_secret": TOTP_SECRET}))
    account = settings_account("shop", sandbox.base_url)
    config = write_yaml(tmp_path / "sc-cancel.yaml", {"format": 1, "accounts": [account]})
    return Terminal(Agent(tmp_path), "--config", str(config), target=False, env={"SHOP_PASSWORD": PASSWORD})


def test_asks_for_the_one_time_code_when_no_totp_secret_is_configured(
    tmp_path: Path, make_sandbox: SandboxMaker
) -> None:
    terminal = _without_totp_secret(tmp_path, make_sandbox)
    terminal.expect(r"(?i)one-time code[^\n]*: ")
    terminal.answer(totp.current_code(TOTP_SECRET))

    text = terminal.ended_with(0)
    assert "session saved" in text
    assert PASSWORD not in text
    _session_saved(terminal.agent)


def test_a_wrong_one_time_code_is_a_rejected_sign_in(tmp_path: Path, make_sandbox: SandboxMaker) -> None:
    terminal = _without_totp_secret(tmp_path, make_sandbox)
    terminal.expect(r"(?i)one-time code[^\n]*: ")
    now = totp.current_code(TOTP_SECRET)
    terminal.answer("000000" if now != "000000" else "111111")

    text = terminal.ended_with(7)
    assert "rejected the one-time code" in text
    assert not list(terminal.agent.data_dir.glob("sessions/*"))


def test_a_captcha_is_saved_as_a_private_image_and_its_characters_are_asked_for(
    tmp_path: Path, make_sandbox: SandboxMaker
) -> None:
    sandbox = make_sandbox(scenario(ONE_ORDER, faults={"captcha_at_signin": True}))
    agent = Agent(tmp_path, sandbox)

    terminal = Terminal(agent)
    first = Path(terminal.expect(r"captcha image to (\S+?)[;\s]").group(1))
    assert agent.data_dir.resolve() in first.resolve().parents
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    terminal.expect(r"characters[^\n]*: ")
    terminal.answer("WWWWWW" if _captcha_characters(first) != "WWWWWW" else "XXXXXX")  # misread once
    # Seller Central draws a new captcha after a wrong guess; it is saved and asked for again.
    second = Path(terminal.expect(r"captcha image to (\S+?)[;\s]").group(1))
    terminal.expect(r"characters[^\n]*: ")
    terminal.answer(_captcha_characters(second).lower())

    terminal.ended_with(0)
    _session_saved(agent)
    assert not list(agent.data_dir.glob("captcha*")), "captcha images are removed once signed in"


def test_an_e_mailed_verification_code_is_asked_for(tmp_path: Path, make_sandbox: SandboxMaker) -> None:
    sandbox = make_sandbox(scenario(ONE_ORDER))
    _verification(sandbox, enabled=True)
    agent = Agent(tmp_path, sandbox)

    terminal = Terminal(agent)
    terminal.expect(r"s\*\*\*@example\.com")  # what the page says: where the code went
    terminal.expect(r"(?i)verification code[^\n]*: ")
    (sent,) = _verification(sandbox)["sent"]  # type: ignore[misc]
    terminal.answer(sent["code"])

    terminal.ended_with(0)
    _session_saved(agent)


def test_a_wrong_verification_code_is_a_rejected_sign_in(tmp_path: Path, make_sandbox: SandboxMaker) -> None:
    sandbox = make_sandbox(scenario(ONE_ORDER))
    _verification(sandbox, enabled=True)
    agent = Agent(tmp_path, sandbox)

    terminal = Terminal(agent)
    terminal.expect(r"(?i)verification code[^\n]*: ")
    (sent,) = _verification(sandbox)["sent"]  # type: ignore[misc]
    terminal.answer("000000" if sent["code"] != "000000" else "111111")

    text = terminal.ended_with(7)
    assert "Invalid OTP" in text  # the page's own words
    assert not list(agent.data_dir.glob("sessions/*"))


def test_without_a_terminal_it_stops_at_once_saying_to_run_it_in_one(
    tmp_path: Path, make_sandbox: SandboxMaker
) -> None:
    sandbox = make_sandbox(scenario(ONE_ORDER))
    agent = Agent(tmp_path, sandbox)

    done = subprocess.run(
        agent.command("login", "--prompt"),
        cwd=tmp_path,
        env=agent.env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=AGENT_TIMEOUT_S,
        check=False,
    )

    assert done.returncode == 3, done.stderr
    assert "terminal" in done.stderr
    assert sandbox.server.context.faults.counted == 0  # no browser ever asked the site for a page


def test_login_headed_without_a_display_refuses_at_once_and_suggests_prompt(
    tmp_path: Path, make_sandbox: SandboxMaker
) -> None:
    sandbox = make_sandbox(scenario(ONE_ORDER))
    agent = Agent(tmp_path, sandbox)
    env = {k: v for k, v in agent.env().items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}

    done = subprocess.run(
        agent.command("login", "--headed"),
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=AGENT_TIMEOUT_S,
        check=False,
    )

    assert done.returncode == 2, done.stderr
    assert "sc-cancel login --prompt" in done.stderr
    assert "DISPLAY" in done.stderr
    assert sandbox.server.context.faults.counted == 0


@pytest.mark.skipif(
    shutil.which("xvfb-run") is None, reason="xvfb-run is not installed (apt-get install xvfb xauth)"
)
def test_login_headed_says_what_it_waits_for_and_gives_up_after_wait(
    tmp_path: Path, make_sandbox: SandboxMaker
) -> None:
    sandbox = make_sandbox(scenario(ONE_ORDER, faults={"captcha_at_signin": True}))
    agent = Agent(tmp_path, sandbox)

    done = subprocess.run(
        ["xvfb-run", "-a", *agent.command("login", "--headed", "--wait", "1")],
        cwd=tmp_path,
        env=agent.env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=AGENT_TIMEOUT_S,
        check=False,
    )

    assert done.returncode == 3, done.stderr
    waiting = [line for line in done.stderr.splitlines() if "waiting up to" in line]
    assert waiting, done.stderr
    assert "captcha" in waiting[0]
    assert "--wait" in waiting[0]
    assert "xvfb-run" in done.stderr  # nobody can see a virtual screen: it says so, and what to use
    assert "sc-cancel login --prompt" in done.stderr

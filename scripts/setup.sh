#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian 12 machine with Python 3.11: Debian's Chromium builds (Playwright's
# own browser download does not work on machines without internet), a virtual display for headed runs,
# CJK fonts for Japanese pages, Dovecot (a real IMAP server the e-mail channel's tests start on loopback;
# the package's own service is not used), PostgreSQL and Redis (the fleet's ledger and broker, started by
# the tests on loopback ports; their services are not used), and a .venv holding the package with its test extras.
# Safe to run again: each step is skipped when what it makes is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
VENV=".venv"
STAMP="$VENV/.sc-cancel-installed"

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
        echo "setup: need root (or sudo) to run: $*" >&2; return 1; fi
}

missing_debs=()
have_deb() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for deb in chromium chromium-headless-shell xvfb xauth fonts-noto-cjk dovecot-imapd postgresql redis-server; do
    have_deb "$deb" || missing_debs+=("$deb")
done
if ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then missing_debs+=("python3-venv"); fi

if [ "${#missing_debs[@]}" -gt 0 ]; then
    if command -v apt-get >/dev/null 2>&1; then
        echo "setup: installing Debian packages: ${missing_debs[*]}" >&2
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing_debs[@]}"
    else
        echo "setup: not a Debian system; install these yourself if needed: ${missing_debs[*]}" >&2
    fi
fi

if [ ! -x "$VENV/bin/python" ]; then
    echo "setup: creating $VENV" >&2
    "$PYTHON" -m venv "$VENV"
fi

want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$want" ]; then
    echo "setup: installing sc-cancel and its test extras into $VENV" >&2
    "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
    "$VENV/bin/python" -m pip install -q -e ".[test]"
    echo "$want" > "$STAMP"
fi

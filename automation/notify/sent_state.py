"""What was sent when, so a scheduled loop running every ten minutes does not repeat the same alert
every ten minutes. A small JSON file (subject -> last sent time), replaced atomically and private: the
subjects hold account names and order ids.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta
from pathlib import Path

from loguru import logger

KEEP_FOR = 4
"""Entries older than this many re-notify windows are dropped on save, so the file stays small."""


class SentState:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._sent = self._load()

    def _load(self) -> dict[str, datetime]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            return {str(k): datetime.fromisoformat(v) for k, v in dict(raw).items()}
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            # A broken state file costs at most one repeated alert; it must not stop notifications.
            logger.warning("notification state {} unreadable ({}); starting afresh", self.path, exc)
            return {}

    def sent_recently(self, subject: str, now: datetime, within: timedelta) -> bool:
        last = self._sent.get(subject)
        return last is not None and now - last < within

    def mark_sent(self, subject: str, now: datetime, within: timedelta) -> None:
        self._sent[subject] = now
        cutoff = now - within * KEEP_FOR
        self._sent = {k: v for k, v in self._sent.items() if v >= cutoff}
        self._save()

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = self.path.with_name(f".{self.path.name}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({k: v.isoformat() for k, v in sorted(self._sent.items())}, handle, indent=1)
        os.chmod(temporary, 0o600)
        os.replace(temporary, self.path)

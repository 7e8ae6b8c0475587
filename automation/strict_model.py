"""The base of every record and every file the agent reads: frozen, and refusing unknown fields.

Unknown fields are refused because in a settings, rules, selector or locale file they are a misspelt key
that would otherwise be ignored in silence, and in a record or a report from a newer sc-cancel they are a
bug to fail on rather than half-read. The sandbox keeps its own base: it is kept apart from the agent.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

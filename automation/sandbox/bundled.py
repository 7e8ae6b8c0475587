"""Scenario files shipped inside the package, so `sc-cancel` has a sandbox to run against out of the box."""

from __future__ import annotations

from pathlib import Path

SCENARIOS_DIR: Path = Path(__file__).resolve().parent / "scenarios"
DEMO_SCENARIO: Path = SCENARIOS_DIR / "demo.yaml"
"""Hand-curated en_US scenario with every kind of case; its header comment gives the correct scan result."""

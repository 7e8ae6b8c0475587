"""A run's own redaction values (its buyers' names) last as long as the run; secrets last the process."""

from __future__ import annotations

from automation.redact import Redactor


def test_a_run_scope_hides_its_values_only_while_it_lasts() -> None:
    redactor = Redactor()
    redactor.add("hunter2-password", "password")
    with redactor.run_scope() as run:
        run.add("Wilhelmina Quartermaine", "buyer")
        assert redactor("Wilhelmina Quartermaine / hunter2-password") == "[buyer] / [password]"
        assert redactor("name=Wilhelmina%20Quartermaine") == "name=[buyer]"  # escaped forms too
        assert "Wilhelmina Quartermaine" in redactor.secrets()
    assert redactor("Wilhelmina Quartermaine / hunter2-password") == "Wilhelmina Quartermaine / [password]"
    assert "Wilhelmina Quartermaine" not in redactor.secrets()
    assert "hunter2-password" in redactor.secrets()


def test_a_run_scope_ends_even_when_the_run_fails() -> None:
    redactor = Redactor()
    try:
        with redactor.run_scope() as run:
            run.add("Bartholomew Inkwater", "buyer")
            raise RuntimeError("the run failed")
    except RuntimeError:
        pass
    assert redactor("Bartholomew Inkwater") == "Bartholomew Inkwater"


def test_a_run_scope_alone_hides_only_its_own_values() -> None:
    """What outlives a run (its error) gets the run's names hidden, and nothing else changed."""
    redactor = Redactor()
    with redactor.run_scope() as run:
        run.add("Wilhelmina Quartermaine", "buyer")
        assert run("Wilhelmina Quartermaine wrote from a@b.example") == "[buyer] wrote from a@b.example"

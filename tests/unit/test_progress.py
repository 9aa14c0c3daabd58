"""Progress goes to stderr only when it is a terminal, and only for a run that takes a while."""

from __future__ import annotations

import io

from conftest import sample_plan

from tfreach import progress
from tfreach.questions.check import check_plan


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_sees_the_stages_of_a_long_run(monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    monkeypatch.setattr(progress, "_DELAY", 0.0)  # every run is long enough here
    monkeypatch.setattr(progress, "_REFRESH", 0.0)  # and every stage is drawn
    with progress.showing("plan.json"):
        check_plan(str(sample_plan("inspector-blog")))
    shown = terminal.getvalue()
    assert "plan.json" in shown and "stage" in shown and any(s in shown for s in progress.STAGES)


def test_a_quick_run_shows_nothing_even_on_a_terminal(monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    with progress.showing("plan.json"):
        check_plan(str(sample_plan("inspector-blog")))
    assert terminal.getvalue() == ""


def test_a_log_or_a_pipe_shows_nothing(monkeypatch):
    log = io.StringIO()
    monkeypatch.setattr("sys.stderr", log)
    monkeypatch.setattr(progress, "_DELAY", 0.0)
    with progress.showing("plan.json"):
        check_plan(str(sample_plan("inspector-blog")))
    assert log.getvalue() == ""

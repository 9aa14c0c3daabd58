"""`--format html` in a real headless browser: Chromium from the distribution's packages, driven
by Playwright's Python API (skipped, with the reason, where either is missing).

The page renders the sample plans with nothing fetched and no script error; the table holds
every group of the JSON report; the filters show exactly the groups that match; a click shows
the finding's hops with the rule that decided each, as the JSON report's path says, and lights
its path in the drawing; the hostile-names plan (markup, quotes, control and bidi characters
in resource keys) injects nothing.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLES
from e2e.helpers import run_cli

sync_api = pytest.importorskip("playwright.sync_api", reason="the browser test needs playwright (the test extra)")
CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine (apt-get install chromium)")

PLANS = ["inspector-blog", "alb-https-asg", "peered-vpcs", "transit-hub-spoke", "accepted-exposures", "hostile-names"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def rendered(plan: str, folder: Path) -> tuple[Path, dict[str, Any]]:
    """The HTML page and the JSON report of one analysis."""
    page, report = folder / f"{plan}.html", folder / f"{plan}.json"
    args = ("check", str(SAMPLES / plan), "--format", f"html={page}", "--format", f"json={report}", "--group", "-q")
    result = run_cli(*args, "--fail-on", "never")
    assert result.returncode == 0, result.stderr
    return page, json.loads(report.read_text())


class Opened:
    """A page with what it asked of the network, said on its console and tried to pop up."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.page = browser.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(path.as_uri())

    def visible_rows(self) -> list[dict[str, str]]:
        script = "rows => rows.filter(r => !r.hidden).map(r => ({...r.dataset}))"
        return list(self.page.eval_on_selector_all("#rows tr", script))


@pytest.mark.parametrize("plan", PLANS)
def test_a_sample_plan_renders_every_group_with_nothing_fetched(browser, tmp_path, plan):
    path, report = rendered(plan, tmp_path)
    opened = Opened(browser, path)
    groups = report["findings"] + report["closed"]
    assert opened.requests == [path.as_uri()] and opened.errors == [] and opened.dialogs == []
    assert len(opened.visible_rows()) == len(groups)
    titles = opened.page.eval_on_selector_all("#rows tr td:nth-child(5)", "cells => cells.map(c => c.textContent)")
    assert sorted(titles) == sorted(g["title"] for g in groups)
    counting = [g for g in report["findings"] if g["suppressed"] is None]
    exposed = opened.page.eval_on_selector_all("#network .node.exposed", "nodes => nodes.length")
    assert (exposed > 0) == bool(counting)


def test_the_filters_show_exactly_the_groups_that_match(browser, tmp_path):
    path, report = rendered("accepted-exposures", tmp_path)
    opened = Opened(browser, path)
    groups = report["findings"] + report["closed"]
    for severity in ("high", "medium", "low", "info"):
        opened.page.select_option("#severity", severity)
        assert len(opened.visible_rows()) == sum(g["severity"] == severity for g in groups), severity
    opened.page.select_option("#severity", "")
    opened.page.select_option("#status", "closed")
    assert len(opened.visible_rows()) == len(report["closed"])
    opened.page.select_option("#status", "")
    opened.page.select_option("#certainty", "possible")
    assert len(opened.visible_rows()) == sum(not g["certain"] for g in groups)
    opened.page.select_option("#certainty", "")
    opened.page.select_option("#source", "internet")
    assert len(opened.visible_rows()) == sum(g["source"]["kind"] == "internet" for g in groups)
    shown = opened.page.text_content("#shown") or ""
    assert shown.endswith(f"of {len(groups)} findings shown")


def test_a_click_shows_the_hops_and_their_rules_and_lights_the_path(browser, tmp_path):
    path, report = rendered("alb-https-asg", tmp_path)
    opened = Opened(browser, path)
    titles = opened.page.eval_on_selector_all("#rows tr td:nth-child(5)", "cells => cells.map(c => c.textContent)")
    group = next(g for g in report["findings"] if g["via"] and g["type"] != "NetworkExposure")
    opened.page.click(f"#rows tr:nth-child({titles.index(group['title']) + 1})")
    assert opened.page.text_content("#details-title") == group["title"]
    hops = opened.page.eval_on_selector_all("#details-hops li", "items => items.map(i => i.textContent)")
    label = group["title"].split(" on ", 1)[1].split(" is reachable")[0]
    expected = [f"{h['address'] or label} ({h['role']}){h['rule'] or ''}" for h in report["paths"][group["path"]]]
    assert hops == expected
    lit = opened.page.eval_on_selector_all("#network .node.selected", "nodes => nodes.map(n => n.dataset.name)")
    assert lit[0] == "internet" and group["via"] in lit and label in lit
    assert opened.page.eval_on_selector_all("#network .edge.selected", "edges => edges.length") == len(lit) - 1


def test_hostile_names_are_text_never_markup(browser, tmp_path):
    path, report = rendered("hostile-names", tmp_path)
    opened = Opened(browser, path)
    for row in range(1, len(report["findings"]) + 1):
        opened.page.click(f"#rows tr:nth-child({row})")
    assert opened.dialogs == [] and opened.errors == [] and opened.requests == [path.as_uri()]
    counts = opened.page.evaluate(
        "() => ({img: document.images.length, scripts: document.scripts.length, "
        "links: document.links.length, frames: document.querySelectorAll('iframe,object,embed').length})"
    )
    assert counts == {"img": 0, "scripts": 2, "links": 0, "frames": 0}
    members = opened.page.text_content("#details-members") or ""
    assert "<script>alert(1)</script>" in (opened.page.text_content("#rows") or "") + members
    assert "\u202e" not in (opened.page.text_content("body") or "")  # bidi overrides are shown as escapes

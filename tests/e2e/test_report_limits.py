"""Every format fits where it is read, on a real plan of 5,000 resources read alone (64,830
findings per endpoint): the JSON report is smaller than the plan, GitHub shows 10 annotations
per level, a comment holds 65,536 characters, code scanning shows 5,000 results of an upload
and refuses more than 10 MB gzipped."""

from __future__ import annotations

import gzip
import io
import json
import sys
import tempfile
from functools import cache
from pathlib import Path

import pytest
from conftest import REPO, SHARED
from e2e.helpers import validate_output

from tfreach.findings.catalogue import Severity
from tfreach.questions.check import PlanResult, check_plan
from tfreach.reports import ReportOptions, formatters

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import from_shared


@cache
def bench_plan(size: int = 5000) -> Path:
    if not (SHARED / "bench" / f"plan-{size}.json.gz").exists():
        pytest.skip(f"the shared benchmark plans are not at {SHARED / 'bench'}")
    plan = Path(tempfile.mkdtemp()) / f"plan-{size}.json"
    from_shared(size, plan)
    return plan


@cache
def bench_result(size: int = 5000) -> PlanResult:
    return check_plan(str(bench_plan(size)))


def rendered(name: str, expand: bool = False) -> str:
    out = io.StringIO()
    formatters()[name]([bench_result()], ReportOptions(Severity.HIGH, expand=expand), out)
    return out.getvalue()


def test_github_shows_at_most_ten_errors_ten_warnings_and_a_summary():
    lines = rendered("github").splitlines()
    assert sum(line.startswith("::error ") for line in lines) == 10
    assert sum(line.startswith("::warning ") for line in lines) == 10
    assert lines[-1].startswith("::notice title=tfreach::64830 findings counted")
    assert len(lines) == 21


def test_markdown_fits_a_comment_and_says_it_was_cut():
    text = rendered("markdown")
    assert len(text) <= 65_536
    assert "cut to fit" in text and text.count("```") % 2 == 0


def test_sarif_keeps_under_five_thousand_results_and_ten_megabytes_gzipped():
    text = rendered("sarif")
    run = json.loads(text)["runs"][0]
    assert 0 < len(run["results"]) <= 5_000
    assert len(gzip.compress(text.encode())) < 10 * 1024 * 1024
    severities = [r["properties"]["security-severity"] for r in run["results"]]
    assert severities == sorted(severities, key=float, reverse=True)  # the most severe first


def test_json_lists_every_finding_as_a_member_of_its_group_and_is_smaller_than_the_plan():
    text = rendered("json")
    report = json.loads(text)
    validate_output(report)
    summaries = report["summary"]["by_type"]["NetworkExposure"]
    members = [member for group in report["findings"] for member in group["members"].items()]
    assert len(members) == len(set(members)) == report["summary"]["findings"] == 64_830 + summaries
    assert len(report["findings"]) == report["summary"]["groups"]
    assert {g["path"] for g in report["findings"]} == set(report["paths"])
    assert len(text.encode()) < bench_plan().stat().st_size  # grows with the answers, not the endpoints


def test_json_expanded_has_every_finding_with_the_ids_its_groups_list():
    grouped = json.loads(rendered("json"))
    report = json.loads(rendered("json", expand=True))
    validate_output({**report, "findings": report["findings"][:500]})  # one shape: a sample says it
    assert report["view"] == "expanded" and len(report["findings"]) == report["summary"]["findings"]
    assert {(f["resource"], f["id"]) for f in report["findings"]} == {
        member for group in grouped["findings"] for member in group["members"].items()
    }
    assert {f["path"] for f in report["findings"]} == set(report["paths"])
    assert len(report["paths"]) < 2_000  # shared by the alike endpoints, not one per finding


def test_json_says_each_warning_once_with_the_resources_it_is_said_of():
    grouped, expanded = json.loads(rendered("json")), json.loads(rendered("json", expand=True))
    said = [(w["attribute"] or "", w["message"], r) for w in grouped["warnings"] for r in w["resources"]]
    each = [(w["attribute"] or "", w["message"], w["resource"]) for w in expanded["warnings"]]
    assert sorted(said) == sorted(each)
    assert len(said) == grouped["summary"]["warnings"] > 10 * len(grouped["warnings"])


def test_the_page_draws_a_readable_part_and_says_so_and_lists_every_group():
    page = rendered("html")
    groups = json.loads(rendered("json"))["summary"]["groups"]
    assert f"the paths of the first 400 of the {groups} findings below" in page
    assert len(page.encode()) < 10 * 1024 * 1024 and page.count('class="node ') <= 5 * 150


def test_the_table_reads_groups_not_findings():
    lines = rendered("table").splitlines()
    assert lines[-1].startswith("64830 findings in 750 groups")
    assert len(lines) < 2_000

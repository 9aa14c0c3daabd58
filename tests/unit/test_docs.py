"""The docs stay true: what is modelled, every option and every catalogued service."""

from __future__ import annotations

import json
import re

from conftest import REPO

from tfreach.cli import main
from tfreach.cli.check import FAIL_ON_CHOICES
from tfreach.families import modelled_types
from tfreach.findings.catalogue import CATALOGUE
from tfreach.reports import formatters

README = (REPO / "README.md").read_text()
DOCS = REPO / "docs"
CLI = (DOCS / "cli.md").read_text()
FINDINGS = (DOCS / "findings.md").read_text()


MODELLED = (REPO / "docs" / "modelled.md").read_text()


def test_every_modelled_resource_type_is_in_the_generated_table_with_its_aws_doc():
    """docs/modelled.md holds `modelled_table()` word for word: regenerate it when a parser changes."""
    from tfreach.families import modelled_table

    generated = MODELLED.split("<!-- generated: modelled types -->\n")[1].split("<!-- end generated -->")[0]
    assert generated == modelled_table()
    assert [t for t in modelled_types() if f"| `{t}` | [" not in generated] == []
    assert "docs/modelled.md" in README


def test_every_option_and_format_is_in_the_cli_reference():
    commands = main.commands.values()
    options = [opt for command in commands for param in command.params for opt in param.opts if opt.startswith("-")]
    assert [name for name in formatters() if f"--format {name}" not in CLI] == []
    assert [o for o in options if o not in CLI] == []
    assert all(level in CLI for level in FAIL_ON_CHOICES)


def test_every_catalogued_service_is_in_the_severity_table():
    assert sorted({s.name for s in CATALOGUE if s.name not in FINDINGS}) == []


def test_the_readme_is_a_newcomers_page_and_every_doc_it_links_exists():
    """Pitch, the two quick-start commands, one example, CI snippets, links: the reference is in docs/."""
    import re

    assert len(README) < 8_000
    assert "python -m pip install . && tfreach check sample_plans/" in README
    assert "python -m pip install -e '.[test]' && ruff check . && ruff format --check . && mypy && pytest" in README
    linked = re.findall(r"\]\((docs/[^)#]+)\)", README)
    assert len(linked) >= 10 and [p for p in linked if not (REPO / p).is_file()] == []
    assert sorted(p.name for p in DOCS.glob("*.md") if f"docs/{p.name}" not in README) == []


def test_links_between_docs_lead_somewhere():
    import re

    for doc in DOCS.glob("*.md"):
        for target in re.findall(r"\]\(((?!https?:)[^)#]+)\)", doc.read_text()):
            assert (doc.parent / target).exists(), f"{doc.name} links to {target}"


UNKNOWN_VALUES = (REPO / "docs" / "unknown-values.md").read_text()


def test_every_kind_of_assumption_is_in_the_written_rule():
    """docs/unknown-values.md names every cause a warning can carry, word for word."""
    from tfreach.families import context, unknowns, unmodelled
    from tfreach.inputs.plan import resolve

    causes = [getattr(unknowns, name) for name in dir(unknowns) if name.isupper() and name.startswith(("UN", "DENY"))]
    causes += [resolve.KEYED, resolve.LOCAL, resolve.OUTSIDE, resolve.UNREFERENCED, resolve.TOO_DEEP, resolve.NOT_AN_ID]
    causes += [context.AMBIGUOUS, context.EXTERNAL, unmodelled.CAUSE]
    flat = " ".join(UNKNOWN_VALUES.split())
    assert len(causes) >= 17 and [c for c in causes if c not in flat] == []
    assert "docs/unknown-values.md" in README


def test_the_docs_list_exactly_the_types_not_modelled_yet():
    """A family that learns a type takes it off the list users read, by itself."""
    from tfreach.families import unmodelled_table

    generated = MODELLED.split("<!-- generated: not modelled yet -->\n")[1].split("<!-- end generated -->")[0]
    assert generated == unmodelled_table()
    assert [t for t in modelled_types() if f"| `{t}` |" in generated] == []


def test_the_documented_read_only_policy_is_what_the_live_account_reader_calls():
    """docs/context.md gives the minimal IAM policy of `--context aws`: every action live.py
    calls, and nothing more (it never writes)."""
    source = (REPO / "tfreach" / "inputs" / "context" / "live.py").read_text()
    called = {
        "ec2:" + "".join(part.capitalize() for part in name.split("_"))
        for name in re.findall(r'"((?:describe|get|search)_[a-z_]+)"', source)
    }
    document = (REPO / "docs" / "context.md").read_text()
    policy = json.loads(document.split("```json\n")[1].split("```")[0])
    documented = set(policy["Statement"][0]["Action"])
    assert documented == called
    assert all(a.split(":")[1].startswith(("Describe", "Get", "Search")) for a in documented)

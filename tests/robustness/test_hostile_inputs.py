"""Safe on an untrusted pull request: hostile sources and plans, fed to every command, as an attacker would.

Each case runs in one long-lived worker process (hostile_worker.py) whose address space is capped
and whose file opens are audited (`sys.addaudithook`). Every case must end within the time limit
with exit 0, 1 or 2; open no file outside its root (nor under `.git/`); and print, in no output and
no format, a secret planted outside the root (a file's content, an environment variable), a
resource declared outside the root, a value the plan marks sensitive or a value of the plan that
could not be read.
"""

from __future__ import annotations

import copy
import json
import os
import secrets
import selectors
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, SAMPLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SECONDS = 2.0  # what every hostile case may take, in the worker (a process already started)
TOKEN = "TFREACH-PLANTED-" + secrets.token_hex(6)  # in the worker's environment, as a CI token is
SECRET = "TOPSECRET-" + secrets.token_hex(6)  # in a file outside the root
SENSITIVE = "SENSITIVE-" + secrets.token_hex(6)  # a sensitive variable's value
PLAN_VALUE = "PLANVALUE-" + secrets.token_hex(6)  # a value of a plan that cannot be read as what it is
OUTSIDE = "outside_" + secrets.token_hex(4)  # a resource declared outside the root
NEVER_SHOWN = (TOKEN, SECRET, SENSITIVE, PLAN_VALUE, OUTSIDE)

PROVIDER = """provider "aws" {
  region = "us-east-1"
}
"""
BASE = """
resource "aws_vpc" "v" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.v.id
}
resource "aws_subnet" "s" {
  vpc_id                  = aws_vpc.v.id
  cidr_block              = "10.0.1.0/24"
  map_public_ip_on_launch = true
}
resource "aws_route_table" "r" {
  vpc_id = aws_vpc.v.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.igw.id
  }
}
resource "aws_route_table_association" "a" {
  subnet_id      = aws_subnet.s.id
  route_table_id = aws_route_table.r.id
}
resource "aws_instance" "web" {
  ami                    = "ami-1"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.s.id
  vpc_security_group_ids = [aws_security_group.g.id]
}
resource "aws_security_group" "g" {
  vpc_id = aws_vpc.v.id
  ingress {
    from_port   = local.port
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = local.cidrs
    description = local.text
  }
}
"""


# --- the worker ------------------------------------------------------------------------------


class Worker:
    def __init__(self, cwd: Path) -> None:
        env = {**os.environ, "TFREACH_PLANTED_TOKEN": TOKEN, "PYTHONPATH": str(REPO)}
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("hostile_worker.py"))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=cwd,
            env=env,
        )
        self.selector = selectors.DefaultSelector()
        assert self.process.stdout is not None
        self.selector.register(self.process.stdout, selectors.EVENT_READ)
        assert json.loads(self._line(120))["ready"]

    def _line(self, timeout: float) -> str:
        if not self.selector.select(timeout):
            self.process.kill()
            raise AssertionError(f"the worker gave no answer within {timeout} s: a hang")
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, "the worker died (a crash, or memory beyond its limit)"
        return line

    def run(self, args: list[str], cwd: Path, reports: tuple[Path, ...] = ()) -> dict[str, Any]:
        assert self.process.stdin is not None
        case = {"args": args, "cwd": str(cwd), "reports": [str(p) for p in reports]}
        self.process.stdin.write(json.dumps(case) + "\n")
        self.process.stdin.flush()
        return dict(json.loads(self._line(60)))

    def close(self) -> None:
        self.process.kill()
        self.process.wait()


@pytest.fixture(scope="module")
def worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Worker]:
    started = Worker(tmp_path_factory.mktemp("worker"))
    yield started
    started.close()


def _compiled_source(path: str) -> str:
    """A file of the byte-code cache (PYTHONPYCACHEPREFIX) stands for the source it compiles: the
    cache mirrors the source's path under its own folder."""
    cache = os.environ.get("PYTHONPYCACHEPREFIX")  # as the worker was started with
    return path[len(cache) :] if cache and path.startswith(cache.rstrip("/") + "/") else path


def assert_safe(result: dict[str, Any], root: Path, what: str) -> None:
    outputs = [result["stdout"], result["stderr"], *result["files"].values()]
    assert result["code"] in (0, 1, 2), f"{what}: exit {result['code']}: {result['stderr'][-500:]}"
    assert result["seconds"] < SECONDS, f"{what}: took {result['seconds']:.2f} s"
    shown = [secret for secret in NEVER_SHOWN for text in outputs if secret in text]
    assert not shown, f"{what}: printed {shown}"
    allowed = (str(root.resolve()), sys.prefix, sys.base_prefix, str(REPO / "tfreach"), "/dev/null")
    outside = [p for p in result["opened"] if not _compiled_source(os.path.realpath(p)).startswith(allowed)]
    inside_git = [p for p in result["opened"] if "/.git/" in os.path.realpath(p) + "/"]
    assert not outside and not inside_git, f"{what}: opened {outside or inside_git}"


# --- hostile sources ---------------------------------------------------------------------------


def layout(base: Path) -> tuple[Path, Path]:
    """A repository (the root) with a stack folder, a secret outside it and a token in its .git."""
    outside = base / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "secret.txt").write_text(f"{SECRET}\n")
    (outside / "main.tf").write_text(f'resource "aws_security_group" "{OUTSIDE}" {{\n}}\n')
    repo = base / "repo"
    (repo / ".git").mkdir(parents=True, exist_ok=True)
    (repo / ".git" / "config").write_text(f'[http]\n  extraheader = "AUTHORIZATION: basic {TOKEN}"\n')
    stack = repo / "stacks" / "app"
    stack.mkdir(parents=True, exist_ok=True)
    return repo, stack


READS = [
    f"file({json.dumps('/proc/self/environ')})",
    'file("../../../outside/secret.txt")',
    'file("../../.git/config")',
    'file("link.txt")',
    'fileexists("../../../outside/secret.txt") ? "22" : "23"',
    'trimspace(file("../../../outside/secret.txt"))',
]


def nesting(kind: str, depth: int) -> str:
    return {
        "parens": "(" * depth + "22" + ")" * depth,
        "calls": "abs(" * depth + "22" + ")" * depth,
        "conditionals": "true ? 22 : (" * depth + "22" + ")" * depth,
        "objects": "{a = " * depth + "22" + "}" * depth,
        "lists": "[" * depth + "22" + "]" * depth,
        "templates": '"${' * depth + "22" + '}"' * depth,
        "sums": "+".join(["1"] * (depth * 20)),
    }[kind]


def chain(kind: str, links: int) -> tuple[str, str]:
    """Locals that double (or square) at every link, and the last one's name."""
    start, step = {
        "concat": ("[1, 2, 3, 4]", "concat(local.c{i}, local.c{i})"),
        "strings": ('"abcd"', '"${{local.c{i}}}${{local.c{i}}}"'),
        "numbers": ("99999999999", "local.c{i} * local.c{i}"),
        "products": ('["a", "b"]', 'distinct([for p in setproduct(local.c{i}, local.c{i}) : join("-", p)])'),
    }[kind]
    lines = [f"  c0 = {start}"] + [f"  c{i + 1} = {step.format(i=i)}" for i in range(links)]
    return "\n".join(lines), f"local.c{links}"


@st.composite
def hostile_sources(draw: st.DrawFn) -> dict[str, Any]:
    """One attack per case, so that each gets past the others: leaving the root, nesting, values
    that grow, loops, and a sensitive value; the rest of the case is harmless."""
    case: dict[str, Any] = {"port": "22", "locals": "", "cidrs": '["0.0.0.0/0"]', "text": '"ssh"'}
    case.update(module="", links=[], for_each=False)
    attack = draw(st.sampled_from(["escape", "nesting", "growth", "loops", "sensitive"]))
    if attack == "escape":
        case["port"] = draw(st.sampled_from([*READS, "22"]))
        case["cidrs"] = draw(st.sampled_from(['["0.0.0.0/0"]', 'split(",", file("link.txt"))']))
        case["module"] = draw(st.sampled_from(["", "../../../outside", "../..", "./mod"]))
        case["links"] = draw(st.lists(st.sampled_from(["tf", "tfvars", "module"]), max_size=2, unique=True))
        case["for_each"] = draw(st.booleans())
    elif attack == "nesting":
        kinds = st.sampled_from(["parens", "calls", "conditionals", "objects", "lists", "templates", "sums"])
        case["port"] = draw(st.builds(nesting, kinds, st.integers(10, 700)))
    elif attack == "growth":
        chains = st.sampled_from(["concat", "strings", "numbers", "products"])
        case["locals"], last = draw(st.builds(chain, chains, st.integers(1, 45)))
        case["port"] = f"length(tostring(length({last}))) + 21"
        case["text"] = draw(st.sampled_from([f"tostring(length({last}))", f"jsonencode({last})"]))
    elif attack == "loops":
        loops, size = draw(st.integers(1, 4)), draw(st.sampled_from([3, 100, 1000]))
        nested = "[for a in range({n}) : " * loops + "a" + "]" * loops
        case["locals"] = f"  loops = {nested.format(n=size)}"
        case["port"] = "length(local.loops) > 0 ? 22 : 23"
    else:
        case["cidrs"] = draw(st.sampled_from(["[var.office]", '["${var.office}/32"]', "[lower(var.office)]"]))
        case["text"] = draw(st.sampled_from(["var.office", '"x"']))
    case["locals"] += f"\n  port_text = {case['port']}"
    return case


def write_sources(stack: Path, case: dict[str, Any]) -> None:
    for old in stack.iterdir():
        old.unlink()
    body = PROVIDER + BASE.replace("local.port", "local.port_text")
    body += f'variable "office" {{\n  type      = string\n  sensitive = true\n  default   = "{SENSITIVE}"\n}}\n'
    body += f"locals {{\n{case['locals']}\n  cidrs = {case['cidrs']}\n  text = {case['text']}\n}}\n"
    if case["module"]:
        body += f'module "m" {{\n  source = "{case["module"]}"\n}}\n'
    if case["for_each"]:
        lines = 'split("\\u0000", file("/proc/self/environ"))'
        body += (
            'resource "aws_security_group" "keyed" {\n  vpc_id = aws_vpc.v.id\n'
            f'  for_each = toset([for l in {lines} : l if startswith(l, "TFREACH")])\n'
            "  name = each.key\n}\n"
        )
    (stack / "main.tf").write_text(body)
    (stack / "link.txt").symlink_to(stack.parents[2] / "outside" / "secret.txt")
    if "tf" in case["links"]:
        (stack / "evil.tf").symlink_to(stack.parents[2] / "outside" / "main.tf")
    if "tfvars" in case["links"]:
        (stack / "terraform.tfvars").symlink_to(stack.parents[2] / "outside" / "secret.txt")
    if "module" in case["links"]:
        (stack / "mod").symlink_to(stack.parents[2] / "outside")


COMMANDS = [
    ["check", "{path}", "--format", "json", "--expand", "--fail-on", "never"],
    ["check", "{path}", "--format", "table", "--format", "sarif={out}/r.sarif", "--format", "github={out}/r.txt"],
    ["check", "{path}", "--format", "markdown", "--format", "junit={out}/r.xml"],
    ["explain", "{path}", "aws_instance.web"],
    ["query", "{path}", "--from", "internet", "--to", "aws_instance.web", "--format", "json"],
    ["graph", "{path}", "--format", "dot"],
]


def run_everywhere(worker: Worker, path: Path, root: Path, out: Path, commands: list[list[str]] = COMMANDS) -> None:
    reports = (out / "r.sarif", out / "r.txt", out / "r.xml")
    for report in reports:
        report.unlink(missing_ok=True)
    for command in commands:
        args = [a.format(path=path, out=out) for a in command]
        assert_safe(worker.run(args, path.parent if path.is_file() else path, reports), root, " ".join(args))


@given(hostile_sources())
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_hostile_sources_end_quickly_and_leak_nothing(worker, tmp_path, case):
    repo, stack = layout(tmp_path)
    write_sources(stack, case)
    run_everywhere(worker, stack, repo, repo, COMMANDS[:1] + [COMMANDS[secrets.randbelow(len(COMMANDS))]])


# --- hostile plans -------------------------------------------------------------------------------

PLAN = json.loads((SAMPLES / "inspector-blog" / "plan.json").read_text())
JUNK = [PLAN_VALUE, [PLAN_VALUE], {"a": PLAN_VALUE}, 1e300, -1, True, None, [None], [[PLAN_VALUE]]]


@st.composite
def hostile_plans(draw: st.DrawFn) -> dict[str, Any]:
    document = copy.deepcopy(PLAN)
    changes = [c for c in document["resource_changes"] if c["change"].get("after")]
    for _ in range(draw(st.integers(1, 4))):
        change = draw(st.sampled_from(changes))["change"]
        after = change["after"]
        field = draw(st.sampled_from(sorted(after)))
        value = after[field]
        if isinstance(value, list) and value and isinstance(value[0], dict) and draw(st.booleans()):
            block = draw(st.sampled_from(value))
            block[draw(st.sampled_from(sorted(block)))] = draw(st.sampled_from(JUNK))
        else:
            after[field] = draw(st.sampled_from(JUNK))
        if draw(st.booleans()):  # terraform's mark: the attribute is sensitive
            change.setdefault("after_sensitive", {})[field] = True
            after[field] = after[field] if after[field] not in (None, True) else SENSITIVE
    return document


@given(hostile_plans())
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_hostile_plans_end_quickly_and_leak_nothing(worker, tmp_path, document):
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(document))
    commands = [COMMANDS[0], COMMANDS[1 + secrets.randbelow(len(COMMANDS) - 1)]]
    endpoint = "aws_instance.inspector_agent"
    run_everywhere(
        worker, plan, tmp_path, tmp_path, [[a.replace("aws_instance.web", endpoint) for a in c] for c in commands]
    )


# --- the probes of the issue, one by one -----------------------------------------------------------

NESTED_FOR = "[for a in range(1000) : [for b in range(1000) : [for c in range(1000) : c]]]"


def _port(expression: str, more: str = "") -> Any:
    def write(stack: Path) -> None:
        base = BASE.replace("local.port", "local.port_text").replace("local.cidrs", '["0.0.0.0/0"]')
        locals_ = f"locals {{\n  port_text = {expression}\n{more}}}\n"
        (stack / "main.tf").write_text(PROVIDER + base.replace("local.text", '"x"') + locals_)

    return write


def _also(first: Any, then: Any) -> Any:
    def write(stack: Path) -> None:
        first(stack)
        then(stack)

    return write


def _symlinked_tf(stack: Path) -> None:
    (stack / "evil.tf").symlink_to(stack.parents[2] / "outside" / "secret.txt")


def _module_out(stack: Path) -> None:
    with (stack / "main.tf").open("a") as handle:
        handle.write('module "up" {\n  source = "../../.."\n}\n')


def _big_file(stack: Path) -> None:
    (stack / "big.tf").write_text("locals {\n" + "".join(f'  v{i} = "{"x" * 60}"\n' for i in range(120_000)) + "}\n")


def _many_files(stack: Path) -> None:
    for n in range(12):
        (stack / f"gen{n}.tf").write_text(
            "locals {\n" + "".join(f'  v{n}_{i} = "{"x" * 60}"\n' for i in range(6_000)) + "}\n"
        )


CHAINS = {kind: chain(kind, 40) for kind in ("concat", "strings", "numbers")}
PROBES = {
    "file() of a file outside the root": (_port('file("../../../outside/secret.txt")'), 2),
    "the job's environment": (_port('file("/proc/self/environ")'), 2),
    "the job's token in .git": (_port('file("../../.git/config")'), 2),
    "a .tf symlinked outside": (_also(_port("22"), _symlinked_tf), 2),
    "a module source out of the repository": (_also(_port("22"), _module_out), 2),
    "nested for": (_port(f"length({NESTED_FOR})"), 0),
    "lists grown by concat": (_port(f"length({CHAINS['concat'][1]}) > 0 ? 22 : 23", CHAINS["concat"][0] + "\n"), 0),
    "strings doubled": (_port(f"length({CHAINS['strings'][1]}) > 0 ? 22 : 23", CHAINS["strings"][0] + "\n"), 0),
    "huge products": (_port(f"{CHAINS['numbers'][1]} > 0 ? 22 : 23", CHAINS["numbers"][0] + "\n"), 0),
    "500 parentheses": (_port("(" * 500 + "22" + ")" * 500), 2),
    "abs(abs(...))": (_port("abs(" * 500 + "22" + ")" * 500), 2),
    "nested conditionals": (_port("true ? 22 : (" * 500 + "22" + ")" * 500), 2),
    "nested objects": (_port("{a = " * 500 + "22" + "}" * 500), 2),
    "nested templates": (_port('"${' * 300 + "22" + '}"' * 300), 2),
    "20,000 additions": (_port("+".join(["1"] * 20000)), 2),
    "an 8 MB .tf": (_also(_port("22"), _big_file), 2),
    "many large .tf files": (_also(_port("22"), _many_files), 2),
}


@pytest.mark.parametrize("probe", sorted(PROBES))
def test_each_probe_of_the_issue_ends_quickly_without_leaking(worker, tmp_path, probe):
    repo, stack = layout(tmp_path)
    write, code = PROBES[probe]
    write(stack)
    result = worker.run(["check", str(stack), "--format", "sarif", "--fail-on", "never"], stack)
    assert_safe(result, repo, probe)
    assert result["code"] == code, result["stderr"]
    assert len(result["stderr"].strip().splitlines()) <= 1  # one line naming the file and the problem

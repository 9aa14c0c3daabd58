"""Runs tfreach commands on hostile inputs, one JSON line per case in, one JSON line per result out.

Started once per test session by test_hostile_inputs.py, in a process of its own: it caps its
address space (a memory bomb ends as a MemoryError, reported, not as a stalled machine), imports
what tfreach imports, then installs an audit hook (`sys.addaudithook`) that records every file
opened while a case runs. For each case it reports the exit code, the seconds it took, what was
written (stdout, stderr, report files) and every path opened.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import sys
import time
from pathlib import Path

MEMORY = 3 << 30  # bytes of address space: more than any real plan needs here, far less than a bomb


def _warm_up() -> None:
    """Import (and so open) everything tfreach may load, before opens are watched."""
    import importlib

    modules = ["hcl2", "jsonschema", "lark", "networkx", "tfreach.cli"]
    modules += [f"tfreach.inputs.sources.{name}" for name in ("evaluate", "to_plan")]
    modules += [f"tfreach.questions.{name}" for name in ("explain", "query", "intents")]
    for name in (*modules, "tfreach.engine.classes"):
        importlib.import_module(name)
    for report in ("github", "json_report", "junit", "markdown", "sarif", "table", "diagram"):
        importlib.import_module(f"tfreach.reports.{report}")

    sample = Path(__file__).resolve().parents[2] / "sample_plans" / "sources-features"
    for args in (["check", str(sample), "--format", "json"], ["check", str(sample / "plan.json")]):
        _run(args)


OPENED: list[str] = []


def _audit(event: str, args: tuple[object, ...]) -> None:
    if event == "open" and args and isinstance(args[0], str | bytes | os.PathLike):
        OPENED.append(os.fsdecode(args[0]))


def _run(args: list[str]) -> tuple[int, str, str]:
    from tfreach.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main.main(args, prog_name="tfreach", standalone_mode=True)
            code = 0
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        except MemoryError:
            code = 98
        except Exception as error:  # what run() turns into exit 3
            print(f"uncaught {type(error).__name__}: {error}", file=sys.stderr)
            code = 3
    return code, out.getvalue(), err.getvalue()


def main() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    _warm_up()
    sys.addaudithook(_audit)
    reply = sys.__stdout__
    assert reply is not None
    print(json.dumps({"ready": True}), file=reply, flush=True)
    for line in sys.stdin:
        case = json.loads(line)
        os.chdir(case.get("cwd") or os.getcwd())
        OPENED.clear()
        started = time.monotonic()
        code, out, err = _run(case["args"])
        seconds = time.monotonic() - started
        opened = sorted({os.path.realpath(p) for p in OPENED if not p.startswith("__editable__")})
        written = {p: Path(p).read_text(errors="replace") for p in case.get("reports", []) if Path(p).exists()}
        result = {"code": code, "seconds": seconds, "stdout": out, "stderr": err, "files": written, "opened": opened}
        print(json.dumps(result), file=reply, flush=True)


if __name__ == "__main__":
    main()

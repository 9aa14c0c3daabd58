"""The command line: one module per command, over tfreach.api (the analyses) and the reports.

Exit codes: 0 nothing counted at or above --fail-on, 1 findings at or above it, 2 usage or
input error (plan, config or baseline file), 3 internal error (a bug: please report it).
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from typing import NoReturn

import click

from tfreach import __version__, escape
from tfreach.cli.common import EXIT_INTERNAL, internal


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tfreach")
def main() -> None:
    """Which ports of an AWS Terraform plan become reachable from outside, and how."""


def run() -> NoReturn:
    """The `tfreach` command: `main`, then exit without freeing the analysis object by object.

    A large plan leaves millions of small objects; tearing them down took longer than writing
    the report (1.2 s at 5,000 resources). The caught exit keeps them referenced, the report is
    already written and flushed, so the process can end at once.
    """
    try:
        main()
        code: object = 0
    except SystemExit as done:
        code = done.code
    except Exception as error:  # a bug outside the guarded steps: never a traceback, never exit 1
        if os.environ.get("TFREACH_DEBUG"):
            traceback.print_exc()
        else:
            print(f"tfreach: error: {escape.line(internal(error))}", file=sys.stderr)
        code = EXIT_INTERNAL
    if isinstance(code, str):
        print(escape.line(code), file=sys.stderr)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError):  # a reader that went away (`| head`) wants no more
            stream.flush()
    os._exit(code if isinstance(code, int) else 0 if code is None else 1)


# The commands register themselves on `main`.
from tfreach.cli import check, explain, graph, query, serve  # noqa: E402

__all__ = ["check", "explain", "graph", "main", "query", "run", "serve"]

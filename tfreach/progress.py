"""Where a long run is, on stderr: a tqdm bar that appears after two seconds, only on a terminal.

The pipeline says which stage it enters (`stage`); the command line opens a bar per input
(`showing`). In CI logs, pipes and files nothing is written: stderr is not a terminal.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from tqdm import tqdm

STAGES = ("read", "model", "graph", "findings")
_DELAY = 2.0  # seconds: a quick run shows nothing
_REFRESH = 0.1  # seconds between redraws

_bar: ContextVar[tqdm[NoReturn] | None] = ContextVar("progress bar", default=None)


def stage(name: str) -> None:
    """The pipeline enters `name` (one of STAGES)."""
    bar = _bar.get()
    if bar is not None:
        bar.set_postfix_str(name, refresh=False)
        bar.update(1)


@contextmanager
def showing(label: str) -> Iterator[None]:
    """A bar for one input, while the block runs (nothing when stderr is not a terminal)."""
    if not sys.stderr.isatty():
        yield
        return
    from tqdm import tqdm  # only a terminal needs it

    bar = tqdm(
        total=len(STAGES), desc=label, delay=_DELAY, mininterval=_REFRESH, leave=False, file=sys.stderr, unit="stage"
    )
    token = _bar.set(bar)
    try:
        yield
    finally:
        _bar.reset(token)
        bar.close()
